"""After the receipt: apology slips, supplement requests and supplements pushed by a kiosk are
accepted with their data, idempotently, for the device's own agency only (both engines)."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.server.conftest import VN, Srv, push, submitted, transition, uuid7


def apology(sub: dict[str, Any], prev: str, new: str, reason: str | None = "chờ xác minh"):
    p = sub["payload"]
    data = {"previous_appointment_at": prev, "appointment_at": new}
    if reason is not None:
        data["reason"] = reason
    return {
        "id": uuid7(),
        "kind": "dossier.apology",
        "entity_id": p["id"],
        "created_at": f"2025-03-14T08:00:00{VN}",
        "payload": {
            "event_id": uuid7(),
            "dossier_id": p["id"],
            "code": p["code"],
            "at": f"2025-03-14T08:00:00{VN}",
            "data": data,
        },
    }


def test_apology_is_kept_with_the_appointment_it_replaced(server: Srv) -> None:
    dev = server.device()
    sub = submitted(dev)
    old, new = f"2025-03-12T17:00:00{VN}", f"2025-03-20T17:00:00{VN}"
    ev = apology(sub, old, new)
    [r1, r2] = push(dev, sub, ev)
    assert r1["status"] == r2["status"] == "accepted", r2
    # the same event again: a duplicate, nothing changes
    [again] = push(dev, ev)
    assert again["status"] == "duplicate"
    d = server.service.dossier(sub["payload"]["code"])
    assert d["appointment_at"] == new and d["status"] == 2
    [h] = [h for h in d["history"] if h["event"] == "apology"]
    assert h["appointment_at"] == new and h["note"] == "chờ xác minh"
    assert h["id"] == ev["payload"]["event_id"]
    # the facts keep the old appointment for the on-time rule
    with server.service.db.tx(write=False) as tx:
        row = tx.one("SELECT t_due, appointment_at FROM dossiers WHERE id = ?", [d["id"]])
    from sync.server.stats_facts import micros

    assert row["t_due"] == micros(old) != micros(new)


def test_apology_refused_for_another_agency_or_without_times(server: Srv) -> None:
    dev, other = server.device(), server.device()
    sub = submitted(dev)
    push(dev, sub)
    [r] = push(other, apology(sub, f"2025-03-12T17:00:00{VN}", f"2025-03-20T17:00:00{VN}"))
    assert r["status"] == "rejected" and r["reason"]["code"] == "wrong_agency"
    bad = apology(sub, f"2025-03-12T17:00:00{VN}", "2025-03-20")
    [r] = push(dev, bad)
    assert r["status"] == "rejected" and r["reason"]["code"] == "bad_payload"
    assert "appointment_at" in r["reason"]["message"]
    # a slip without a reason is still recorded (the desk always gives one; old kiosks may not)
    [r] = push(dev, apology(sub, f"2025-03-12T17:00:00{VN}", f"2025-03-21T17:00:00{VN}", None))
    assert r["status"] == "accepted"
    unknown = submitted(dev)  # never pushed
    [r] = push(dev, apology(unknown, f"2025-03-12T17:00:00{VN}", f"2025-03-20T17:00:00{VN}"))
    assert r["reason"]["code"] == "unknown_dossier"


def test_supplement_request_and_supplement_with_their_data(server: Srv) -> None:
    dev = server.device()
    sub = submitted(dev)
    scan = hashlib.sha256(b"supplement scan").hexdigest()
    ask = transition(
        sub,
        "request_supplement",
        2,
        5,
        {"missing": ["Bản sao giấy khai sinh"], "paused_at": f"2025-03-12T10:00:00{VN}"},
    )
    bring = transition(
        sub,
        "supplement",
        5,
        4,
        {
            "documents": [
                {"id": None, "name": "Bản sao giấy khai sinh", "form": "copy", "count": 1}
            ],
            "attachments": [scan],
            "paused_at": f"2025-03-12T10:00:00{VN}",
            "resumed_at": f"2025-03-13T10:00:00{VN}",
            "previous_appointment_at": f"2025-03-12T17:00:00{VN}",
            "appointment_at": f"2025-03-13T17:00:00{VN}",
        },
    )
    results = push(dev, sub, ask, bring)
    assert [r["status"] for r in results] == ["accepted"] * 3, results
    d = server.service.dossier(sub["payload"]["code"])
    assert d["status"] == 4 and d["appointment_at"] == f"2025-03-13T17:00:00{VN}"
    events = [h["event"] for h in d["history"]]
    assert events == ["received", "request_supplement", "supplement"]
    with server.service.db.tx(write=False) as tx:
        data = tx.scalar(
            "SELECT data FROM status_history WHERE id = ?", [bring["payload"]["event_id"]]
        )
    assert scan in data and "Bản sao giấy khai sinh" in data
    other = submitted(dev)
    bad = transition(other, "request_supplement", 2, 5, {"attachments": ["not-a-sha"]})
    [_, r] = push(dev, other, bad)
    assert r["status"] == "rejected" and r["reason"]["code"] == "bad_payload", r
