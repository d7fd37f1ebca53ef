"""The server's OpenAPI description (``/openapi.json``) and the ``Allow`` header of a 405.

Every operation documents the protocol's whole-request errors (the ``{"error": …}`` body of
:class:`sync.server.service_common.ApiError`) besides what the route declares, because any
route may answer them: 400 bad request, 401/403 credential or role or plain HTTP, 404, 413,
415, 422, 429 rate limited (``Retry-After``), 500/503 (transient). The lookup page answers
its not-found and rate-limited cases in HTML.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.routing import Match

from sync.server import models as M

_ERROR = {"$ref": "#/components/schemas/ErrorAnswer"}
_COMMON = {
    "400": "bad request (shape, header, encoding)",
    "401": "credential missing, wrong, expired or revoked",
    "403": "not allowed for this credential or role; plain HTTP refused",
    "404": "no such thing (or not this caller's to know of)",
    "413": "too large",
    "415": "unsupported Content-Encoding",
    "422": "bad payload",
    "429": "rate limited: retry after Retry-After seconds",
    "500": "server error (transient: retry later)",
    "503": "database unavailable (transient: retry after Retry-After)",
}
_PUBLIC_HTML = ("404", "429")


def openapi_for(app: FastAPI) -> dict[str, Any]:
    """The description of ``app``, made once."""
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
    for path, ops in schema.get("paths", {}).items():
        html = path.lower().startswith("/r/")
        for op in ops.values():
            responses = op.setdefault("responses", {})
            for status, what in _COMMON.items():
                if status in responses and not (html and status in _PUBLIC_HTML):
                    continue
                if html and status in _PUBLIC_HTML:
                    responses[status] = {
                        "description": what,
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                else:
                    responses[status] = {
                        "description": what,
                        "content": {"application/json": {"schema": _ERROR}},
                    }
            if "422" in responses and "ValidationError" in str(responses["422"]):
                responses["422"] = {
                    "description": _COMMON["422"],
                    "content": {"application/json": {"schema": _ERROR}},
                }
    app.openapi_schema = schema
    return schema


def allowed_methods(app: FastAPI, scope: dict[str, Any]) -> str:
    """The methods some route of ``app`` answers on this scope's path (for ``Allow``)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match in (Match.PARTIAL, Match.FULL):
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))
