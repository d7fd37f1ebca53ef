"""Feeds with cursors (status, catalog, calendar, settings, keys), the reset answer, and the
back office driving the lifecycle."""

from __future__ import annotations

from pathlib import Path

from tests.server.conftest import ROOT, Srv, push, submitted


def _feed(dev, feed: str, after: str | None = None, limit: int | None = None) -> dict:
    params = {k: v for k, v in (("after", after), ("limit", limit)) if v is not None}
    r = dev.client.get(f"/v1/feeds/{feed}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_back_office_moves_become_status_entries_for_that_commune_only(server: Srv) -> None:
    dev, other = server.device(), server.device()
    ev = submitted(dev)
    code = ev["payload"]["code"]
    push(dev, ev)
    start = _feed(dev, "status")
    assert start["items"] == [] and start["reset"] is False and start["more"] is False
    other_start = _feed(other, "status")["next"]

    op = server.operator()
    r = op.post(
        f"/v1/admin/dossiers/{code}/transitions",
        json={"to": "processing", "note": "chuyển phòng Tư pháp"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["event"] == "start_processing"
    r = op.post(
        f"/v1/admin/dossiers/{code.lower()}/transitions",
        json={"to": 9, "appointment_at": "2025-03-13T10:00:00+07:00"},
    )
    assert r.status_code == 200, r.text

    page = _feed(dev, "status", start["next"])
    assert [(i["data"]["code"], i["data"]["from"], i["data"]["to"]) for i in page["items"]] == [
        (code, 2, 4),
        (code, 4, 9),
    ]
    first = page["items"][0]["data"]
    assert first["status_label"] == "Đang giải quyết" and first["note"] == "chuyển phòng Tư pháp"
    assert page["items"][1]["data"]["appointment_at"].startswith("2025-03-13T10:00")
    assert "applicant" not in first and "answers" not in first
    # applied with its cursor: asking again from `next` gives nothing new
    assert _feed(dev, "status", page["next"])["items"] == []
    # another commune sees none of it
    assert _feed(other, "status", other_start)["items"] == []
    # the dossier's state and history on the server
    d = op.get(f"/v1/admin/dossiers/{code}").json()
    assert d["status"] == 9 and [h["origin"] for h in d["history"]] == [
        "commune",
        "province",
        "province",
    ]


def test_illegal_transition_is_refused(server: Srv) -> None:
    dev = server.device()
    ev = submitted(dev, status=1)  # kiosk submission awaiting the desk
    code = ev["payload"]["code"]
    push(dev, ev)
    op = server.operator()
    r = op.post(f"/v1/admin/dossiers/{code}/transitions", json={"to": "accepted"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
    assert "quyền của tỉnh" in r.json()["error"]["message"]  # accepting is the commune's move
    r = op.post(f"/v1/admin/dossiers/{code}/transitions", json={"to": "returned"})
    assert r.status_code == 409
    r = op.post(f"/v1/admin/dossiers/{code}/transitions", json={"to": "flying"})
    assert r.status_code == 400
    r = op.post("/v1/admin/dossiers/000.00.06.H56-250101-9999/transitions", json={"to": 4})
    assert r.status_code == 404
    assert _feed(dev, "status")["items"] == []


def test_cursor_paging_and_reset(server: Srv) -> None:
    dev = server.device()
    op = server.operator()
    codes = []
    for _ in range(5):
        ev = submitted(dev)
        push(dev, ev)
        codes.append(ev["payload"]["code"])
    for code in codes:
        assert (
            op.post(
                f"/v1/admin/dossiers/{code}/transitions",
                json={"to": "supplement_requested", "note": "thiếu giấy"},
            ).status_code
            == 200
        )
    seen, cursor, pages = [], None, 0
    while True:
        page = _feed(dev, "status", cursor, limit=2)
        seen += [i["data"]["code"] for i in page["items"]]
        cursor, pages = page["next"], pages + 1
        if not page["more"]:
            break
    assert seen == codes and pages == 3
    epoch, _, seq = cursor.partition(".")
    for bad in (
        f"{epoch}.{int(seq) + 10**6}",  # ahead of the feed: server restored from backup
        f"deadbeef.{seq}",  # another epoch
        "garbage",
    ):
        page = _feed(dev, "status", bad)
        assert page == {"feed": "status", "reset": True, "items": [], "next": None, "more": True}
    # the operator resets the feed: every old cursor gets `reset`, a refetch gives it all again
    server.service.reset_feed("status")
    assert _feed(dev, "status", cursor)["reset"] is True
    again = _feed(dev, "status", limit=100)
    assert [i["data"]["code"] for i in again["items"]] == codes
    # pruned history: a cursor older than what is kept gets `reset`
    old = again["items"][0]["cursor"]
    server.service.prune_feed("status", "9999-01-01")
    assert _feed(dev, "status", old)["reset"] is True
    r = dev.client.get("/v1/feeds/weather")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_feed"
    assert dev.client.get("/v1/feeds/status", params={"limit": 0}).status_code == 400


def test_catalog_calendar_settings_feeds(server: Srv, tmp_path: Path) -> None:
    import shutil

    dev = server.device()
    out = server.service.publish_catalog(ROOT / "resources")
    assert out["status"] in ("published", "unchanged")
    version = out["version"]
    assert server.service.publish_catalog(ROOT / "resources")["status"] == "unchanged"
    cat = _feed(dev, "catalog")
    [item] = [i for i in cat["items"] if i["key"] == "catalog"]
    assert item["data"]["version"] == version
    assert "procedures/khai_sinh.yaml" in item["data"]["files"]
    assert any(p.startswith("forms/") for p in item["data"]["files"])
    # same version, other content: refused (a version is immutable)
    copy = tmp_path / "res"
    shutil.copytree(ROOT / "resources" / "procedures", copy / "procedures")
    shutil.copytree(ROOT / "resources" / "forms", copy / "forms")
    f = copy / "procedures" / "khai_sinh.yaml"
    f.write_text(f.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    try:
        server.service.publish_catalog(copy)
        raise AssertionError("republished a version with other content")
    except Exception as exc:
        assert getattr(exc, "code", "") == "code_conflict"
    # an invalid catalogue is not published
    (copy / "procedures" / "khai_sinh.yaml").write_text("code: [broken\n", encoding="utf-8")
    try:
        server.service.publish_catalog(copy)
        raise AssertionError("published an invalid catalogue")
    except Exception as exc:
        assert getattr(exc, "code", "") == "bad_payload" and exc.extra["problems"]

    server.service.publish_calendar([ROOT / "resources" / "calendar" / "2026.yaml"])
    cal = _feed(dev, "calendar")
    [y2026] = [i for i in cal["items"] if i["key"] == "2026"]
    assert y2026["data"]["year"] == 2026 and "Tết" in y2026["data"]["content"]

    start = _feed(dev, "settings")["next"]
    server.service.set_setting("sync.interval_seconds", 300, f"c:{dev.commune}")
    server.service.set_setting("sync.interval_seconds", 120, f"c:{dev.commune}")  # supersedes
    server.service.set_setting("hotline", "1900 0000", "c:99999")  # another commune
    items = _feed(dev, "settings", start)["items"]
    assert [(i["data"]["name"], i["data"]["value"]) for i in items] == [
        ("sync.interval_seconds", 120)
    ]


def test_keys_feed_carries_device_keys_and_revocations(server: Srv) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk_app.core.device_key import key_id, raw_public
    from tests.server.conftest import b64

    pub = raw_public(Ed25519PrivateKey.generate().public_key())
    agency, commune = server.new_agency()
    doc = {
        "format": "motcua-device-key",
        "version": 1,
        "algorithm": "Ed25519",
        "public_key": b64(pub),
        "agency_id": agency,
        "slot": 1,
    }
    dev = server.device(agency, commune, public_key=doc)
    start = None
    page = _feed(dev, "keys", limit=500)
    while page["more"]:
        page = _feed(dev, "keys", page["next"], limit=500)
    mine = [i for i in page["items"] if i["key"] == key_id(pub)]
    start = page["next"]
    assert mine and mine[0]["data"]["agency_id"] == agency and mine[0]["data"]["revoked_at"] is None
    # a second key published later by the device itself
    pub2 = raw_public(Ed25519PrivateKey.generate().public_key())
    r = dev.client.post("/v1/keys", json={**doc, "public_key": b64(pub2)})
    assert r.status_code == 200 and r.json()["kid"] == key_id(pub2)
    r = dev.client.post(
        "/v1/keys", json={**doc, "public_key": b64(pub2), "agency_id": "999.99.99.H99"}
    )
    assert r.status_code == 403
    viewer = server.device()
    server.service.revoke(dev.id, "máy bị mất")
    items = _feed(viewer, "keys", start)["items"]
    revoked = {i["key"]: i["data"]["revoked_at"] for i in items}
    assert revoked.get(key_id(pub)) and revoked.get(key_id(pub2))
