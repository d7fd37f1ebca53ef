"""The ratings use-case (no Qt): stored and queued for the province in one transaction."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk_app.core.ratings import LEVELS, OUTBOX_KIND, REASONS, RatingError, Ratings


def test_levels_and_reasons() -> None:
    assert list(LEVELS) == [5, 4, 3, 2, 1]
    assert LEVELS[5].vi == "Rất hài lòng" and LEVELS[1].vi == "Rất không hài lòng"
    assert "long_wait" in REASONS


def test_submit_stores_and_queues_one_event(kiosk: Any) -> None:
    from kiosk_app.store import outbox

    ratings = Ratings.for_kiosk(kiosk)
    r = ratings.submit(
        4, ["fast", "fast", "clear_info"], dossier_code=" 000.00.06.H56-250312-1001 "
    )
    assert r.reasons == ("fast", "clear_info")
    assert r.dossier_code == "000.00.06.H56-250312-1001"
    row = ratings.get(r.id)
    assert row["level"] == 4 and row["agency_id"] == "000.00.06.H56" and row["device_slot"] == 1
    with kiosk.store.read() as db:
        events = [e for e in outbox.pending(db) if e["kind"] == OUTBOX_KIND]
    assert len(events) == 1
    assert events[0]["entity_id"] == r.id and events[0]["payload"]["level"] == 4
    assert ratings.counts() == {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}


@pytest.mark.parametrize(
    "level,reasons,channel",
    [
        (0, [], "kiosk"),
        (6, [], "kiosk"),
        (True, [], "kiosk"),
        (3, ["nope"], "kiosk"),
        (3, [], "web"),
    ],
)
def test_refused_ratings_store_nothing(kiosk: Any, level: Any, reasons: list, channel: str) -> None:
    ratings = Ratings.for_kiosk(kiosk)
    with pytest.raises(RatingError):
        ratings.submit(level, reasons, channel=channel)
    assert sum(ratings.counts().values()) == 0


def test_kiosk_session_helpers(kiosk: Any) -> None:
    from kiosk_app.core import kiosk_session

    agency = kiosk.office.agency_id
    assert kiosk_session.resolve_code("250312-1001", agency) == f"{agency}-250312-1001"
    assert kiosk_session.resolve_code(" 2503121001 ", agency) == f"{agency}-250312-1001"
    assert kiosk_session.resolve_code("000.00.06.h56-250312-1001", agency).endswith(
        "H56-250312-1001"
    )
    assert kiosk_session.resolve_code("12", agency) is None
    desk = kiosk.intake.start_draft("2.000815", channel="desk")
    k1 = kiosk.intake.start_draft("2.000815", channel="kiosk")
    k2 = kiosk.intake.start_draft("1.001193", channel="kiosk")
    kiosk_session.discard_draft(kiosk.intake, desk)  # a desk draft is not the kiosk's to drop
    kiosk_session.discard_draft(kiosk.intake, k1)
    assert {d["id"] for d in kiosk.intake.unfinished_drafts()} == {desk, k2}
    assert kiosk_session.discard_kiosk_drafts(kiosk.intake) == 1
    assert [d["id"] for d in kiosk.intake.unfinished_drafts()] == [desk]
    assert kiosk_session.citizen_status(kiosk, f"{agency}-250312-9999") is None
