"""The province's payment confirmations: recorded once, published to the dossier's commune only,
refused when malformed or conflicting, by role (both engines)."""

from __future__ import annotations

from tests.server.conftest import VN, Srv, push, submitted


def _feed(dev) -> list[dict]:
    r = dev.client.get("/v1/feeds/payments")
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_a_confirmation_is_published_once_to_its_commune(server: Srv) -> None:
    mine, other = server.device(), server.device()
    sub = submitted(mine)
    push(mine, sub)
    code = sub["payload"]["code"]
    admin = server.operator("province_admin")
    body = {
        "amount": 50000,
        "method": "transfer",
        "reference": "FT25071012345",
        "paid_at": f"2025-03-12T10:15:00{VN}",
    }
    r = admin.post(f"/v1/admin/dossiers/{code}/payments", json=body)
    assert r.status_code == 200, r.text
    entry = r.json()
    assert entry["code"] == code and entry["method"] == "transfer" and entry["amount"] == 50000
    again = admin.post(f"/v1/admin/dossiers/{code}/payments", json=body)
    assert again.status_code == 200 and again.json()["payment_id"] == entry["payment_id"]
    [item] = [i for i in _feed(mine) if i["data"]["code"] == code]
    assert item["key"] == entry["payment_id"] and item["data"]["reference"] == "FT25071012345"
    assert not [i for i in _feed(other) if i["data"]["code"] == code]
    # the same reference with another amount: a conflict, nothing new
    r = admin.post(f"/v1/admin/dossiers/{code}/payments", json={**body, "amount": 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "code_conflict"
    assert len([i for i in _feed(mine) if i["data"]["code"] == code]) == 1


def test_confirmations_are_checked_and_need_a_writer(server: Srv) -> None:
    dev, elsewhere = server.device(), server.device()
    sub = submitted(dev)
    push(dev, sub)
    code = sub["payload"]["code"]
    ok = {
        "amount": 1000,
        "method": "online",
        "reference": "VNP1",
        "paid_at": f"2025-03-12T10:00:00{VN}",
    }
    viewer = server.operator("province_viewer")
    assert viewer.post(f"/v1/admin/dossiers/{code}/payments", json=ok).status_code == 403
    officer = server.operator("commune_officer", elsewhere.commune)  # not the dossier's
    assert officer.post(f"/v1/admin/dossiers/{code}/payments", json=ok).status_code == 404
    admin = server.operator("province_admin")
    for bad in (
        {**ok, "method": "cash"},
        {**ok, "amount": 0},
        {**ok, "paid_at": "2025-03-12 10:00"},
        {**ok, "reference": ""},
    ):
        r = admin.post(f"/v1/admin/dossiers/{code}/payments", json=bad)
        assert r.status_code in (400, 422), (bad, r.text)
    r = admin.post("/v1/admin/dossiers/NO-SUCH-CODE/payments", json=ok)
    assert r.status_code == 404
