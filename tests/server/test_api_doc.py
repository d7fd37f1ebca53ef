"""The OpenAPI description a provincial IT team integrates against, and response compression."""

from __future__ import annotations

import httpx

from tests.server.conftest import Srv


def test_openapi_describes_the_protocol(server: Srv) -> None:
    r = httpx.get(f"{server.url}/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    paths = spec["paths"]
    for path in (
        "/v1/enrol",
        "/v1/push",
        "/v1/attachments/{sha256}",
        "/v1/feeds/{feed}",
        "/v1/admin/dossiers/{code}/transitions",
        "/r/{text}",
        "/v1/keys",
    ):
        assert path in paths, path
    assert {"head", "get", "patch", "put"} <= set(paths["/v1/attachments/{sha256}"])
    push = paths["/v1/push"]["post"]
    assert push["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PushRequest"
    )
    schemas = spec["components"]["schemas"]
    assert {
        "PushRequest",
        "Event",
        "PushAnswer",
        "FeedAnswer",
        "EnrolRequest",
        "ErrorAnswer",
    } <= set(schemas)
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert all(ref.startswith("#/components/schemas/") for ref in _refs(spec)), "dangling $ref"
    names = set(schemas)
    assert all(ref.rsplit("/", 1)[1] in names for ref in _refs(spec))


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_large_answers_are_gzip_compressed(server: Srv) -> None:
    r = httpx.get(f"{server.url}/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"
