"""The dossier desk: search, filters, the dossier page, lifecycle actions and reprint."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate, Qt

from kiosk_app.core.dossier import DONE, RETURNED, SUPPLEMENT, WITHDRAWN
from kiosk_app.core.intake import VN_TZ
from kiosk_app.ui.clerk import dossier_page
from kiosk_app.ui.clerk.dossier_desk import DossierDesk
from tests.ui.keys import type_text

BIRTH = "1.001193"
CERT_SIGNATURE = "2.000884"


def _submit(kiosk, code: str, when: datetime, name: str | None = None):
    kiosk.intake.clock.now = when
    ex = kiosk.catalog.get(code).example_submission()
    answers = ex["answers"]
    if name:
        answers["requester"]["full_name"] = name
    return kiosk.intake.submit(code, answers, ex["documents"], actor="clerk")


@pytest.fixture
def seeded(kiosk):
    a = _submit(kiosk, BIRTH, datetime(2025, 3, 3, 9, 0, tzinfo=VN_TZ), "Lê Thị Đào")
    b = _submit(kiosk, CERT_SIGNATURE, datetime(2025, 3, 10, 9, 0, tzinfo=VN_TZ))
    c = _submit(kiosk, BIRTH, datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ))
    kiosk.intake.clock.now = datetime(2025, 3, 12, 10, 0, tzinfo=VN_TZ)
    return a, b, c


@pytest.fixture
def desk(qtbot, kiosk, runner, desk_session):
    d = DossierDesk(kiosk, runner, session=desk_session)
    qtbot.addWidget(d)
    d.show()
    return d


def _wait(qtbot, desk) -> None:
    qtbot.waitUntil(lambda: desk.loaded)


def test_list_and_filters(qtbot, seeded, desk) -> None:
    a, b, c = seeded
    desk.refresh()
    _wait(qtbot, desk)
    assert desk.codes() == [c.code, b.code, a.code]
    assert desk.table.item(0, 0).text() == c.code
    assert desk.table.item(0, 5).text() == "Đã tiếp nhận"
    desk.procedure.setCurrentIndex(desk.procedure.findData(CERT_SIGNATURE))
    _wait(qtbot, desk)
    assert desk.codes() == [b.code]
    desk.procedure.setCurrentIndex(0)
    _wait(qtbot, desk)
    desk.date_from.setDate(QDate(2025, 3, 1))
    desk.date_to.setDate(QDate(2025, 3, 5))
    desk.use_dates.setChecked(True)
    _wait(qtbot, desk)
    assert desk.current_filter().received_from == date(2025, 3, 1)
    assert desk.codes() == [a.code]
    desk.use_dates.setChecked(False)
    desk.status.setCurrentIndex(desk.status.findData(WITHDRAWN))
    _wait(qtbot, desk)
    assert desk.codes() == [] and desk.count.text() == "0 hồ sơ"


def test_search_without_diacritics_and_open(qtbot, seeded, desk) -> None:
    a, _b, _c = seeded
    type_text(desk.search, "le thi dao")
    qtbot.waitUntil(lambda: desk.loaded and desk.codes() == [a.code])
    type_text(desk.search, "\n")
    assert desk.showing_dossier()
    page = desk.page
    qtbot.waitUntil(lambda: page.view is not None)
    assert page.title.text() == a.code
    assert page.status_badge.text() == "Đã tiếp nhận"
    text = page.answers.toPlainText()
    assert "Người được khai sinh" in text and "Giới tính" in text and "Nam" in text
    assert "Lê Thị Đào" in text and "15/05/1990" in text
    assert "Giấy tờ đã nộp" in text
    assert "Tiếp nhận hồ sơ" in page.timeline.toPlainText()
    # received 3/3, due before today (12/3): the apology slip is offered too
    assert set(page.action_buttons) == {"request_supplement", "withdraw", "apology"}
    assert desk.back() and not desk.showing_dossier()
    assert desk.back() is False


def _dialog(qtbot, page, event: str):
    page.dialog = None
    page.action_buttons[event].click()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    return page.dialog


def test_hand_over_records_who_collected(qtbot, kiosk, seeded, desk) -> None:
    a, _b, _c = seeded
    kiosk.intake.transition(a.code, DONE, actor="province", origin="province")
    desk.open_dossier(a.code)
    page = desk.page
    page.cameras = []
    qtbot.waitUntil(lambda: page.view is not None)
    assert list(page.action_buttons) == ["hand_over"]
    changed = []
    desk.changed.connect(changed.append)
    dialog = _dialog(qtbot, page, "hand_over")
    assert dialog.name.text() == "Lê Thị Đào"  # the applicant by default
    type_text(dialog.id_number, "001190054321")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.view is not None and page.view.dossier["status"] == RETURNED)
    assert changed == [a.code]
    view = kiosk.intake.lookup(a.code)
    assert view.events[-1]["kind"] == "hand_over"
    assert view.events[-1]["data"]["collected_by"]["name"] == "Lê Thị Đào"
    assert view.events[-1]["actor"] == "test.head"  # the logged-in account, not a placeholder
    views = kiosk.store.query("SELECT actor, entity FROM audit WHERE action = 'dossier.view'")
    assert {"actor": "test.head", "entity": a.code} in views
    assert "Người nhận: Lê Thị Đào" in page.timeline.toPlainText()
    assert page.status_badge.text() == "Đã trả kết quả"
    assert page.action_buttons == {}


def test_supplement_withdraw_and_cancel(qtbot, kiosk, seeded, desk) -> None:
    _a, b, _c = seeded
    desk.open_dossier(b.code)
    page = desk.page
    qtbot.waitUntil(lambda: page.view is not None)
    dialog = _dialog(qtbot, page, "withdraw")
    dialog.cancel_button.click()  # the clerk cancels: nothing happens
    assert kiosk.intake.lookup(b.code).dossier["status"] != WITHDRAWN
    dialog = _dialog(qtbot, page, "request_supplement")
    type_text(dialog.item_edit, "Thiếu giấy tờ")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.view.dossier["status"] == SUPPLEMENT)
    qtbot.waitUntil(lambda: {"supplement", "withdraw"} <= set(page.action_buttons))
    page.slip_dialog.close()
    dialog = _dialog(qtbot, page, "withdraw")
    type_text(dialog.reason, "Công dân xin rút")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.view.dossier["status"] == WITHDRAWN)
    assert "Lý do: Công dân xin rút" in page.timeline.toPlainText()


def test_refused_action_is_shown(qtbot, kiosk, seeded, desk) -> None:
    from kiosk_app.core.desk import Action
    from kiosk_app.core.text import Text

    _a, b, _c = seeded
    desk.open_dossier(b.code)
    page = desk.page
    qtbot.waitUntil(lambda: page.view is not None)
    messages = []
    page.notify = messages.append
    page.ask = lambda action: {"reason": None, "data": {}}
    page.start_action(Action(DONE, "finish", Text("Xong", "Done"), None))  # province-only
    qtbot.waitUntil(lambda: bool(messages))
    assert "không thuộc quyền của xã" in messages[0]


def test_action_dialog_needs_collector_name(qtbot) -> None:
    from kiosk_app.core.desk import Action
    from kiosk_app.core.text import Text

    dialog = dossier_page.ActionDialog(
        Action(RETURNED, "hand_over", Text("Trả kết quả", "Hand over"), "collector"), "X"
    )
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.result() == 0 and dialog.error.text()
    type_text(dialog.name, "Lê Thị Đào")
    dialog._accept()
    assert dialog.values()["data"]["collected_by"] == {"full_name": "Lê Thị Đào"}


def test_reprint_calls_the_receipt_module(
    qtbot, kiosk, runner, seeded, monkeypatch, desk_session
) -> None:
    from kiosk_app.ui.clerk import receipt_view

    _a, _b, c = seeded
    calls = []
    monkeypatch.setattr(
        receipt_view,
        "show_receipt",
        lambda parent, k, code, reprint=False, runner=None, session=None: calls.append(
            (code, reprint, session.username)
        ),
    )
    d = DossierDesk(kiosk, runner, session=desk_session)
    qtbot.addWidget(d)
    d.page.print_current()  # no dossier open yet: nothing to print, nothing raises
    d.open_dossier(c.code)
    qtbot.waitUntil(lambda: d.page.view is not None)
    assert d.page.reprint_button.isEnabled()
    d.print_current()
    assert calls == [(c.code, True, "test.head")]


def test_keyboard_search_down_enter_opens(qtbot, seeded, desk) -> None:
    _a, b, _c = seeded
    desk.procedure.setCurrentIndex(desk.procedure.findData(CERT_SIGNATURE))
    qtbot.waitUntil(lambda: desk.loaded and desk.codes() == [b.code])
    qtbot.keyClick(desk.search, Qt.Key.Key_Down)
    assert desk.table.hasFocus()
    qtbot.keyClick(desk.table, Qt.Key.Key_Return)
    assert desk.showing_dossier()
    qtbot.waitUntil(lambda: desk.page.view is not None)
    assert desk.page.title.text() == b.code
