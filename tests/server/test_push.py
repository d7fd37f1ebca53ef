"""POST /v1/push: ordered batches, per-item results, idempotency, the device's own agency."""

from __future__ import annotations

import copy
import gzip
import json

from tests.server.conftest import Srv, push, submitted, transition, uuid7


def test_accepted_then_duplicate_by_event_id(server: Srv) -> None:
    dev = server.device()
    ev = submitted(dev)
    [r] = push(dev, ev)
    assert r["status"] == "accepted" and r["id"] == ev["id"]
    assert r["dossier"] == {
        "code": ev["payload"]["code"],
        "status": 2,
        "complete": True,
        "missing_attachments": [],
    }
    [again] = push(dev, ev)  # the response was lost; the kiosk sends the same event again
    assert again["status"] == "duplicate" and again["dossier"]["code"] == ev["payload"]["code"]
    rows = [d for d in server.service.list_dossiers(agency_id=dev.agency_id)]
    assert [d["code"] for d in rows] == [ev["payload"]["code"]]  # exactly once


def test_same_dossier_under_a_new_event_id_is_a_duplicate(server: Srv) -> None:
    dev = server.device()
    ev = submitted(dev)
    push(dev, ev)
    ev2 = {**ev, "id": uuid7()}
    [r] = push(dev, ev2)
    assert r["status"] == "duplicate"


def test_event_id_reused_with_other_content_is_a_conflict(server: Srv) -> None:
    dev = server.device()
    ev = submitted(dev)
    push(dev, ev)
    other = submitted(dev)
    other["id"] = ev["id"]
    [r] = push(dev, other)
    assert r["status"] == "rejected" and r["reason"]["code"] == "id_reused"
    assert r["reason"]["class"] == "conflict"


def test_a_device_cannot_write_for_another_agency(server: Srv) -> None:
    dev, other = server.device(), server.device()
    ev = submitted(dev, code=other.code())
    [r] = push(dev, ev)
    assert r["status"] == "rejected" and r["reason"]["code"] == "wrong_agency"
    assert other.agency_id in r["reason"]["message"]
    # and cannot move another agency's dossier
    theirs = submitted(other)
    push(other, theirs)
    [r] = push(dev, transition(theirs, "request_supplement", 2, 5))
    assert r["reason"]["code"] == "wrong_agency"
    # a code outside its own slot is refused too (slots keep codes unique offline)
    [r] = push(dev, submitted(dev, code=f"{dev.agency_id}-250312-2001"))
    assert r["reason"]["code"] == "wrong_slot"


def test_bad_payloads_are_rejected_with_the_field_named(server: Srv) -> None:
    dev = server.device()
    ev = submitted(dev)
    del ev["payload"]["answers"]
    bad_status = submitted(dev)
    bad_status["payload"]["status"] = 9
    tampered = submitted(dev)
    tampered["payload"]["answers"]["requester"]["full_name"] = "Người Khác"
    unknown = {"id": uuid7(), "kind": "dossier.teleported", "payload": {"code": "x"}}
    weird = {"id": uuid7(), "kind": "payment.made", "payload": {}}
    results = push(dev, ev, bad_status, tampered, "not an object", weird, unknown)
    codes = [r.get("reason", {}).get("code") for r in results]
    assert codes[:5] == [
        "bad_payload",
        "bad_payload",
        "content_hash_mismatch",
        "bad_payload",
        "unknown_kind",
    ]
    assert "payload.answers" in results[0]["reason"]["message"]
    assert all(r["status"] == "rejected" for r in results)
    assert server.service.list_dossiers(agency_id=dev.agency_id) == []
    # a rejected item does not block the ones after it
    good = submitted(dev)
    results = push(dev, tampered, good)
    assert [r["status"] for r in results] == ["rejected", "accepted"]


def test_gzip_body(server: Srv) -> None:
    dev = server.device()
    events = [submitted(dev) for _ in range(20)]
    results = push(dev, *events, gz=True)
    assert [r["status"] for r in results] == ["accepted"] * 20
    raw = json.dumps({"events": events}).encode()
    assert len(gzip.compress(raw)) < len(raw) / 3
    r = dev.client.post(
        "/v1/push", content=b"\x1f\x8b garbage", headers={"Content-Encoding": "gzip"}
    )
    assert r.status_code == 400
    r = dev.client.post("/v1/push", content=b"{}", headers={"Content-Encoding": "br"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_encoding"
    bomb = gzip.compress(b" " * (9 * 1024 * 1024))  # 9 MiB of spaces, ~9 KB compressed
    r = dev.client.post("/v1/push", content=bomb, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_commune_transitions_follow_the_lifecycle(server: Srv) -> None:
    dev = server.device()
    kiosk_sub = submitted(dev, status=1)  # self-service kiosk: documents still to be checked
    accept = transition(kiosk_sub, "accept", 1, 2, {"appointment_at": "2025-03-14T17:00:00+07:00"})
    results = push(dev, kiosk_sub, accept)  # one ordered batch
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert results[1]["dossier"]["status"] == 2
    d = server.service.dossier(kiosk_sub["payload"]["code"])
    assert d["appointment_at"].startswith("2025-03-14T17:00")
    assert [h["event"] for h in d["history"]] == ["received", "accept"]
    # the commune may not finish a dossier (province only), nor repeat an old move
    [r] = push(dev, transition(kiosk_sub, "finish", 2, 9))
    assert r["reason"]["code"] == "illegal_transition"
    [r] = push(dev, transition(kiosk_sub, "accept", 1, 2))
    assert r["reason"]["code"] == "status_conflict" and r["reason"]["class"] == "conflict"
    # an event about a dossier the server does not have
    ghost = submitted(dev)
    [r] = push(dev, transition(ghost, "withdraw", 2, 7))
    assert r["reason"]["code"] == "unknown_dossier"
    # a rejected event id is not remembered: after the fix it can be pushed again
    ev = transition(kiosk_sub, "withdraw", 2, 7)
    wrong = copy.deepcopy(ev)
    wrong["payload"]["from"] = 5
    wrong["payload"]["to"] = 7
    [r] = push(dev, wrong)
    assert r["status"] == "rejected"
    [r] = push(dev, ev)
    assert r["status"] == "accepted" and r["dossier"]["status"] == 7


def test_too_many_events_is_refused_as_a_whole(server: Srv) -> None:
    dev = server.device()
    r = dev.client.post("/v1/push", json={"events": [{}] * 501})
    assert r.status_code == 413
    r = dev.client.post("/v1/push", json={"nothing": 1})
    assert r.status_code == 400


def test_a_real_kiosk_outbox_is_accepted(server: Srv, tmp_path) -> None:
    """Events made by kiosk_app's own intake use-cases, read from its outbox table."""
    from datetime import datetime

    from kiosk_app.bootstrap import configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ
    from tests.conftest import FakeClock

    dev = server.device(slot=3)
    configure_office(
        tmp_path,
        {
            "agency_id": dev.agency_id,
            "commune_code": dev.commune,
            "device_slot": 3,
            "agency_name": "UBND thử",
        },
    )
    k = open_kiosk(tmp_path)
    try:
        k.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))
        example = k.catalog.get("1.001193").example_submission()
        scan = k.files.put_bytes(b"%PDF-1.4 scanned birth certificate" * 100)
        sub = k.intake.submit(
            "1.001193",
            example["answers"],
            example["documents"],
            actor="clerk",
            attachments=[
                {
                    "sha256": scan.sha256,
                    "size": scan.size,
                    "name": "giay_chung_sinh.pdf",
                    "mime": "application/pdf",
                }
            ],
        )
        k.intake.transition(sub.code, 5, actor="clerk", reason="thiếu bản sao")
        rows = k.store.query(
            "SELECT id, kind, entity_id, payload, created_at FROM outbox ORDER BY seq"
        )
    finally:
        k.close()
    events = [dict(r, payload=json.loads(r["payload"])) for r in rows]
    results = push(dev, *events, gz=True)
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert results[0]["dossier"]["missing_attachments"] == [scan.sha256]
    assert results[1]["dossier"]["status"] == 5
    listed = server.service.list_dossiers(agency_id=dev.agency_id)
    assert [(d["code"], d["status"], d["attachments"]) for d in listed] == [
        (sub.code, 5, [scan.sha256])
    ]
    # no personal data in the server's log
    name = example["answers"]["requester"]["full_name"]
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert name not in log and "thiếu bản sao" not in log
    id_number = example["answers"]["requester"].get("id_number")
    assert not id_number or id_number not in log


def test_concurrent_deliveries_of_one_batch_apply_it_once(server: Srv) -> None:
    """At-least-once delivery from a retrying client (or two sync processes): exactly-once effect."""
    from concurrent.futures import ThreadPoolExecutor

    dev = server.device()
    events = [submitted(dev) for _ in range(10)]
    with ThreadPoolExecutor(6) as pool:
        runs = list(pool.map(lambda _: push(dev, *events), range(6)))
    for i in range(10):
        statuses = sorted(run[i]["status"] for run in runs)
        assert statuses == ["accepted"] + ["duplicate"] * 5, statuses
    codes = [d["code"] for d in server.service.list_dossiers(agency_id=dev.agency_id)]
    assert codes == [e["payload"]["code"] for e in events]
