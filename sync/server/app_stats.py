"""Routes of the statistics: the JSON/CSV/Excel API for scripts (bearer session token) and the
back office's web page with its login form (the same session token, kept in a cookie).

No ``from __future__ import annotations`` here: FastAPI reads the route signatures' types.

The page is safe without a CSRF token: it changes nothing (GET), and the only POSTs are the
login form (which sets a cookie for whoever typed the password) and logout; the cookie is
``HttpOnly``, ``SameSite=Strict`` (never sent with another site's request), ``Path=/admin``
and ``Secure`` over HTTPS. Roles as for dossiers: a commune officer sees only its commune.
"""

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from sync.server import stats_page
from sync.server.security import Guard, limited
from sync.server.service import ApiError, Principal, Service
from sync.server.service_stats import commune_name, parse_period, report_json

COOKIE = "motcua_admin"
FORMATS = ("json", "csv", "xlsx", "pdf")
FILE_FORMATS = ("csv", "xlsx", "pdf")  # /admin/stats.{fmt}, the page's downloads


def _scope(op: Principal) -> tuple[str | None, str]:
    """(commune filter, the roll-up's title) for ``op``'s role."""
    if op.role == "commune_officer":
        return op.commune, f"{commune_name(op.commune or '')} ({op.commune})"
    return None, "Toàn tỉnh"


def _export(service: Service, op: Principal, period: str, fmt: str) -> Response:
    from kiosk_app.reports.stats_export import csv_bytes, xlsx_bytes

    p = parse_period(period)
    commune, scope = _scope(op)
    report = service.stats(p, commune=commune)
    tables = stats_page.export_tables(report, scope)
    heading = f"Thống kê {scope}, {p.label()}"
    name = f"thong-ke-{p.first.isoformat()}_{p.last.isoformat()}"
    if fmt == "pdf":
        return Response(
            _pdf(report, tables, scope),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    if fmt == "csv":
        return Response(
            csv_bytes(tables, heading),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        xlsx_bytes(tables, heading),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _pdf(report: Any, tables: list[Any], scope: str) -> bytes:
    """The kiosk's printable report (kiosk_app.reports.stats_pdf) of a ProvinceReport: its
    roll-up as the office, its per-field and per-procedure groups as they are, and the
    per-commune table among ``tables`` (sync.server.stats_page.export_tables)."""
    from datetime import datetime

    from kiosk_app.core.intake import VN_TZ
    from kiosk_app.core.stats import Report
    from kiosk_app.reports.stats_pdf import pdf_bytes

    at = report.computed_at or datetime.now(VN_TZ)
    kiosk_report = Report(
        report.period,
        report.province,
        report.by_procedure,
        report.by_field,
        at.astimezone(VN_TZ) if at.tzinfo else at,
    )
    return pdf_bytes(
        kiosk_report,
        tables,
        scope,
        note="Số liệu tính từ hồ sơ các xã, phường đã đồng bộ lên máy chủ của tỉnh.",
    )


def install(app: FastAPI, service: Service, guard: Guard, operator: Any) -> None:
    """Add the statistics routes; ``operator`` is the app's bearer dependency type."""

    @app.get("/v1/admin/stats", tags=["back office"])
    def admin_stats(
        op: operator,
        period: Annotated[str, Query(max_length=40)],
        by: Annotated[str, Query(max_length=16)] = "commune",
        format: Annotated[str, Query(max_length=8)] = "json",  # noqa: A002 - the API's name
    ) -> Any:
        """The figures of a period (`2026`, `2026-Q3`, `2026-07`, `2026-07-01..2026-09-30`)
        grouped `by` commune, procedure or field, with the roll-up; `format=csv|xlsx` exports
        every grouping in the kiosk's report columns, `format=pdf` the kiosk's printable
        report (roll-up, per commune, field and procedure). A commune officer: its commune
        only."""
        service.require(op, "read")
        if format not in FORMATS:
            raise ApiError("bad_request", f"'format' phải là một trong {', '.join(FORMATS)}")
        if format != "json":
            return _export(service, op, period, format)
        commune, _ = _scope(op)
        return report_json(service.stats(parse_period(period), commune=commune), by)

    def _who(request: Request) -> Principal | None:
        token = request.cookies.get(COOKIE)
        if not token or len(token) > 200:
            return None
        try:
            who = service.authenticate(f"Bearer {token}", "operator")
            service.require(who, "read")
        except ApiError:
            return None
        guard.device(f"u:{who.id}")
        return who

    def _to_login() -> RedirectResponse:
        return RedirectResponse("/admin/login", status_code=303, headers=stats_page.HEADERS)

    @app.get("/admin/login", include_in_schema=False, response_class=HTMLResponse)
    def login_form() -> HTMLResponse:
        return HTMLResponse(stats_page.login_page(), headers=stats_page.HEADERS)

    @app.post("/admin/login", include_in_schema=False)
    async def login_submit(request: Request) -> Response:
        body = await request.body()
        form = parse_qs(body[:8192].decode("utf-8", "replace"), max_num_fields=4)
        name = (form.get("login") or [""])[0].strip()
        password = (form.get("password") or [""])[0]
        key = f"user:{name.lower()[:64]}"
        wait = guard.buckets["login_fail_user"].peek(key)
        if wait:
            raise limited(wait)
        try:
            got = await run_in_threadpool(service.login, name, password)
        except ApiError as exc:
            if exc.code == "login_failed":
                guard.buckets["login_fail_user"].take(key)
            return HTMLResponse(
                stats_page.login_page(exc.message, name),
                status_code=401 if exc.code == "login_failed" else 400,
                headers=stats_page.HEADERS,
            )
        out = RedirectResponse("/admin/stats", status_code=303, headers=stats_page.HEADERS)
        out.set_cookie(
            COOKIE,
            got["token"],
            max_age=int(service.operator_ttl.total_seconds()),
            path="/admin",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return out

    @app.post("/admin/logout", include_in_schema=False)
    def logout_submit(request: Request) -> Response:
        token = request.cookies.get(COOKIE)
        if token:
            service.logout(f"Bearer {token}")
        out = _to_login()
        out.delete_cookie(COOKIE, path="/admin")
        return out

    @app.get("/admin/stats", include_in_schema=False, response_class=HTMLResponse)
    def stats_html(
        request: Request, period: Annotated[str | None, Query(max_length=40)] = None
    ) -> Response:
        who = _who(request)
        if who is None:
            return _to_login()
        commune, scope = _scope(who)
        text = period or _default_period()
        try:
            report = service.stats(parse_period(text), commune=commune)
            error = None
        except ApiError as exc:
            report, error = None, exc.message
        html = stats_page.stats_page(
            report, period_text=text, user=who.name or who.id, scope=scope, error=error
        )
        return HTMLResponse(html, status_code=200 if error is None else 400,
                            headers=stats_page.HEADERS)  # fmt: skip

    @app.get("/admin/stats.{fmt}", include_in_schema=False)
    def stats_file(
        request: Request, fmt: str, period: Annotated[str | None, Query(max_length=40)] = None
    ) -> Response:
        who = _who(request)
        if who is None or fmt not in FILE_FORMATS:
            return _to_login() if who is None else Response(status_code=404)
        return _export(service, who, period or _default_period(), fmt)


def _default_period() -> str:
    """This quarter, in Vietnam time."""
    from datetime import datetime

    from kiosk_app.core.intake import VN_TZ

    now = datetime.now(VN_TZ)
    return f"{now.year}-Q{(now.month - 1) // 3 + 1}"
