"""Submit at the kiosk with taps and typing only: a certified-copy request (chứng thực bản
sao) from the procedure list to the printed 80 mm slip."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from kiosk_app.ui.kiosk.questions import ButtonChoiceEditor, YesNoEditor
from tests.ui.kiosk.helpers import line_of, next_, press_key, settle, tap, type_text

NAME = "Nguyễn Thị Hòa"
CCCD = "001190012345"  # Hà Nội, female born in the 1900s, 1990


def open_copy_request(qtbot: Any, w: Any) -> Any:
    tap(qtbot, w.welcome.tiles["submit"])
    tap(qtbot, w.flow.list.buttons["2.000815"])
    settle(w)
    return w.flow


def answer_all(qtbot: Any, w: Any) -> Any:
    flow = open_copy_request(qtbot, w)
    assert flow.current_question().path == "requester.full_name"
    assert w.progress.isVisible() and w.progress.value() == 1
    type_text(line_of(flow.editor), NAME)
    next_(qtbot, w)
    assert flow.current_question().path == "requester.id_number"
    type_text(line_of(flow.editor), CCCD)
    next_(qtbot, w)
    assert flow.current_question().path == "requester_phone"  # optional: skipped with Next
    next_(qtbot, w)
    assert flow.current_question().path == "documents"
    item = flow.editor.items[0]
    type_text(item.rows["title"].editor.line, "Giấy khai sinh")
    next_(qtbot, w)
    assert flow.current_question().path == "own_photocopies"
    assert isinstance(flow.editor, YesNoEditor)
    tap(qtbot, flow.editor.no)
    next_(qtbot, w)
    assert flow.current_question().path == "signed_date"
    type_text(line_of(flow.editor), "12032025")
    next_(qtbot, w)
    assert flow.page == "papers"
    next_(qtbot, w)
    assert flow.page == "review"
    assert w.next_button.text().startswith("Gửi hồ sơ")
    return flow


def test_submit_flow_with_taps_and_typing(qtbot: Any, make_window: Any, kiosk: Any) -> None:
    w = make_window()
    flow = answer_all(qtbot, w)
    next_(qtbot, w)
    settle(w)
    assert flow.page == "done", flow.error_text
    code = flow.code
    assert code.startswith("000.00.06.H56-250312-")
    # the stored dossier: channel kiosk, status 1, no appointment until a clerk accepts it
    view = kiosk.intake.lookup(code)
    d = view.dossier
    assert (d["channel"], d["status"], d["appointment_at"]) == ("kiosk", 1, None)
    assert d["applicant_name"] == NAME and d["applicant_id_number"] == CCCD
    assert d["answers"]["documents"][0]["title"] == "Giấy khai sinh"
    assert d["fee"] == 2000
    assert kiosk.intake.unfinished_drafts() == []  # the draft went with the submission
    # the 80 mm slip was printed and the code is shown big
    assert len(w.fake_printer.pdfs) == 1 and w.fake_printer.pdfs[0].startswith(b"%PDF")
    assert "Đã in phiếu" in flow.print_label.text()
    big = [lab for lab in flow.body.findChildren(type(flow.print_label)) if lab.text() == code]
    assert big and big[0].objectName() == "bigCode"
    next_(qtbot, w)  # "Xong"
    assert w.flow is None


def test_a_wrong_answer_is_shown_and_blocks_next(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    flow = open_copy_request(qtbot, w)
    next_(qtbot, w)  # empty name
    assert flow.current_question().path == "requester.full_name"
    assert flow.error_label.isVisible() and flow.error_label.text()
    type_text(line_of(flow.editor), NAME)
    next_(qtbot, w)
    type_text(line_of(flow.editor), "12345")  # not 9 or 12 digits
    next_(qtbot, w)
    assert flow.current_question().path == "requester.id_number"
    assert flow.error_label.isVisible()
    tap(qtbot, w.back_button)  # back keeps what was typed
    assert line_of(flow.editor).text() == NAME
    press_key(line_of(flow.editor), Qt.Key.Key_Return)  # the keyboard's ↵ answers too
    settle(w)
    assert flow.current_question().path == "requester.id_number"


def test_drafts_are_saved_then_deleted_on_start_over(
    qtbot: Any, make_window: Any, kiosk: Any
) -> None:
    w = make_window()
    flow = open_copy_request(qtbot, w)
    type_text(line_of(flow.editor), NAME)
    next_(qtbot, w)
    drafts = kiosk.intake.unfinished_drafts()
    assert len(drafts) == 1 and drafts[0]["channel"] == "kiosk"
    assert kiosk.intake.draft(drafts[0]["id"])["answers"]["requester"]["full_name"] == NAME
    tap(qtbot, w.restart_button)
    settle(w)
    assert kiosk.intake.unfinished_drafts() == []


def test_no_printer_shows_a_clear_message_and_the_code(
    qtbot: Any, make_window: Any, kiosk: Any
) -> None:
    w = make_window()
    w.fake_printer.fail = "Chưa có máy in mặc định."
    flow = answer_all(qtbot, w)
    next_(qtbot, w)
    settle(w)
    assert flow.page == "done"
    assert "Chưa có máy in mặc định." in flow.print_label.text()
    assert flow.print_label.objectName() == "errorText"
    assert flow.code in [lab.text() for lab in flow.body.findChildren(type(flow.print_label))]


def test_choices_are_big_buttons_and_long_lists_filter(qtbot: Any, make_window: Any) -> None:
    """A birth registration: sex as buttons, ethnic group as a filtered list."""
    from kiosk_app.ui.kiosk.questions import ListChoiceEditor

    w = make_window()
    tap(qtbot, w.welcome.tiles["submit"])
    tap(qtbot, w.flow.list.buttons["1.001193"])
    flow = w.flow
    seen = {}
    for _ in range(40):
        q = flow.current_question()
        if q is None:
            break
        if q.path == "child_sex":
            assert isinstance(flow.editor, ButtonChoiceEditor)
            seen["sex"] = True
        if q.path == "child_ethnicity":
            assert isinstance(flow.editor, ListChoiceEditor)
            type_text(flow.editor.filter, "mường")
            shown = [
                flow.editor.list.item(i).text()
                for i in range(flow.editor.list.count())
                if not flow.editor.list.item(i).isHidden()
            ]
            assert shown == ["Mường"]
            seen["ethnicity"] = True
            break
        flow.editor.set_value(_example(flow, q))
        next_(qtbot, w)
    assert seen == {"sex": True, "ethnicity": True}


def _example(flow: Any, q: Any) -> Any:
    from kiosk_app.ui.kiosk.questions import get_value

    return get_value(flow.form.example_answers(), q)


def test_cccd_scan_fills_the_person(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    flow = open_copy_request(qtbot, w)
    flow.apply_scan(f"{CCCD}|012345678|{NAME}|15051990|Nữ|Xã Nam Đông, Huế|01022021")
    assert line_of(flow.editor).text() == NAME
    next_(qtbot, w)
    assert line_of(flow.editor).text() == CCCD


def test_cccd_scan_through_the_keyboard_wedge(qtbot: Any, make_window: Any) -> None:
    """The scanner types the chip card's QR and Enter into the focused box: the person fills
    in, and nothing of the QR text lands in the box."""
    w = make_window(scanner=True)
    flow = open_copy_request(qtbot, w)
    assert w.scanner.enabled  # a person's question
    box = line_of(flow.editor)
    type_text(box, f"{CCCD}|012345678|Pham Van Binh|15051990|Nam|Xa Nam Dong, Hue|01022021")
    press_key(box, Qt.Key.Key_Return)
    settle(w)
    assert flow.current_question().path == "requester.full_name"
    assert line_of(flow.editor).text() == "Pham Van Binh"
    next_(qtbot, w)
    assert line_of(flow.editor).text() == CCCD
    tap(qtbot, w.restart_button)
    assert not w.scanner.enabled  # off again on the welcome screen
