"""Learn, check and rate at the kiosk, with taps (and a keyboard-wedge scan for the QR)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt

from kiosk_app.core.intake import VN_TZ
from tests.ui.kiosk.helpers import next_, press_key, settle, tap, type_text


def submit_kiosk_dossier(kiosk: Any) -> str:
    proc = kiosk.catalog.get("2.000815")
    sub = proc.example_submission()
    return kiosk.intake.submit(
        proc.code, sub["answers"], sub["documents"], channel="kiosk", actor="kiosk"
    ).code


# ------------------------------------------------------------------ learn
def test_learn_shows_papers_time_fee_and_prints_the_list(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    tap(qtbot, w.welcome.tiles["learn"])
    tap(qtbot, w.flow.list.buttons["2.000815"])
    flow = w.flow
    headings = [h for h, _ in flow.sections]
    assert headings == ["Giấy tờ cần mang", "Thời gian giải quyết", "Lệ phí"]
    lines = dict(flow.sections)
    assert any("Bản chính giấy tờ" in line for line in lines["Giấy tờ cần mang"])
    assert lines["Thời gian giải quyết"][0].startswith("Trong ngày")
    assert "2.000 đ/trang" in lines["Lệ phí"][0]
    tap(qtbot, flow.print_button)
    settle(w)
    assert len(w.fake_printer.pdfs) == 1 and w.fake_printer.pdfs[0].startswith(b"%PDF")
    assert "Đã in" in flow.message.text()
    assert w.next_button.text().startswith("Nộp hồ sơ")
    next_(qtbot, w)  # file it now
    assert w.flow.objectName() == "submitFlow"
    assert w.flow.current_question().path == "requester.full_name"


def test_learn_print_failure_is_explained(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    w.fake_printer.fail = "Không tìm thấy máy in “Kiosk80”."
    tap(qtbot, w.welcome.tiles["learn"])
    tap(qtbot, w.flow.list.buttons["1.001193"])
    tap(qtbot, w.flow.print_button)
    settle(w)
    assert "Không in được" in w.flow.message.text()
    assert "Kiosk80" in w.flow.message.text()


# ------------------------------------------------------------------ check
def test_check_by_typing_the_code_on_the_pad(qtbot: Any, make_window: Any, kiosk: Any) -> None:
    code = submit_kiosk_dossier(kiosk)
    w = make_window()
    tap(qtbot, w.welcome.tiles["check"])
    tap(qtbot, w.speak_button)
    flow = w.flow
    suffix = code.split("-", 1)[1]  # 250312-1001: the office's agency id is implied
    for ch in suffix:
        tap(qtbot, flow.pad.keys[ch])
    assert flow.code_edit.text() == suffix
    next_(qtbot, w)
    assert flow.stack.currentWidget() is flow.view
    assert flow.status_label.text() == "Mới nộp, chờ kiểm tra giấy tờ"
    assert "quầy một cửa" in flow.hint_label.text()
    assert "Chứng thực bản sao" in flow.proc_label.text()
    spoken = w.fake_speaker.last
    assert "Mới nộp, chờ kiểm tra giấy tờ" in spoken and "Nộp lúc" in spoken
    # a clerk accepts the papers: the appointment appears
    kiosk.intake.transition(code, 2, actor="clerk")
    tap(qtbot, w.back_button)
    type_text(flow.code_edit, suffix.replace("-", ""))
    next_(qtbot, w)
    assert flow.status_label.text() == "Đã tiếp nhận"
    assert "Hẹn trả kết quả" in flow.dates_label.text()


def test_check_by_scanning_the_receipt_qr(qtbot: Any, make_window: Any, kiosk: Any) -> None:
    from kiosk_app.receipts.qr_payload import qr_text_for

    code = submit_kiosk_dossier(kiosk)
    qr = qr_text_for(kiosk, code)
    w = make_window()
    tap(qtbot, w.welcome.tiles["check"])
    flow = w.flow
    assert flow.code_edit.hasFocus() or flow.code_edit.focusPolicy() != Qt.FocusPolicy.NoFocus
    type_text(flow.code_edit, qr)  # the wedge scanner types the QR text…
    press_key(flow.code_edit, Qt.Key.Key_Return)  # …and Enter
    settle(w)
    assert flow.stack.currentWidget() is flow.view
    assert flow.result.code == code


def test_check_unknown_or_malformed_code(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    tap(qtbot, w.welcome.tiles["check"])
    flow = w.flow
    for ch in "9912310001":
        tap(qtbot, flow.pad.keys[ch])
    next_(qtbot, w)
    assert flow.error_label.isVisible() and "Không tìm thấy" in flow.error_label.text()
    tap(qtbot, flow.pad.keys["clear"])
    tap(qtbot, flow.pad.keys["mode"])  # letters
    tap(qtbot, flow.pad.keys["X"])
    next_(qtbot, w)
    assert "chưa đúng" in flow.error_label.text()
    type_text(flow.code_edit, "*garbage*")
    next_(qtbot, w)
    assert "QR" in flow.error_label.text()


# ------------------------------------------------------------------ rate
def test_rate_after_a_visit(qtbot: Any, make_window: Any, kiosk: Any) -> None:
    from kiosk_app.core.ratings import Ratings

    w = make_window(thanks_ms=30)
    tap(qtbot, w.welcome.tiles["rate"])
    flow = w.flow
    assert not w.next_button.isVisible()  # a level must be chosen first
    tap(qtbot, flow.level_buttons[5])
    assert flow.stack.currentWidget() is flow.reasons_page
    tap(qtbot, flow.reason_buttons["staff_helpful"])
    tap(qtbot, flow.reason_buttons["fast"])
    next_(qtbot, w)
    assert flow.stack.currentWidget() is flow.thanks_page
    stored = Ratings.for_kiosk(kiosk).get(flow.saved_id)
    assert stored["level"] == 5 and stored["reasons"] == ["staff_helpful", "fast"]
    assert stored["channel"] == "kiosk" and stored["dossier_code"] is None
    qtbot.waitUntil(lambda: w.flow is None, timeout=2000)  # thanks → welcome by itself
    assert w.stack.currentWidget() is w.welcome


def test_rate_right_after_submitting_names_the_dossier(
    qtbot: Any, make_window: Any, kiosk: Any
) -> None:
    from kiosk_app.core.ratings import Ratings
    from tests.ui.kiosk.test_submit import answer_all

    w = make_window()
    flow = answer_all(qtbot, w)
    next_(qtbot, w)
    code = flow.code
    rate = next(b for b in flow.body.findChildren(type(w.next_button)) if "Đánh giá" in b.text())
    tap(qtbot, rate)
    tap(qtbot, w.flow.level_buttons[2])
    tap(qtbot, w.flow.reason_buttons["long_wait"])
    next_(qtbot, w)
    stored = Ratings.for_kiosk(kiosk).get(w.flow.saved_id)
    assert (stored["level"], stored["dossier_code"]) == (2, code)
    assert stored["at"] == datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ).isoformat()
