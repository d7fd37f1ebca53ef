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

from fastapi import Depends, FastAPI, Query, Request, Response, Security
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync import protocol as P
from sync.server import lookup as pages
from sync.server import models as M
from sync.server.db import utcnow
from sync.server.service import ApiError, Principal, Service

DESCRIPTION = """\
The provincial reference server of **MotCua Kiosk** (sync protocol v1): devices enrol once with
a one-time code, push their outbox (dossiers and lifecycle events) in ordered batches with
per-item results, upload attachments in resumable, sha256-checked chunks, and pull feeds
(status, catalog, calendar, settings, keys) with cursors. Operators drive the lifecycle through
`/v1/admin`. Bodies may be gzip-compressed (`Content-Encoding: gzip`). Every error is
`{"error": {"code", "message", "class"}}`; `class` is transient, auth, permanent or conflict.
The full description is docs/sync-protocol.md in the source tree.
"""

bearer = HTTPBearer(auto_error=False, description="device or operator token")
_ERRORS = {
    s: {"model": M.ErrorAnswer, "description": d}
    for s, d in (
        (401, "credential missing, wrong or revoked"),
        (403, "not allowed for this device"),
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


def create_app(service: Service) -> FastAPI:
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
    app.add_middleware(GZipMiddleware, minimum_size=1000)

    @app.middleware("http")
    async def protocol_header(request: Request, call_next: Any) -> Response:
        try:
            response = await call_next(request)
        except ApiError as exc:  # pragma: no cover - raised outside a route
            response = _error_response(exc)
        response.headers[P.PROTOCOL_HEADER] = str(P.PROTOCOL_VERSION)
        return response

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
        return JSONResponse(body, status_code=exc.status_code)

    def device(request: Request, _creds: Annotated[Any, Security(bearer)] = None) -> Principal:
        return service.authenticate(request.headers.get("authorization"), "device")

    def operator(request: Request, _creds: Annotated[Any, Security(bearer)] = None) -> Principal:
        return service.authenticate(request.headers.get("authorization"), "operator")

    Device = Annotated[Principal, Depends(device)]
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
    def attachment_head(sha256: str, who: Device) -> Response:
        """The server's offset for this file (headers only)."""
        state = service.attachment_status(who, sha256)
        return Response(status_code=200, headers=_upload_headers(state))

    @app.get(
        "/v1/attachments/{sha256}",
        tags=["device"],
        response_model=M.AttachmentState,
        responses=_ERRORS,
    )
    def attachment_get(sha256: str, who: Device) -> Any:
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
    async def attachment_patch(request: Request, sha256: str) -> Response:
        """Append a chunk at `Upload-Offset`; the last chunk is checked against the sha256."""
        return await _upload(request, sha256)

    @app.put("/v1/attachments/{sha256}", **upload_doc)
    async def attachment_put(request: Request, sha256: str) -> Response:
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
    @app.get(
        "/v1/admin/dossiers",
        tags=["back office"],
        response_model=list[M.DossierRow],
        responses=_ERRORS,
    )
    def admin_dossiers(
        _op: Operator,
        commune: str | None = None,
        agency_id: str | None = None,
        status: int | None = None,
        limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    ) -> Any:
        """Dossiers with code, commune, status, completeness and attachment hashes."""
        return service.list_dossiers(
            commune=commune, agency_id=agency_id, status=status, limit=limit
        )

    @app.get("/v1/admin/dossiers/{code}", tags=["back office"], responses=_ERRORS)
    def admin_dossier(code: str, _op: Operator) -> Any:
        """One dossier with its content (personal data) and history."""
        return service.dossier(code)

    @app.post(
        "/v1/admin/dossiers/{code}/transitions",
        tags=["back office"],
        response_model=M.StatusEntry,
        responses={**_ERRORS, 409: {"model": M.ErrorAnswer, "description": "illegal_transition"}},
    )
    def admin_transition(code: str, body: M.TransitionRequest, op: Operator) -> Any:
        """Move a dossier (the lifecycle decides); writes a status-feed entry for its commune."""
        return service.advance(
            code,
            body.to,
            note=body.note,
            actor=body.actor or op.name,
            appointment_at=body.appointment_at,
        )

    @app.get("/v1/admin/attachments/{sha256}/content", tags=["back office"], responses=_ERRORS)
    def admin_attachment(sha256: str, _op: Operator) -> FileResponse:
        """Download a complete attachment."""
        return FileResponse(service.attachment_path(sha256), media_type="application/octet-stream")

    # ---------------------------------------------------------------- public
    def _lookup(request: Request, text: str) -> HTMLResponse:
        from kiosk_app.core.codes import CODE_RE

        headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
        text = text.strip()
        verdict = None
        if CODE_RE.fullmatch(text.upper()):
            code = text.upper()
        else:
            code, verdict = _payload_code(service, request, text)
        info = service.lookup(code) if code else None
        if info is None:
            shown = code if code else None
            return HTMLResponse(pages.not_found_page(shown), status_code=404, headers=headers)
        if verdict == "genuine" and info:
            verdict = _compare(request, text, info) or verdict
        return HTMLResponse(pages.dossier_page(info, verdict), headers=headers)

    @app.get("/r/{text:path}", tags=["public"], response_class=HTMLResponse)
    def receipt_lookup(request: Request, text: str) -> HTMLResponse:
        """The page the receipt QR opens: status and appointment, nothing personal.

        `text` is a dossier code or a whole v1 QR payload, in any case (`/R/…` too)."""
        return _lookup(request, text)

    @app.get("/R/{text:path}", include_in_schema=False, response_class=HTMLResponse)
    def receipt_lookup_upper(request: Request, text: str) -> HTMLResponse:
        return _lookup(request, text)

    @app.get("/healthz", tags=["public"])
    def healthz() -> dict[str, Any]:
        """Liveness: the database answers."""
        return {"ok": True, "schema": service.db.schema_version(), "engine": service.db.engine}

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
            license_info=app.license_info,
        )
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in M.SCHEMAS:
            js = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in js.pop("$defs", {}).items():
                comps.setdefault(name, sub)
            comps.setdefault(model.__name__, js)
        app.openapi_schema = schema
        return schema

    app.openapi = custom_openapi  # type: ignore[method-assign]
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
    from kiosk_app.receipts import qr_payload

    try:
        parsed = qr_payload.parse(text)
    except qr_payload.MalformedPayload:
        return None, None
    keys = service.known_keys()
    verdicts = [qr_payload.verify(base + text, keys) for base in _candidates(service, request)]
    verdicts.append(qr_payload.verify(text, keys))  # a receipt printed with no lookup address
    genuine = any(v.genuine for v in verdicts)
    return parsed.claims.code, ("genuine" if genuine else "unverified")


def _compare(request: Request, text: str, info: dict[str, Any]) -> str | None:
    from kiosk_app.receipts import qr_payload

    claims = qr_payload.parse(text).claims
    if not info["content_hash"].startswith(claims.content_hash_prefix):
        return "mismatch"
    return None
