"""Citizens' satisfaction ratings pushed by kiosks: stored once, per commune, checked."""

from __future__ import annotations

from typing import Any

from tests.server.conftest import Srv, push, uuid7


def rating(dev: Any, level: int = 5, **over: Any) -> dict[str, Any]:
    rid = uuid7()
    payload = {
        "id": rid,
        "at": "2025-03-12T10:00:00+07:00",
        "level": level,
        "reasons": ["fast"] if level >= 4 else ["long_wait"],
        "dossier_code": None,
        "channel": "kiosk",
        "agency_id": dev.agency_id,
        "device_slot": 1,
    } | over
    return {
        "id": uuid7(),
        "kind": "rating.submitted",
        "entity_id": rid,
        "created_at": payload["at"],
        "payload": payload,
    }


def _rows(server: Srv, agency: str) -> list[dict[str, Any]]:
    with server.service.db.tx(write=False) as tx:
        return tx.all("SELECT * FROM ratings WHERE agency_id = ? ORDER BY rated_at", [agency])


def test_a_rating_is_stored_once_for_its_commune(server: Srv) -> None:
    dev = server.device()
    ev = rating(dev, 2)
    [r] = push(dev, ev)
    assert r["status"] == "accepted"
    [again] = push(dev, ev)
    assert again["status"] == "duplicate"
    [row] = _rows(server, dev.agency_id)
    assert row["level"] == 2 and row["commune_code"] == dev.commune
    assert row["channel"] == "kiosk" and row["dossier_code"] is None


def test_bad_ratings_are_refused_with_a_reason(server: Srv) -> None:
    dev, other = server.device(), server.device()
    cases = [
        rating(dev, 0),
        rating(dev, 6),
        rating(dev, 3, reasons=["not-a-reason"]),
        rating(dev, 3, channel="phone"),
        rating(dev, 3, dossier_code=other.code()),
        rating(dev, 3, agency_id=other.agency_id),
    ]
    results = push(dev, *cases)
    assert [r["status"] for r in results] == ["rejected"] * len(cases)
    codes = [r["reason"]["code"] for r in results]
    assert codes[:4] == ["bad_payload"] * 4 and codes[4:] == ["wrong_agency"] * 2
    assert _rows(server, dev.agency_id) == []
