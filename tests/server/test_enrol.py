"""Enrolment with one-time codes, and authentication of every later request."""

from __future__ import annotations

import time

import httpx

from tests.server.conftest import Srv


def _enrol(srv: Srv, code: str, **body) -> httpx.Response:
    return httpx.post(f"{srv.url}/v1/enrol", json={"code": code, **body}, timeout=30)


def test_enrol_once_gives_a_working_credential(server: Srv) -> None:
    made = server.enrolment()
    r = _enrol(server, made["code"].lower(), device_name="Máy 1")  # case-insensitive
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["agency_id"] == made["agency_id"] and d["slot"] == 1 and d["protocol"] == 1
    assert d["token"].startswith("mck1_") and set(d["feeds"]) >= {"status", "catalog", "keys"}
    me = httpx.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {d['token']}"})
    assert me.status_code == 200 and me.json()["device_id"] == d["device_id"]
    assert me.headers["X-Motcua-Protocol"] == "1" and "date" in me.headers
    # only the token's hash is stored
    with server.service.db.tx(write=False) as tx:
        row = tx.one("SELECT token_hash FROM devices WHERE id = ?", [d["device_id"]])
    assert row["token_hash"] != d["token"] and d["token"] not in row["token_hash"]
    # the province's bundle-signing key comes with the answer, for the kiosk to pin
    import json

    on_disk = json.loads((server.data_dir / "keys" / "province.pub.json").read_text())
    assert d["province_key"] == on_disk and d["province_key"]["format"] == "motcua-province-key"


def test_enrol_code_works_only_once(server: Srv) -> None:
    made = server.enrolment()
    assert _enrol(server, made["code"]).status_code == 201
    again = _enrol(server, made["code"])
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "enrol_code_used"
    assert again.json()["error"]["class"] == "permanent"


def test_expired_and_unknown_codes_are_refused(server: Srv) -> None:
    made = server.enrolment(ttl_hours=0.5 / 3600)  # half a second
    time.sleep(0.6)
    r = _enrol(server, made["code"])
    assert r.status_code == 400 and r.json()["error"]["code"] == "enrol_code_expired"
    r = _enrol(server, "AAAA-BBBB-CCCC-DDDD")
    assert r.status_code == 400 and r.json()["error"]["code"] == "enrol_code_unknown"
    r = httpx.post(f"{server.url}/v1/enrol", content=b"not json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"


def test_a_held_slot_is_refused_unless_replaced(server: Srv) -> None:
    old = server.device()
    try:
        server.enrolment(old.agency_id, old.commune, old.slot)
        raise AssertionError("a second code for a held slot was issued")
    except Exception as exc:  # ApiError
        assert getattr(exc, "code", "") == "code_conflict"
    made = server.enrolment(old.agency_id, old.commune, old.slot, replace=True)
    assert _enrol(server, made["code"]).status_code == 201
    r = old.client.get("/v1/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "device_revoked"


def test_missing_wrong_and_revoked_credentials(server: Srv) -> None:
    dev = server.device()
    r = httpx.get(f"{server.url}/v1/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth_missing"
    assert r.json()["error"]["class"] == "auth"
    r = httpx.get(f"{server.url}/v1/me", headers={"Authorization": "Bearer mck1_nope"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth_invalid"
    r = httpx.post(f"{server.url}/v1/push", json={"events": []})
    assert r.status_code == 401
    assert dev.client.get("/v1/me").status_code == 200
    server.service.revoke(dev.id, "mất máy")
    r = dev.client.get("/v1/me")  # the very next request
    assert r.status_code == 401 and r.json()["error"]["code"] == "device_revoked"
    r = dev.client.post("/v1/push", json={"events": []})
    assert r.status_code == 401 and r.json()["error"]["code"] == "device_revoked"


def test_operator_token_is_not_a_device_token_and_vice_versa(server: Srv) -> None:
    dev = server.device()
    op = server.operator()
    assert op.get("/v1/me").status_code == 403
    assert dev.client.get("/v1/admin/dossiers").status_code == 403
    assert op.get("/v1/admin/dossiers").status_code == 200


def test_an_expired_access_token_is_refreshed_with_the_refresh_token(server: Srv) -> None:
    made = server.enrolment()
    d = _enrol(server, made["code"]).json()
    assert d["refresh_token"].startswith("mcr1_") and d["token_expires_at"] > d["server_time"]
    auth = {"Authorization": f"Bearer {d['token']}"}
    with server.service.db.tx() as tx:  # a day later
        tx.execute(
            "UPDATE devices SET token_expires_at = ? WHERE id = ?",
            ["2000-01-01T00:00:00+00:00", d["device_id"]],
        )
    r = httpx.get(f"{server.url}/v1/me", headers=auth)
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired"
    r = httpx.post(f"{server.url}/v1/token", json={"refresh_token": d["refresh_token"]})
    assert r.status_code == 200, r.text
    # the answer was lost on the link: asking again with the same refresh token still works
    r = httpx.post(f"{server.url}/v1/token", json={"refresh_token": d["refresh_token"]})
    new = r.json()["token"]
    assert httpx.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {new}"}).is_success
    assert httpx.get(f"{server.url}/v1/me", headers=auth).status_code == 401  # the old one
    r = httpx.post(f"{server.url}/v1/token", json={"refresh_token": "mcr1_wrong"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth_invalid"
    server.service.revoke(d["device_id"])
    r = httpx.post(f"{server.url}/v1/token", json={"refresh_token": d["refresh_token"]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "device_revoked"
