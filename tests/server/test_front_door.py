"""The front door (sync.server.security), in-process with faked client addresses: HTTPS only
outside loopback unless --allow-http, trusted reverse proxies, HSTS, and rate limits (429 with
Retry-After) per address and per device; the sync client waits out Retry-After."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.server.conftest import asgi_client, make_app

PUBLIC = "198.51.100.7"


@pytest.fixture
def app_for(tmp_path: Path):
    made = []

    def build(**guard):
        app, service = make_app(tmp_path / f"srv{len(made)}", **guard)
        made.append(service)
        return app, service

    yield build
    for s in made:
        s.db.close()


def test_plain_http_is_refused_outside_loopback(app_for) -> None:
    app, _ = app_for()
    with asgi_client(app, ip=PUBLIC) as c:
        r = c.get("/healthz")
        assert r.status_code == 403 and r.json()["error"]["code"] == "https_required"
        assert "strict-transport-security" not in r.headers
        # a client cannot claim https for itself: only a trusted proxy may
        r = c.get("/healthz", headers={"X-Forwarded-Proto": "https"})
        assert r.status_code == 403
    with asgi_client(app, ip=PUBLIC, https=True) as c:
        r = c.get("/healthz")
        assert r.status_code == 200 and r.headers["strict-transport-security"].startswith(
            "max-age="
        )
    for ip in ("127.0.0.1", "::1", "::ffff:127.0.0.1", "127.8.9.10"):
        with asgi_client(app, ip=ip) as c:
            r = c.get("/healthz")
            assert r.status_code == 200 and "strict-transport-security" not in r.headers
    app, _ = app_for(allow_http=True)
    with asgi_client(app, ip=PUBLIC) as c:
        assert c.get("/healthz").status_code == 200


def test_a_trusted_proxy_decides_by_x_forwarded_proto(app_for) -> None:
    app, _ = app_for(trusted_proxies=["10.0.0.5", "127.0.0.1"])
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": f"{PUBLIC}"}
    with asgi_client(app, ip="10.0.0.5") as c:
        r = c.get("/healthz", headers=https)
        assert r.status_code == 200 and "strict-transport-security" in r.headers
        assert c.get("/healthz", headers={"X-Forwarded-Proto": "http"}).status_code == 403
        assert c.get("/healthz").status_code == 403
    # the proxy on this machine: loopback no longer excuses plain HTTP
    with asgi_client(app, ip="127.0.0.1") as c:
        assert c.get("/healthz").status_code == 403
        assert c.get("/healthz", headers=https).status_code == 200
    # another machine is not the proxy, whatever it says
    with asgi_client(app, ip="10.0.0.6") as c:
        assert c.get("/healthz", headers=https).status_code == 403


def test_unauthenticated_doors_are_rate_limited_per_address(app_for) -> None:
    app, service = app_for()
    with asgi_client(app, ip=PUBLIC, https=True) as c:
        codes = [c.post("/v1/enrol", json={"code": "AAAA-BBBB"}).status_code for _ in range(12)]
        assert codes[:10] == [400] * 10 and codes[10:] == [429, 429]
        r = c.post("/v1/enrol", json={"code": "AAAA-BBBB"})
        assert r.json()["error"]["code"] == "rate_limited"
        assert r.json()["error"]["class"] == "transient"
        assert 1 <= int(r.headers["Retry-After"]) <= 60
        # another door has its own bucket
        assert c.post("/v1/token", json={"refresh_token": "mcr1_x"}).status_code == 401
    with asgi_client(app, ip="198.51.100.8", https=True) as c:  # another address
        assert c.post("/v1/enrol", json={"code": "AAAA-BBBB"}).status_code == 400
    # behind a trusted proxy the limit follows the client address the proxy reports
    app, _ = app_for(trusted_proxies=["10.0.0.5"])
    with asgi_client(app, ip="10.0.0.5") as c:
        hdr = {"X-Forwarded-Proto": "https"}

        def login(n: int) -> int:  # a new login name each time: only the address counts
            body = {"login": f"a{n}", "password": "b"}
            return c.post("/v1/login", json=body, headers=hdr).status_code

        hdr["X-Forwarded-For"] = "203.0.113.1"
        assert [login(n) for n in range(11)] == [401] * 10 + [429]
        hdr["X-Forwarded-For"] = "203.0.113.2"
        assert login(99) == 401


def test_wrong_passwords_lock_the_login_from_any_address(app_for) -> None:
    app, service = app_for()
    service.add_user("can-bo", "mật khẩu đủ dài 123", "province_admin")
    for n in range(10):
        with asgi_client(app, ip=f"203.0.113.{n + 1}", https=True) as c:
            assert (
                c.post("/v1/login", json={"login": "can-bo", "password": "sai"}).status_code == 401
            )
    with asgi_client(app, ip="203.0.113.99", https=True) as c:
        r = c.post("/v1/login", json={"login": "can-bo", "password": "mật khẩu đủ dài 123"})
        assert r.status_code == 429 and "Retry-After" in r.headers


def test_each_device_has_its_own_budget(app_for) -> None:
    app, service = app_for(rate_scale=0.01)  # 60 requests a minute, burst 30
    tokens = []
    for slot in (1, 2):
        made = service.create_enrolment(commune="00004", agency_id="000.00.06.H56", slot=slot)
        tokens.append(service.enrol(made["code"])["token"])
    with asgi_client(app) as c:  # loopback: only the per-device limit applies
        a = {"Authorization": f"Bearer {tokens[0]}"}
        statuses = [c.get("/v1/me", headers=a).status_code for _ in range(32)]
        assert statuses[:30] == [200] * 30 and statuses[-1] == 429
        assert c.get("/v1/me", headers={"Authorization": f"Bearer {tokens[1]}"}).status_code == 200


def test_the_client_waits_out_retry_after_without_spending_attempts() -> None:
    from sync.client_errors import TransientError
    from sync.client_transport import Credentials, Transport

    answers = [429] * 5 + [200]
    slept: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        status = answers.pop(0)
        if status == 429:
            body = {"error": {"code": "rate_limited", "message": "x", "class": "transient"}}
            return httpx.Response(429, json=body, headers={"Retry-After": "7"})
        return httpx.Response(200, json={"ok": True})

    t = Transport(
        base_url="https://p.test",
        client_factory=lambda: httpx.Client(transport=httpx.MockTransport(handler)),
        credentials=Credentials("mck1_x"),
        attempts=2,
        sleep=slept.append,
        rng=lambda: 0.0,
    )
    assert t.request("GET", "/v1/me").json() == {"ok": True}
    assert slept == [7.0] * 5  # each pause as long as asked; no attempt spent
    # a pause longer than a pass should wait ends the pass (transient: next pass retries)
    answers[:] = [429]

    def long_wait(request: httpx.Request) -> httpx.Response:
        body = {"error": {"code": "rate_limited", "message": "x", "class": "transient"}}
        return httpx.Response(429, json=body, headers={"Retry-After": "3600"})

    t2 = Transport(
        base_url="https://p.test",
        client_factory=lambda: httpx.Client(transport=httpx.MockTransport(long_wait)),
        credentials=Credentials("mck1_x"),
        attempts=1,
        sleep=slept.append,
    )
    with pytest.raises(TransientError) as err:
        t2.request("GET", "/v1/me")
    assert err.value.code == "rate_limited" and err.value.retry_after == 3600
    t.close()
    t2.close()
