"""Every endpoint authenticated and authorised: devices stay inside their own commune and
agency, back-office users act within their role, revocation counts from the next request,
and replayed requests change nothing. Run against the real server on both engines."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.server.conftest import Srv, blob, push, submitted, transition, upload, uuid7

PASSWORD = "mật khẩu đủ dài 123"


def _routes(tmp_path) -> list[tuple[str, str]]:
    from fastapi.routing import APIRoute

    from tests.server.conftest import make_app

    app, service = make_app(tmp_path)
    service.db.close()
    return [(m, r.path) for r in app.routes if isinstance(r, APIRoute) for m in r.methods]


# ------------------------------------------------------------------ route audit
def test_every_route_needs_a_credential_except_the_public_doors(server: Srv, tmp_path) -> None:
    """Each route of the app, called without a credential: only the documented public doors
    (enrolment, token refresh, login, lookup page, health, API description) answer."""
    public = {
        ("POST", "/v1/enrol"),
        ("POST", "/v1/token"),
        ("POST", "/v1/login"),
        ("GET", "/r/{text:path}"),
        ("GET", "/R/{text:path}"),
        ("GET", "/healthz"),
    }
    checked = 0
    for method, path in _routes(tmp_path):
        if (method, path) in public or path.startswith(("/openapi", "/docs", "/redoc")):
            continue
        url = server.url + path.replace("{fmt}", "csv").replace("{sha256}", "0" * 64).replace(
            "{code}", "X"
        ).replace("{feed}", "status")
        r = httpx.request(method, url, json={} if method in ("POST", "PATCH", "PUT") else None)
        if path.startswith("/admin/"):  # the back office's web pages: a cookie session
            if path == "/admin/login":  # the login form itself is a public door
                continue
            assert r.status_code == 303, (method, path, r.status_code)
            assert r.headers["location"] == "/admin/login", (method, path)
            checked += 1
            continue
        assert r.status_code == 401, (method, path, r.status_code)
        if method != "HEAD":
            assert r.json()["error"]["code"] == "auth_missing", (method, path)
        checked += 1
    assert checked >= 10


# ------------------------------------------------------------------ devices: their commune only
def test_a_device_cannot_read_or_write_another_communes_dossiers(server: Srv) -> None:
    mine, theirs = server.device(), server.device()
    assert mine.commune != theirs.commune and mine.agency_id != theirs.agency_id
    scan = blob(30_000, 11)
    ev = submitted(theirs, files=[scan])
    push(theirs, ev)
    code = ev["payload"]["code"]

    # write: a submission with their code, a transition of their dossier
    [r] = push(mine, submitted(mine, code=theirs.code()))
    assert r["reason"]["code"] == "wrong_agency"
    [r] = push(mine, transition(ev, "request_supplement", 2, 5))
    assert r["reason"]["code"] == "wrong_agency"
    assert server.service.dossier(code)["status"] == 2

    # replay of their captured event: no summary of their dossier comes back
    [r] = push(mine, ev)
    assert r["status"] == "rejected" and r["reason"]["code"] == "id_reused"
    assert "dossier" not in r or r["dossier"] is None

    # attachments: their file is not this device's to probe or upload
    sha = hashlib.sha256(scan).hexdigest()
    for call in (mine.client.get, mine.client.head):
        got = call(f"/v1/attachments/{sha}")
        assert got.status_code == 403, got.status_code
    got = upload(mine, scan)
    assert got.status_code == 403 and got.json()["error"]["code"] == "attachment_not_expected"

    # read: the back office is not open to devices, and no feed carries their entries
    assert mine.client.get(f"/v1/admin/dossiers/{code}").status_code == 403
    assert mine.client.get("/v1/admin/dossiers").status_code == 403
    server.service.advance(code, "processing")
    server.service.set_setting("hotline", "0234 111", f"c:{theirs.commune}")
    for feed in ("status", "settings"):
        items = mine.client.get(f"/v1/feeds/{feed}").json()["items"]
        assert all(code not in str(i) and theirs.commune not in str(i) for i in items), feed
    assert any(code in str(i) for i in theirs.client.get("/v1/feeds/status").json()["items"])


def test_revocation_counts_from_the_very_next_request(server: Srv) -> None:
    dev = server.device()
    ev = submitted(dev)
    assert dev.client.get("/v1/me").status_code == 200
    server.service.revoke(dev.id, "máy bị mất")
    r = dev.client.post("/v1/push", json={"events": [ev]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "device_revoked"
    assert server.service.dossier_commune(ev["payload"]["code"]) is None  # nothing written
    assert dev.client.get("/v1/feeds/status").status_code == 401


# ------------------------------------------------------------------ back-office users
def _login(server: Srv, login: str, password: str) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/login", json={"login": login, "password": password})


def test_login_issues_a_short_lived_token_and_refuses_alike(server: Srv) -> None:
    u = server.user("province_viewer", password=PASSWORD)
    r = _login(server, u["login"], PASSWORD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["role"] == "province_viewer" and body["token"].startswith("mco1_")
    lifetime = datetime.fromisoformat(body["expires_at"]) - datetime.now(UTC)
    assert timedelta(minutes=50) < lifetime <= timedelta(hours=1)
    auth = {"Authorization": f"Bearer {body['token']}"}
    assert httpx.get(f"{server.url}/v1/admin/dossiers", headers=auth).status_code == 200
    # wrong password, unknown login, disabled user: one answer
    answers = [
        _login(server, u["login"], PASSWORD + "x"),
        _login(server, "khong-co-ai", PASSWORD),
    ]
    server.service.disable_user(u["login"], "nghỉ việc")
    answers.append(_login(server, u["login"], PASSWORD))
    for a in answers:
        assert a.status_code == 401 and a.json()["error"]["code"] == "login_failed"
    assert len({a.text for a in answers}) == 1
    # disabling ended the session at once
    r = httpx.get(f"{server.url}/v1/admin/dossiers", headers=auth)
    assert r.status_code == 401 and r.json()["error"]["code"] == "user_disabled"
    # the hash is argon2id
    with server.service.db.tx(write=False) as tx:
        stored = tx.scalar("SELECT password_hash FROM users WHERE login = ?", [u["login"]])
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_logout_and_expiry_end_a_session(server: Srv) -> None:
    u = server.user("province_admin", password=PASSWORD)
    token = _login(server, u["login"], PASSWORD).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.post(f"{server.url}/v1/logout", headers=auth).status_code == 204
    r = httpx.get(f"{server.url}/v1/admin/dossiers", headers=auth)
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth_invalid"
    token = _login(server, u["login"], PASSWORD).json()["token"]
    with server.service.db.tx() as tx:
        tx.execute(
            "UPDATE sessions SET expires_at = ? WHERE token_hash = ?",
            ["2000-01-01T00:00:00+00:00", hashlib.sha256(token.encode()).hexdigest()],
        )
    r = httpx.get(f"{server.url}/v1/admin/dossiers", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired"


def test_roles_limit_what_an_operator_does(server: Srv) -> None:
    mine, theirs = server.device(), server.device()
    scan = blob(20_000, 12)
    ev_mine, ev_theirs = submitted(mine, files=[scan]), submitted(theirs)
    push(mine, ev_mine)
    push(theirs, ev_theirs)
    assert upload(mine, scan).status_code == 200
    sha = hashlib.sha256(scan).hexdigest()
    code_mine, code_theirs = ev_mine["payload"]["code"], ev_theirs["payload"]["code"]

    officer = server.operator("commune_officer", mine.commune)
    listed = officer.get("/v1/admin/dossiers").json()
    assert {d["commune"] for d in listed} == {mine.commune}
    assert officer.get("/v1/admin/dossiers", params={"commune": theirs.commune}).json() == []
    assert officer.get(f"/v1/admin/dossiers/{code_mine}").status_code == 200
    # another commune's dossier: the same 404 as a dossier that does not exist
    r = officer.get(f"/v1/admin/dossiers/{code_theirs}")
    assert r.status_code == 404
    r = officer.post(f"/v1/admin/dossiers/{code_theirs}/transitions", json={"to": "processing"})
    assert r.status_code == 404
    assert server.service.dossier(code_theirs)["status"] == 2
    r = officer.post(f"/v1/admin/dossiers/{code_mine}/transitions", json={"to": "processing"})
    assert r.status_code == 200, r.text
    assert officer.get(f"/v1/admin/attachments/{sha}/content").content == scan
    other_officer = server.operator("commune_officer", theirs.commune)
    assert other_officer.get(f"/v1/admin/attachments/{sha}/content").status_code == 404

    viewer = server.operator("province_viewer")
    assert {code_mine, code_theirs} <= {d["code"] for d in viewer.get("/v1/admin/dossiers").json()}
    r = viewer.post(f"/v1/admin/dossiers/{code_theirs}/transitions", json={"to": "processing"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"

    admin = server.operator("province_admin")
    r = admin.post(f"/v1/admin/dossiers/{code_theirs}/transitions", json={"to": "processing"})
    assert r.status_code == 200
    # a device token is no operator credential, and an operator's is no device's
    assert mine.client.get("/v1/admin/dossiers").status_code == 403
    assert admin.get("/v1/me").status_code == 403
    assert admin.post("/v1/push", json={"events": []}).status_code == 403


# ------------------------------------------------------------------ replay
def test_replayed_requests_change_nothing(server: Srv) -> None:
    dev = server.device()
    scan = blob(70_000, 13)
    ev = submitted(dev, files=[scan])
    batch = [ev, transition(ev, "request_supplement", 2, 5)]
    first = push(dev, *batch)
    assert [r["status"] for r in first] == ["accepted", "accepted"]

    def snapshot() -> tuple:
        d = server.service.dossier(ev["payload"]["code"])
        with server.service.db.tx(write=False) as tx:
            n_events = tx.scalar("SELECT COUNT(*) AS n FROM events WHERE device_id = ?", [dev.id])
            n_hist = tx.scalar(
                "SELECT COUNT(*) AS n FROM status_history WHERE dossier_id = ?", [d["id"]]
            )
        return d["status"], d["updated_at"], int(n_events), int(n_hist)

    assert upload(dev, scan).status_code == 200
    before = snapshot()
    stored = server.data_dir / "blobs" / "complete" / ev["payload"]["attachments"][0]["sha256"][:2]
    files_before = sorted(p.name for p in stored.iterdir())
    # the same batch, the same upload, the same transition — three times over
    for _ in range(3):
        again = push(dev, *batch)
        assert [r["status"] for r in again] == ["duplicate", "duplicate"]
        r = upload(dev, scan)
        assert r.status_code == 200 and r.json()["state"] == "complete"
        [t] = push(dev, batch[1])
        assert t["status"] == "duplicate"
    assert snapshot() == before
    assert sorted(p.name for p in stored.iterdir()) == files_before
    # the same transition under a fresh event id is a new move, refused by the lifecycle
    fresh = {**batch[1], "id": uuid7()}
    [r] = push(dev, fresh)
    assert r["status"] in ("rejected", "duplicate")
    assert snapshot()[:2] == before[:2]


@pytest.mark.parametrize("role", ["province_viewer", "commune_officer"])
def test_users_cli_add_list_disable(server: Srv, role: str) -> None:
    import json
    import subprocess
    import sys

    from tests.server.conftest import ROOT

    def cli(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "sync.server", *argv, "--data-dir", str(server.data_dir)]
        if server.db_url:
            cmd += ["--db", server.db_url]
        return subprocess.run(cmd, capture_output=True, text=True, input=stdin, cwd=ROOT)

    login = f"cli-{role.replace('_', '-')}-{uuid7()[-8:]}"
    extra = ["--commune", server.new_agency()[1]] if role == "commune_officer" else []
    short = cli("user", "add", login, "--role", role, *extra, "--password-stdin", stdin="ngắn\n")
    assert short.returncode == 2 and "ít nhất" in short.stderr
    made = cli("user", "add", login, "--role", role, *extra, "--password-stdin", "--json",
               stdin=PASSWORD + "\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["role"] == role
    if role == "commune_officer":
        no_commune = cli("user", "add", login + "x", "--role", role, "--no-password")
        assert no_commune.returncode == 2
    token = _login(server, login, PASSWORD).json()["token"]
    listed = json.loads(cli("user", "list", "--json").stdout)
    assert any(u["login"] == login and u["disabled_at"] is None for u in listed)
    assert "password_hash" not in str(listed) and "$argon2" not in str(listed)
    assert cli("user", "disable", login, "--reason", "thôi việc").returncode == 0
    r = httpx.get(f"{server.url}/v1/admin/dossiers", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert cli("user", "disable", "khong-co").returncode == 1
