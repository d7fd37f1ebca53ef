"""The ASGI application (FastAPI) of the provincial reference server: protocol v1.

``create_app(service)`` wires :class:`sync.server.service.Service` to HTTP as described in
docs/sync-protocol.md. Handlers that only call the service are plain ``def`` (FastAPI runs
them in its thread pool: the database calls block); those that read a raw or compressed body
are ``async`` and hand the work to the pool. Every error leaves as
``{"error": {"code", "message", "class"}}``.

No ``from __future__ import annotations`` here: FastAPI reads the route signatures' types
at run time, and the ``Annotated`` aliases are local to :func:`create_app`.
"""

import zlib
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Response, Security
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync import protocol as P
from sync.server import app_stats
from sync.server import lookup as pages
from sync.server import models as M
from sync.server.app_doc import allowed_methods, openapi_for
from sync.server.db import utcnow
from sync.server.security import Guard, GuardMiddleware, install_log_filters, limited
from sync.server.service import ApiError, Principal, Service

DESCRIPTION = """\
The provincial reference server of **MotCua Kiosk** (sync protocol v1): devices enrol once with
a one-time code, push their outbox (dossiers and lifecycle events) in ordered batches with
per-item results, upload attachments in resumable, sha256-checked chunks, and pull feeds
(status, catalog, calendar, settings, keys) with cursors. Operators drive the lifecycle through
`/v1/admin` after `POST /v1/login` (roles: province_admin, province_viewer, commune_officer).
Plain HTTP is refused outside loopback (deploy behind a TLS reverse proxy); requests are
rate-limited (429 with Retry-After). Bodies may be gzip-compressed (`Content-Encoding: gzip`). Every error is
`{"error": {"code", "message", "class"}}`; `class` is transient, auth, permanent or conflict.
The full description is docs/sync-protocol.md in the source tree.
"""

bearer = HTTPBearer(auto_error=False, description="device or operator token")
_ERRORS = {
    s: {"model": M.ErrorAnswer, "description": d}
    for s, d in (
        (401, "credential missing, wrong or revoked"),
        (403, "not allowed for this device or role; or plain HTTP refused"),
        (429, "rate limited: retry after Retry-After seconds"),
        (413, "too large"),
        (422, "bad request body"),
    )
}


def _error_response(exc: ApiError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": exc.to_json()},
        status_code=exc.status,
        headers={**exc.headers, **(headers or {}), P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION)},
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body (gzip decoded when so labelled), refusing more than ``limit`` bytes."""
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", ""):
        raise ApiError("unsupported_encoding", f"Không hỗ trợ Content-Encoding {encoding!r}")
    raw = bytearray()
    async for part in request.stream():
        raw += part
        if len(raw) > limit:
            raise ApiError("too_large", f"Nội dung gửi lên vượt {limit} byte")
    if encoding != "gzip":
        return bytes(raw)
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(bytes(raw), limit + 1)
    except zlib.error:
        raise ApiError("bad_request", "Nội dung gzip bị hỏng") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise ApiError("too_large", f"Nội dung sau giải nén vượt {limit} byte")
    if not inflater.eof:
        raise ApiError("bad_request", "Nội dung gzip bị cắt cụt")
    return out


async def read_json(request: Request, limit: int) -> Any:
    import json

    body = await read_body(request, limit)
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError("bad_request", "Nội dung không phải JSON hợp lệ") from None


def create_app(service: Service, guard: Guard | None = None) -> FastAPI:
    """The ASGI app over ``service``; ``guard`` is the front-door policy (HTTPS, proxies,
    rate limits: sync.server.security), by default HTTPS-only outside loopback."""
    guard = guard or Guard()
    install_log_filters()
    app = FastAPI(
        title="MotCua provincial sync server",
        version=f"{P.PROTOCOL_VERSION}",
        description=DESCRIPTION,
        license_info={"name": "GPL-3.0-or-later"},
        openapi_tags=[
            {"name": "device", "description": "enrolment, push, attachments, feeds"},
            {"name": "back office", "description": "operators: dossiers and lifecycle"},
            {"name": "public", "description": "the receipt lookup page"},
        ],
    )
    app.state.service = service
    app.state.guard = guard
    app.add_middleware(GZipMiddleware, minimum_size=1000)

    @app.middleware("http")
    async def protocol_header(request: Request, call_next: Any) -> Response:
        try:
            response = await call_next(request)
        except ApiError as exc:  # pragma: no cover - raised outside a route
            response = _error_response(exc)
        response.headers[P.PROTOCOL_HEADER] = str(P.PROTOCOL_VERSION)
        return response

    app.add_middleware(GuardMiddleware, guard=guard)  # outermost: before anything else runs

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error_response(exc)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        # The client retries (class transient); the traceback goes to the log via uvicorn.
        from sync.server.db import DatabaseError

        if isinstance(exc, DatabaseError) or type(exc).__module__.startswith(
            ("psycopg", "sqlite3")
        ):
            err = ApiError("unavailable", "Máy chủ tạm thời không truy cập được cơ sở dữ liệu")
            return _error_response(err, {"Retry-After": "30"})
        return _error_response(ApiError("internal", "Lỗi máy chủ; sẽ thử lại sau"))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        return _error_response(
            ApiError("bad_request", f"Yêu cầu không hợp lệ: {where}: {first.get('msg', '')}")
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.lower().startswith("/r/"):
            return HTMLResponse(pages.not_found_page(None), status_code=404)
        code = "not_found" if exc.status_code == 404 else "bad_request"
        body = {"error": {"code": code, "message": str(exc.detail), "class": P.PERMANENT}}
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of every route on this path (RFC 9110)
            headers["Allow"] = allowed_methods(app, request.scope)
        return JSONResponse(body, status_code=exc.status_code, headers=headers)

    def device(request: Request, _creds: Annotated[Any, Security(bearer)] = None) -> Principal:
        who = service.authenticate(request.headers.get("authorization"), "device")
        guard.device(who.id)
        return who

    def operator(request: Request, _creds: Annotated[Any, Security(bearer)] = None) -> Principal:
        who = service.authenticate(request.headers.get("authorization"), "operator")
        guard.device(f"u:{who.id}")
        return who

    Device = Annotated[Principal, Depends(device)]
    Sha256 = Annotated[str, Path(pattern="^[0-9a-f]{64}$", description="sha256, lower-case hex")]
    Operator = Annotated[Principal, Depends(operator)]

    # ---------------------------------------------------------------- device
    @app.post(
        "/v1/enrol",
        tags=["device"],
        status_code=201,
        response_model=M.EnrolAnswer,
        responses={400: {"model": M.ErrorAnswer, "description": "code unknown, used or expired"}},
        openapi_extra={"requestBody": _body("EnrolRequest")},
    )
    async def enrol(request: Request) -> Any:
        """Exchange a one-time enrolment code for a device credential (no credential needed)."""
        data = await read_json(request, 64 * 1024)
        if not isinstance(data, dict) or not isinstance(data.get("code"), str):
            raise ApiError("bad_request", 'Cần {"code": "…"}')
        name = data.get("device_name")
        return await run_in_threadpool(
            service.enrol,
            data["code"],
            device_name=str(name)[:100] if name else None,
            public_key=data.get("public_key"),
        )

    @app.post(
        "/v1/token",
        tags=["device"],
        response_model=M.TokenAnswer,
        responses={401: {"model": M.ErrorAnswer, "description": "refresh token wrong or revoked"}},
        openapi_extra={"requestBody": _body("TokenRequest")},
    )
    async def token(request: Request) -> Any:
        """A new access token for the device's refresh token (after `401 token_expired`)."""
        data = await read_json(request, 16 * 1024)
        if not isinstance(data, dict):
            raise ApiError("bad_request", 'Cần {"refresh_token": "…"}')
        return await run_in_threadpool(service.refresh, data.get("refresh_token"))

    @app.get("/v1/me", tags=["device"], response_model=M.MeAnswer, responses=_ERRORS)
    def me(who: Device) -> Any:
        """Who this credential is, and the server's time."""
        return {
            "device_id": who.id,
            "kind": who.kind,
            "name": who.name,
            "commune": who.commune,
            "agency_id": who.agency_id,
            "slot": who.slot,
            "protocol": P.PROTOCOL_VERSION,
            "server_time": utcnow(),
        }

    @app.post(
        "/v1/push",
        tags=["device"],
        response_model=M.PushAnswer,
        responses=_ERRORS,
        openapi_extra={"requestBody": _body("PushRequest")},
    )
    async def push(request: Request) -> Any:
        """Push outbox events in order; each gets its own result (accepted/duplicate/rejected).

        Each event is applied in its own transaction, in the order given."""
        who = await run_in_threadpool(device, request)
        data = await read_json(request, P.MAX_PUSH_BYTES)
        if not isinstance(data, dict) or "events" not in data:
            raise ApiError("bad_request", 'Cần {"events": […]}')
        results = await run_in_threadpool(service.push, who, data["events"])
        return {"results": results, "server_time": utcnow()}

    @app.post(
        "/v1/keys",
        tags=["device"],
        response_model=M.KeyDocument,
        responses=_ERRORS,
        openapi_extra={"requestBody": _body("KeyDocument")},
    )
    async def add_key(request: Request) -> Any:
        """Publish a receipt-signing public key of this device (its agency only)."""
        who = await run_in_threadpool(device, request)
        data = await read_json(request, 64 * 1024)
        return await run_in_threadpool(service.add_key, who, data)

    def _upload_headers(state: dict[str, Any]) -> dict[str, str]:
        return {
            P.UPLOAD_OFFSET: str(state["offset"]),
            P.UPLOAD_LENGTH: str(state["size"]),
            P.UPLOAD_COMPLETE: "?1" if state["state"] == "complete" else "?0",
            "Cache-Control": "no-store",
        }

    @app.head("/v1/attachments/{sha256}", tags=["device"], responses=_ERRORS)
    def attachment_head(sha256: Sha256, who: Device) -> Response:
        """The server's offset for this file (headers only)."""
        state = service.attachment_status(who, sha256)
        return Response(status_code=200, headers=_upload_headers(state))

    @app.get(
        "/v1/attachments/{sha256}",
        tags=["device"],
        response_model=M.AttachmentState,
        responses=_ERRORS,
    )
    def attachment_get(sha256: Sha256, who: Device) -> Any:
        """The server's state and offset for this file (never its content)."""
        state = service.attachment_status(who, sha256)
        return JSONResponse(state, headers=_upload_headers(state))

    async def _upload(request: Request, sha256: str) -> Response:
        who = await run_in_threadpool(device, request)
        try:
            offset = _int_header(request, P.UPLOAD_OFFSET)
            length = _int_header(request, P.UPLOAD_LENGTH)
        except ValueError as exc:
            raise ApiError("bad_request", str(exc)) from None
        # the state first: a complete file answers at once, whatever the body
        state = await run_in_threadpool(service.attachment_status, who, sha256)
        if state["state"] == "complete":
            return JSONResponse(state, headers=_upload_headers(state))
        chunk = await read_body(request, service.max_chunk)
        state = await run_in_threadpool(service.upload, who, sha256, offset, length, chunk)
        return JSONResponse(state, headers=_upload_headers(state))

    upload_doc = {
        "tags": ["device"],
        "response_model": M.AttachmentState,
        "responses": {
            **_ERRORS,
            409: {"model": M.ErrorAnswer, "description": "offset_mismatch: see Upload-Offset"},
        },
        "openapi_extra": {
            "parameters": [
                {
                    "name": P.UPLOAD_OFFSET,
                    "in": "header",
                    "required": True,
                    "schema": {"type": "integer"},
                },
                {"name": P.UPLOAD_LENGTH, "in": "header", "schema": {"type": "integer"}},
            ],
            "requestBody": {
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                }
            },
        },
    }

    @app.patch("/v1/attachments/{sha256}", **upload_doc)
    async def attachment_patch(request: Request, sha256: Sha256) -> Response:
        """Append a chunk at `Upload-Offset`; the last chunk is checked against the sha256."""
        return await _upload(request, sha256)

    @app.put("/v1/attachments/{sha256}", **upload_doc)
    async def attachment_put(request: Request, sha256: Sha256) -> Response:
        """Same as PATCH (for clients that cannot send PATCH)."""
        return await _upload(request, sha256)

    @app.get("/v1/feeds/{feed}", tags=["device"], response_model=M.FeedAnswer, responses=_ERRORS)
    def feed(
        feed: str,
        who: Device,
        after: Annotated[str | None, Query(max_length=80)] = None,
        limit: Annotated[int, Query(ge=1, le=P.MAX_FEED_LIMIT)] = P.DEFAULT_FEED_LIMIT,
    ) -> Any:
        """Entries after a cursor; `reset: true` means refetch from the start."""
        return service.read_feed(who, feed, after, limit)

    # ---------------------------------------------------------------- back office
    @app.post(
        "/v1/login",
        tags=["back office"],
        response_model=M.LoginAnswer,
        responses={401: {"model": M.ErrorAnswer, "description": "login or password wrong"}},
        openapi_extra={"requestBody": _body("LoginRequest")},
    )
    async def login(request: Request) -> Any:
        """A back-office session token (short-lived) for a login and password."""
        data = await read_json(request, 16 * 1024)
        if not isinstance(data, dict):
            raise ApiError("bad_request", 'Cần {"login": "…", "password": "…"}')
        name = data.get("login")
        key = f"user:{str(name).strip().lower()[:64]}"
        wait = guard.buckets["login_fail_user"].peek(key)
        if wait:  # this login had too many wrong passwords lately, from anywhere
            raise limited(wait)
        try:
            return await run_in_threadpool(service.login, name, data.get("password"))
        except ApiError as exc:
            if exc.code == "login_failed":
                guard.buckets["login_fail_user"].take(key)
            raise

    @app.post("/v1/logout", tags=["back office"], status_code=204, responses=_ERRORS)
    def logout(request: Request, _op: Operator) -> Response:
        """End this session now."""
        service.logout(request.headers.get("authorization"))
        return Response(status_code=204)

    @app.get(
        "/v1/admin/dossiers",
        tags=["back office"],
        response_model=list[M.DossierRow],
        responses=_ERRORS,
    )
    def admin_dossiers(
        op: Operator,
        commune: Annotated[str | None, Query(max_length=16)] = None,
        agency_id: Annotated[str | None, Query(max_length=40)] = None,
        status: Annotated[int | None, Query(ge=0, le=99)] = None,
        limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    ) -> Any:
        """Dossiers with code, commune, status, completeness and attachment hashes (a commune
        officer sees its own commune's only)."""
        service.require(op, "read")
        if op.role == "commune_officer":
            if commune not in (None, op.commune):
                return []
            commune = op.commune
        return service.list_dossiers(
            commune=commune, agency_id=agency_id, status=status, limit=limit
        )

    @app.get("/v1/admin/dossiers/{code}", tags=["back office"], responses=_ERRORS)
    def admin_dossier(code: str, op: Operator) -> Any:
        """One dossier with its content (personal data) and history."""
        service.require(op, "read", service.dossier_commune(code) or "")
        return service.dossier(code)

    @app.post(
        "/v1/admin/dossiers/{code}/transitions",
        tags=["back office"],
        response_model=M.StatusEntry,
        responses={**_ERRORS, 409: {"model": M.ErrorAnswer, "description": "illegal_transition"}},
    )
    def admin_transition(code: str, body: M.TransitionRequest, op: Operator) -> Any:
        """Move a dossier (the lifecycle decides); writes a status-feed entry for its commune.
        The actor recorded is the logged-in user."""
        service.require(op, "write", service.dossier_commune(code) or "")
        return service.advance(
            code,
            body.to,
            note=body.note,
            actor=op.name if op.role != "province_admin" else (body.actor or op.name),
            appointment_at=body.appointment_at,
        )

    @app.post("/v1/admin/dossiers/{code}/payments", tags=["back office"], responses=_ERRORS)
    def admin_payment(code: str, body: M.PaymentRequest, op: Operator) -> Any:
        """Record the province's payment confirmation for a dossier's fee (transfer/online);
        published to its commune in the `payments` feed. Idempotent by `reference`."""
        service.require(op, "write", service.dossier_commune(code) or "")
        return service.record_payment(
            code, amount=body.amount, method=body.method, reference=body.reference,
            paid_at=body.paid_at, actor=op.name,
        )  # fmt: skip

    app_stats.install(app, service, guard, Operator)

    @app.get("/v1/admin/attachments/{sha256}/content", tags=["back office"], responses=_ERRORS)
    def admin_attachment(sha256: Sha256, op: Operator) -> FileResponse:
        """Download a complete attachment (a commune officer: of its own commune's dossiers)."""
        service.require(op, "read")
        if op.role == "commune_officer" and op.commune not in service.attachment_communes(sha256):
            raise ApiError("not_found", "Máy chủ chưa có đủ tệp này")
        return FileResponse(service.attachment_path(sha256), media_type="application/octet-stream")

    # ---------------------------------------------------------------- public
    def _lookup(request: Request, text: str, k: str | None) -> HTMLResponse:
        """Enumeration-resistant: a bare dossier code shows nothing without the receipt's
        second factor (last 4 characters of the applicant's ID number, printed on the
        receipt); a QR text shows the dossier only when its signature verifies. "No such
        code", "wrong second factor" and "bad signature" are one answer, after the same work,
        and each costs the address a token of the failure bucket (sync.server.security)."""
        from kiosk_app.core.codes import CODE_RE

        headers = {
            "Cache-Control": "no-store",
            "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
        }
        client = request.client.host if request.client else ""
        local = bool(request.scope.get("state", {}).get("direct_loopback"))
        text = text.strip()[:400]
        bare = bool(CODE_RE.fullmatch(text.upper()))
        if bare and k is None:
            return HTMLResponse(pages.factor_page(text.upper()), headers=headers)
        fail_key = f"ip:{client}"
        if not local:
            wait = guard.buckets["lookup_fail"].peek(fail_key)
            if wait:
                return HTMLResponse(
                    pages.too_many_page(),
                    status_code=429,
                    headers={**headers, "Retry-After": str(max(1, int(wait + 0.999)))},
                )
        verdict = None
        if bare:
            info = service.lookup(text.upper())
            matched = pages.factor_matches(info["factor"] if info else None, k)
            ok = matched and info is not None
        else:  # an unverifiable payload still costs the same lookup as a real one
            code, verdict = _payload_code(service, request, text)
            info = service.lookup(code or "")
            ok = info is not None and verdict is not None
        if not ok:
            if not local:
                guard.buckets["lookup_fail"].take(fail_key)
            return HTMLResponse(pages.not_found_page(), status_code=404, headers=headers)
        assert info is not None
        if verdict == "genuine":
            verdict = _compare(text, info) or verdict
        return HTMLResponse(pages.dossier_page(info, verdict), headers=headers)

    @app.get("/r/{text:path}", tags=["public"], response_class=HTMLResponse)
    def receipt_lookup(
        request: Request, text: str, k: Annotated[str | None, Query(max_length=32)] = None
    ) -> HTMLResponse:
        """The page the receipt QR opens: status and appointment, nothing personal.

        `text` is a signed v1 QR payload (as the receipt's QR carries it), or a dossier code
        together with `k`, the last 4 characters of the applicant's ID number printed on the
        receipt. Read case-insensitively (`/R/…` too)."""
        return _lookup(request, text, k)

    @app.get("/R/{text:path}", include_in_schema=False, response_class=HTMLResponse)
    def receipt_lookup_upper(
        request: Request, text: str, k: Annotated[str | None, Query(max_length=32)] = None
    ) -> HTMLResponse:
        return _lookup(request, text, k)

    @app.get("/healthz", tags=["public"])
    def healthz() -> dict[str, Any]:
        """Liveness: the database answers."""
        return {"ok": True, "schema": service.db.schema_version(), "engine": service.db.engine}

    app.openapi = lambda: openapi_for(app)  # type: ignore[method-assign]
    return app


def _body(model: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
        "description": "JSON; may be sent with `Content-Encoding: gzip`",
    }


def _int_header(request: Request, name: str) -> int | None:
    value = request.headers.get(name)
    if value is None:
        return None
    if not value.strip().isdigit():
        raise ValueError(f"Tiêu đề {name} phải là số nguyên không âm")
    return int(value)


def _candidates(service: Service, request: Request) -> list[str]:
    """Lookup addresses the receipt may have printed before the payload (upper-cased)."""
    out = []
    if service.public_url:
        out.append(service.public_url.upper().rstrip("/") + "/")
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    host = request.headers.get("x-forwarded-host", request.headers.get("host", ""))
    if host:
        out.append(f"{proto}://{host}/R/".upper())
    return out


def _payload_code(service: Service, request: Request, text: str) -> tuple[str | None, str | None]:
    """(dossier code, "genuine") of a QR text whose signature verifies, else (None, None):
    a payload nobody signed must not be a way to ask about any code."""
    from kiosk_app.receipts import qr_payload

    try:
        parsed = qr_payload.parse(text)
    except qr_payload.MalformedPayload:
        return None, None
    keys = service.known_keys()
    verdicts = [qr_payload.verify(base + text, keys) for base in _candidates(service, request)]
    verdicts.append(qr_payload.verify(text, keys))  # a receipt printed with no lookup address
    if not any(v.genuine for v in verdicts):
        return None, None
    return parsed.claims.code, "genuine"


def _compare(text: str, info: dict[str, Any]) -> str | None:
    from kiosk_app.receipts import qr_payload

    claims = qr_payload.parse(text).claims
    if not info["content_hash"].startswith(claims.content_hash_prefix):
        return "mismatch"
    return None
