"""Ratings at the desk (issue 8): the citizen rates at the counter after a receipt or a
hand-over through the real dialog; the rating is stored anonymously with the dossier code and
channel "desk" (off the GUI thread), counted in the office's satisfaction, and a dossier is
rated at most once per channel."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import pytest

from kiosk_app.core import stats
from kiosk_app.core.dossier import DONE, RETURNED
from kiosk_app.core.intake import VN_TZ
from kiosk_app.core.ratings import RatingError, Ratings
from kiosk_app.store import outbox

BIRTH = "1.001193"
MARCH = stats.Period.month(2025, 3)


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 3, day, hour, 0, tzinfo=VN_TZ)


def _submit(kiosk: Any, when: datetime) -> Any:
    kiosk.intake.clock.now = when
    ex = kiosk.catalog.get(BIRTH).example_submission()
    return kiosk.intake.submit(BIRTH, ex["answers"], ex["documents"], actor="c1")


def _satisfaction(kiosk: Any) -> tuple[list[int], list[int]]:
    report = stats.for_kiosk(kiosk, MARCH)
    return report.office.ratings, report.by_procedure[BIRTH].ratings


def test_core_refuses_a_second_rating_of_a_dossier_on_one_channel(kiosk: Any) -> None:
    r = _submit(kiosk, _at(3))
    ratings = Ratings.for_kiosk(kiosk)
    ratings.submit(5, dossier_code=r.code, channel="desk")
    with pytest.raises(RatingError) as err:
        ratings.submit(1, ["long_wait"], dossier_code=f" {r.code} ", channel="desk")
    assert err.value.message == (
        f"Hồ sơ {r.code} đã được đánh giá tại quầy; mỗi hồ sơ chỉ được đánh giá một lần"
    )
    # the kiosk channel is separate; its own second rating is refused too
    ratings.submit(4, dossier_code=r.code, channel="kiosk")
    with pytest.raises(RatingError, match="tại ki-ốt"):
        ratings.submit(4, dossier_code=r.code, channel="kiosk")
    ratings.submit(3)  # anonymous ratings without a dossier are never limited
    ratings.submit(3)
    assert ratings.counts() == {1: 0, 2: 0, 3: 2, 4: 1, 5: 1}
    with kiosk.store.read() as db:
        kinds = [e["kind"] for e in outbox.pending(db) if e["kind"] == "rating.submitted"]
    assert len(kinds) == 4  # nothing queued for the refused ones


def test_receipt_then_rating_at_the_desk(qtbot, kiosk, runner, desk_session) -> None:
    from kiosk_app.ui.clerk.receipt_view import ReceiptDialog

    r = _submit(kiosk, _at(3))
    receipt = ReceiptDialog(kiosk, r.code, runner=runner, session=desk_session)
    qtbot.addWidget(receipt)
    receipt.show()
    assert receipt.rate_button.isVisible()
    assert receipt.rate_button.text() == "Mời công dân đánh giá"
    receipt.rate_button.click()
    dialog = receipt.rating_dialog
    assert dialog is not None and dialog.isVisible()
    assert [b.text().split("   ")[1] for b in dialog.level_buttons.values()] == [
        "Rất hài lòng",
        "Hài lòng",
        "Bình thường",
        "Không hài lòng",
        "Rất không hài lòng",
    ]
    assert not dialog.send_button.isEnabled()  # nothing to send before a level
    dialog.send_button.click()
    assert dialog.rating is None

    threads: list[str] = []
    real_submit = Ratings.submit

    def spy(self: Ratings, *a: Any, **kw: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_submit(self, *a, **kw)

    dialog.ratings.submit = spy.__get__(dialog.ratings)  # type: ignore[method-assign]
    dialog.level_buttons[4].click()
    dialog.reason_buttons["fast"].click()
    dialog.reason_buttons["clear_info"].click()
    dialog.reason_buttons["clear_info"].click()  # toggled off again
    assert dialog.reasons() == ["fast"]
    with qtbot.waitSignal(dialog.succeeded, timeout=5000) as sent:
        dialog.send_button.click()
    rating = sent.args[0]
    assert threads and threads[0] != threading.main_thread().name  # on the TaskRunner
    assert "Cảm ơn" in dialog.message.text()
    row = Ratings.for_kiosk(kiosk).get(rating.id)
    assert row is not None
    assert {k: row[k] for k in ("level", "reasons", "dossier_code", "channel")} == {
        "level": 4,
        "reasons": ["fast"],
        "dossier_code": r.code,
        "channel": "desk",
    }
    assert set(row) == {
        "id",
        "at",
        "level",
        "reasons",
        "dossier_code",
        "channel",
        "agency_id",
        "device_slot",
    }  # fmt: skip — anonymous: no person, no account
    office, birth = _satisfaction(kiosk)
    assert office == [0, 0, 0, 1, 0] and birth == [0, 0, 0, 1, 0]
    import shiboken6

    # thanks, then it closes (and is deleted: it was opened with WA_DeleteOnClose)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=6000)

    # a second desk rating of the same dossier: the dialog says so and offers nothing
    receipt.rate_button.click()
    again = receipt.rating_dialog
    qtbot.waitUntil(lambda: again.message.isVisible())
    assert "đã được đánh giá tại quầy" in again.message.text()
    assert not any(b.isEnabled() for b in again.level_buttons.values())
    assert not again.send_button.isEnabled()
    again.skip_button.click()
    assert _satisfaction(kiosk)[0] == [0, 0, 0, 1, 0]


def test_reprint_has_no_rating_button(qtbot, kiosk, runner, desk_session) -> None:
    from kiosk_app.ui.clerk.receipt_view import ReceiptDialog

    r = _submit(kiosk, _at(3))
    receipt = ReceiptDialog(kiosk, r.code, reprint=True, runner=runner, session=desk_session)
    qtbot.addWidget(receipt)
    receipt.show()
    assert not receipt.rate_button.isVisible()


def test_rating_after_hand_over_on_the_dossier_page(qtbot, kiosk, runner, desk_session) -> None:
    from kiosk_app.core.aftercare import Aftercare
    from kiosk_app.ui.clerk.dossier_page import DossierPage

    r = _submit(kiosk, _at(3))
    page = DossierPage(kiosk, runner, session=desk_session)
    qtbot.addWidget(page)
    page.show()
    page.load(r.code)
    qtbot.waitUntil(lambda: page.view is not None)
    assert not page.rate_button.isVisible()  # not before the result is handed over
    kiosk.intake.clock.now = _at(5, 14)
    kiosk.intake.transition(r.code, DONE, actor="province", origin="province")
    Aftercare(kiosk.intake).hand_over(r.code, {"name": "Lê Thị Đào"}, actor="c1")
    page.load(r.code, opened=False)
    qtbot.waitUntil(lambda: page.view.dossier["status"] == RETURNED)
    assert page.rate_button.isVisible()
    page.rate_button.click()
    dialog = page.rating_dialog
    dialog.level_buttons[2].click()
    dialog.reason_buttons["long_wait"].click()
    # the citizen also rated at the kiosk earlier: a separate channel, still allowed
    Ratings.for_kiosk(kiosk).submit(5, dossier_code=r.code, channel="kiosk")
    with qtbot.waitSignal(dialog.succeeded, timeout=5000) as sent:
        dialog.send_button.click()
    assert sent.args[0].channel == "desk" and sent.args[0].dossier_code == r.code
    office, birth = _satisfaction(kiosk)
    assert office == [0, 1, 0, 0, 1] and birth == [0, 1, 0, 0, 1]
    report = stats.for_kiosk(kiosk, MARCH)
    assert report.office.rated == 2 and report.office.satisfied == 1

    # Skip stores nothing
    other = _submit(kiosk, _at(6))
    page.load(other.code, opened=False)
    qtbot.waitUntil(lambda: page.code == other.code and page.view.dossier["code"] == other.code)
    from kiosk_app.ui.clerk.rating_dialog import RatingDialog

    skip = RatingDialog(kiosk, other.code, runner, page)
    qtbot.addWidget(skip)
    skip.show()
    skip.level_buttons[5].click()
    skip.skip_button.click()
    assert not skip.isVisible()
    assert stats.for_kiosk(kiosk, MARCH).office.rated == 2


def test_a_failed_store_keeps_the_choice(qtbot, kiosk, runner) -> None:
    from kiosk_app.ui.clerk.rating_dialog import RatingDialog

    r = _submit(kiosk, _at(3))
    dialog = RatingDialog(kiosk, r.code, runner)
    qtbot.addWidget(dialog)
    dialog.show()

    def full_disk(*_a: Any, **_kw: Any) -> Any:
        raise OSError("Ổ đĩa đầy")

    dialog.ratings.submit = full_disk  # type: ignore[method-assign]
    dialog.level_buttons[3].click()
    with qtbot.waitSignal(dialog.failed, timeout=5000):
        dialog.send_button.click()
    assert "Ổ đĩa đầy" in dialog.message.text()
    assert dialog.level == 3 and dialog.level_buttons[3].isChecked()
    assert dialog.send_button.isEnabled() and dialog.isVisible()
