"""The statistics web page: login form, cookie session, roles, escaping (both engines)."""

from __future__ import annotations

import httpx

from tests.server.conftest import Srv, push, submitted

PASSWORD = "mật khẩu đủ dài 123"


def _login(srv: Srv, login: str, password: str = PASSWORD) -> tuple[httpx.Response, httpx.Client]:
    c = srv.client(follow_redirects=False)
    return c.post("/admin/login", data={"login": login, "password": password}), c


def test_page_needs_a_login_and_shows_the_figures(server: Srv) -> None:
    dev = server.device()
    push(dev, submitted(dev))  # one desk dossier received 12/3/2025 in the device's commune
    anon = server.client(follow_redirects=False)
    r = anon.get("/admin/stats", params={"period": "2025-03"})
    assert r.status_code == 303 and r.headers["location"] == "/admin/login"
    assert "2025" not in r.text
    form = anon.get("/admin/login")
    assert form.status_code == 200 and 'name="password"' in form.text
    assert "default-src 'none'" in form.headers["content-security-policy"]

    user = server.user("province_viewer", password=PASSWORD)
    bad, _ = _login(server, user["login"], "sai mật khẩu rồi")
    assert bad.status_code == 401 and "set-cookie" not in bad.headers
    ok, c = _login(server, user["login"])
    assert ok.status_code == 303 and ok.headers["location"] == "/admin/stats"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
    page = c.get("/admin/stats", params={"period": "2025-03"})
    assert page.status_code == 200
    assert "<svg" in page.text and "<script" not in page.text
    assert f"<td>{dev.commune}</td>" in page.text  # the device's commune has a row
    assert "01/03/2025 – 31/03/2025" in page.text
    csv = c.get("/admin/stats.csv", params={"period": "2025-03"})
    assert csv.status_code == 200 and "Hồ sơ tiếp nhận" in csv.content.decode("utf-8-sig")
    # what the user typed comes back escaped
    evil = c.get("/admin/stats", params={"period": "<script>alert(1)</script>"})
    assert evil.status_code == 400
    assert "<script>" not in evil.text and "&lt;script&gt;" in evil.text
    # logout ends the session: the cookie no longer opens the page
    out = c.post("/admin/logout")
    assert out.status_code == 303
    c.cookies.clear()
    c.cookies.set("motcua_admin", ok.cookies["motcua_admin"], path="/admin")
    assert c.get("/admin/stats").status_code == 303


def test_a_commune_officer_sees_only_its_commune(server: Srv) -> None:
    mine, theirs = server.device(), server.device()
    for dev in (mine, theirs):
        push(dev, submitted(dev))
    user = server.user("commune_officer", commune=mine.commune, password=PASSWORD)
    _, c = _login(server, user["login"])
    page = c.get("/admin/stats", params={"period": "2025-03"}).text
    assert f"<td>{mine.commune}</td>" in page and f"<td>{theirs.commune}</td>" not in page
    assert f"({mine.commune})" in page  # the roll-up is the commune's, not the province's
    assert "Toàn tỉnh" not in page


def test_bearer_api_validates_its_arguments(server: Srv) -> None:
    op = server.operator("province_admin")
    for params in ({"period": "2025", "by": "xã"}, {"period": "2025", "format": "docx"}):
        r = op.get("/v1/admin/stats", params=params)
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request", params
