"""The intake wizard driven through its real widgets: complete intakes ending in a stored dossier
whose answers equal what was typed, CCCD scan, returning applicant, draft recovery, blocking on
missing documents, and the receipt preview/print."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel

from kiosk_app.ui.clerk.wizard import APPLICANT, DOCUMENTS, FEE, REVIEW, IntakeWizard
from kiosk_app.ui.widgets.form_view import parse_path
from tests.ui.keys import press_key, type_text

QR = "079085123456|123456789|Phạm Thị Thu Hà|20081985|Nữ|Số 7, Lê Lợi, Huế|01022021"


# ---------------------------------------------------------------- helpers
def _open(qtbot: Any, kiosk: Any, runner: Any, *, owned: bool = True, **kw: Any) -> IntakeWizard:
    wiz = IntakeWizard(kiosk, runner, **kw)
    if owned:
        qtbot.addWidget(wiz)
    wiz.resize(1366, 768)
    wiz.show()

    # wait on the state, not the signal: under load ``ready`` can fire before a waitSignal
    # would be listening; generous for a loaded 2-core CI machine
    def opened() -> bool:
        return (bool(wiz.keys) and wiz.draft_id is not None) or bool(wiz.message.text())

    qtbot.waitUntil(opened, timeout=20000)
    assert wiz.keys and wiz.draft_id, wiz.message.text()
    return wiz


def _type(qtbot: Any, wiz: IntakeWizard, widget: Any, text: str) -> None:
    type_text(widget, text)
    # Digits typed fast on the applicant page are held by the scanner until its pause passes.
    qtbot.waitUntil(lambda: not wiz.scanner.holding, timeout=15000)


def _click(qtbot: Any, button: Any) -> None:
    # Near the left edge: a wide QCheckBox only reacts on its box and text, not the whole row.
    pos = QPoint(8, button.height() // 2)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=pos)


def _label(options: list, value: str) -> str:
    return next(o.label.vi for o in options if o.value == value)


def _fill(qtbot: Any, wiz: IntakeWizard, view: Any, path: str, field: Any, value: Any) -> None:
    """Enter a stored value the way a clerk would, through the editor for ``path``."""
    if field.type == "computed" or value is None:
        return
    ed = view.editor(path)
    t = field.type
    if t not in ("person", "repeat", "address") and ed.value() == value:
        return  # already shown (a default)
    if t == "person":
        for sub in field.fields:
            _fill(qtbot, wiz, view, f"{path}.{sub.id}", sub, value.get(sub.id))
    elif t == "repeat":
        for i, item in enumerate(value):
            if i >= len(ed.items):
                _click(qtbot, ed.add_button)
            for sub in field.fields:
                _fill(qtbot, wiz, view, f"{path}[{i}].{sub.id}", sub, item.get(sub.id))
    elif t == "address":
        for part in ("province", "commune"):
            choice = ed.province if part == "province" else ed.commune
            combo = getattr(choice, "combo", choice)
            _type(qtbot, wiz, combo.lineEdit(), _label(choice.options, value[part]))
        detail = ed.detail
        _type(qtbot, wiz, getattr(detail, "line", detail), value["detail"])
    elif t == "choice":
        combo = getattr(ed, "combo", ed)
        assert isinstance(combo, QComboBox)
        combo.lineEdit().clear()
        _type(qtbot, wiz, combo.lineEdit(), _label(ed.options, value))
    elif t == "boolean":
        check = getattr(ed, "check", None) or (ed if isinstance(ed, QCheckBox) else None)
        if check is not None:
            if check.isChecked() != bool(value):
                _click(qtbot, check)
            elif value is False:  # an untouched box is "unanswered": tick and untick
                _click(qtbot, check)
                _click(qtbot, check)
        else:
            _click(qtbot, ed.yes if value else ed.no)
    elif t == "date":
        y, m, d = value.split("-")
        _type(qtbot, wiz, ed.focus_widget(), f"{d}{m}{y}")
    else:
        target = ed.focus_widget() if hasattr(ed, "focus_widget") else ed
        _type(qtbot, wiz, target, str(value))


def _fill_section(qtbot: Any, wiz: IntakeWizard, section_id: str, answers: dict) -> None:
    view = wiz.views[section_id]
    for f in wiz.form.section(section_id).fields:
        if f.id in answers and wiz.form.is_relevant(f.id, wiz.answers):
            _fill(qtbot, wiz, view, f.id, f, answers[f.id])


def _fill_all_sections(qtbot: Any, wiz: IntakeWizard, answers: dict) -> None:
    """From the applicant page through every form section, pressing "Tiếp" after each."""
    assert wiz.current_key() == APPLICANT
    while True:
        key = wiz.current_key()
        sid = wiz._section_of_key(key) if key == APPLICANT or key.startswith("section:") else None
        if sid is None:
            return
        _fill_section(qtbot, wiz, sid, answers)
        _click(qtbot, wiz.next_button)
        assert wiz.current_key() != key, wiz.message.text()


def _tick_required_documents(qtbot: Any, wiz: IntakeWizard) -> None:
    page = wiz.documents_page
    for req in wiz.procedure.required_documents(wiz.answers):
        if not page.rows[req.id].check.isChecked():
            _click(qtbot, page.rows[req.id].check)


def _submit_and_wait(qtbot: Any, wiz: IntakeWizard) -> str:
    assert wiz.current_key() == REVIEW
    _click(qtbot, wiz.submit_button)
    qtbot.waitUntil(lambda: wiz.code is not None, timeout=15000)
    return wiz.code


def _expected(kiosk: Any, code: str, typed: dict) -> dict:
    form = kiosk.catalog.get(code).form
    return form.prune(form.compute(form.normalize(typed)))


def _example(kiosk: Any, code: str, **changes: Any) -> dict:
    answers = kiosk.catalog.get(code).example_submission()["answers"]
    answers.update(changes)
    return answers


# ---------------------------------------------------------------- complete intakes
def test_signature_certification_end_to_end(
    qtbot: Any, kiosk: Any, runner: Any, tmp_path: Path
) -> None:
    typed = _example(
        kiosk,
        "2.000884",
        requester={
            **_example(kiosk, "2.000884")["requester"],
            "full_name": "Lê Thị Hồng Nhung",
            "id_number": "046190001234",
        },
    )
    wiz = _open(qtbot, kiosk, runner, procedure_code="2.000884")
    _fill_all_sections(qtbot, wiz, typed)
    assert wiz.current_key() == DOCUMENTS
    _tick_required_documents(qtbot, wiz)
    _click(qtbot, wiz.next_button)
    assert wiz.current_key() == FEE, wiz.message.text()
    assert "10.000 đ" in wiz.fee_page.fee_label.text()
    _click(qtbot, wiz.fee_page.buttons["transfer"])
    _click(qtbot, wiz.fee_page.buttons["post"])
    _click(qtbot, wiz.next_button)
    assert wiz.current_key() == REVIEW
    review = wiz.review_page.text()
    assert "Lê Thị Hồng Nhung" in review and "Chuyển khoản" in review

    code = _submit_and_wait(qtbot, wiz)
    view = kiosk.intake.lookup(code)
    assert view.dossier["answers"] == _expected(kiosk, "2.000884", typed)
    assert view.dossier["applicant_name"] == "Lê Thị Hồng Nhung"
    assert view.dossier["delivery"] == "post"
    assert view.dossier["payment"] == {"method": "transfer", "amount": 10000}
    assert [d["id"] for d in view.documents] == ["van_ban_can_chung_thuc"]
    assert kiosk.intake.unfinished_drafts() == []

    # Receipt: preview from the stored dossier, printed twice to a PDF file.
    with qtbot.waitSignal(wiz.receipt.ready, timeout=15000, raising=False):
        pass
    qtbot.waitUntil(lambda: wiz.receipt.page_count > 0, timeout=15000)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printer.setCopyCount(2)
    pages = wiz.receipt.print_to(printer)
    assert pages == 2 * wiz.receipt.page_count
    assert out.stat().st_size > 1000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
        assert f"Pages:           {pages}" in info
    assert wiz.print_button.isVisible()
    with qtbot.waitSignal(wiz.finished, timeout=15000) as sig:
        _click(qtbot, wiz.done_button)
    assert sig.args == [code]
    assert not wiz.has_unsaved()


def test_certified_copy_with_repeat_rows(qtbot: Any, kiosk: Any, runner: Any) -> None:
    typed = _example(
        kiosk,
        "2.000815",
        requester={"full_name": "Hoàng Văn Đức", "id_number": "001090012345"},
        documents=[
            {"title": "Bằng tốt nghiệp THPT", "pages": 3, "copies": 2},
            {"title": "Giấy khai sinh", "pages": 1, "copies": 1},
        ],
    )
    typed.pop("total_fee", None)
    wiz = _open(qtbot, kiosk, runner, procedure_code="2.000815")
    _fill_all_sections(qtbot, wiz, typed)
    _tick_required_documents(qtbot, wiz)
    _click(qtbot, wiz.next_button)
    assert wiz.fee_page.fee == 12000  # (2000+2000+1000)×2 + 2000
    _click(qtbot, wiz.next_button)
    code = _submit_and_wait(qtbot, wiz)
    stored = kiosk.intake.lookup(code).dossier
    assert stored["answers"] == _expected(kiosk, "2.000815", typed)
    assert [d["title"] for d in stored["answers"]["documents"]] == [
        "Bằng tốt nghiệp THPT",
        "Giấy khai sinh",
    ]
    assert stored["fee"] == 12000


def test_birth_registration(qtbot: Any, kiosk: Any, runner: Any) -> None:
    typed = _example(kiosk, "1.001193", child_full_name="Nguyễn Ngọc Ánh")
    typed.pop("child_dob_words", None)
    wiz = _open(qtbot, kiosk, runner, procedure_code="1.001193")
    _fill_all_sections(qtbot, wiz, typed)
    assert wiz.current_key() == DOCUMENTS
    _tick_required_documents(qtbot, wiz)
    _click(qtbot, wiz.next_button)
    assert "Miễn phí" in wiz.fee_page.fee_label.text()
    _click(qtbot, wiz.next_button)
    code = _submit_and_wait(qtbot, wiz)
    stored = kiosk.intake.lookup(code).dossier
    assert stored["answers"] == _expected(kiosk, "1.001193", typed)
    assert stored["fee"] == 0


# ---------------------------------------------------------------- applicant step
def _scan(widget: Any, text: str) -> None:
    for ch in text + "\n":
        key, txt = (Qt.Key.Key_Return, "\r") if ch == "\n" else (Qt.Key.Key_unknown, ch)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(
                widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, txt)
            )


def test_cccd_scan_fills_the_requester(qtbot: Any, kiosk: Any, runner: Any) -> None:
    wiz = _open(qtbot, kiosk, runner, procedure_code="2.000884")
    name_box = wiz.views["requester"].editor("requester.full_name")
    _scan(wiz.applicant_page.id_edit, QR)
    qtbot.waitUntil(lambda: wiz.applicant_page.id_edit.text() == "079085123456", timeout=15000)
    assert name_box.value() == "Phạm Thị Thu Hà"
    person = wiz.answers["requester"]
    assert person["id_number"] == "079085123456"
    assert person["full_name"] == "Phạm Thị Thu Hà"
    assert "Phạm Thị Thu Hà" in wiz.applicant_page.scan_status.text()
    qtbot.waitUntil(lambda: not wiz.has_unsaved(), timeout=15000)
    assert kiosk.intake.draft(wiz.draft_id)["answers"]["requester"]["full_name"] == (
        "Phạm Thị Thu Hà"
    )
    _scan(wiz.applicant_page.id_edit, "079085123456|bad")
    qtbot.wait(80)
    assert "CCCD" in wiz.applicant_page.scan_status.text()  # a clear error, nothing changed
    assert wiz.answers["requester"]["full_name"] == "Phạm Thị Thu Hà"


def test_returning_applicant_is_offered_prefill(qtbot: Any, kiosk: Any, runner: Any) -> None:
    ex = kiosk.catalog.get("2.000884").example_submission()
    kiosk.intake.submit("2.000884", ex["answers"], ex["documents"])
    wiz = _open(qtbot, kiosk, runner, procedure_code="1.001193")
    _type(qtbot, wiz, wiz.applicant_page.id_edit, "001090012345\n")
    qtbot.waitUntil(lambda: wiz.applicant_page.offer.isVisibleTo(wiz), timeout=15000)
    assert "Nguyễn Văn An" in wiz.applicant_page.offer_label.text()
    _click(qtbot, wiz.applicant_page.offer_button)
    assert wiz.answers["requester"]["full_name"] == "Nguyễn Văn An"
    assert wiz.answers["requester"]["residence"]["detail"] == "Số 1, thôn Nam Đông"
    assert wiz.views["requester"].editor("requester.full_name").value() == "Nguyễn Văn An"


# ---------------------------------------------------------------- drafts and blocking
def test_draft_recovery_after_the_wizard_is_destroyed(qtbot: Any, kiosk: Any, runner: Any) -> None:
    typed = _example(kiosk, "2.000884")
    wiz = _open(qtbot, kiosk, runner, owned=False, procedure_code="2.000884")
    _fill_section(qtbot, wiz, "requester", typed)
    _click(qtbot, wiz.next_button)
    page = wiz.current_key()
    view = wiz.views["documents"]
    _type(qtbot, wiz, view.editor("documents[0].title").focus_widget(), "Hợp đồng thuê nhà")
    assert wiz.has_unsaved()
    qtbot.waitUntil(lambda: not wiz.has_unsaved(), timeout=15000)
    draft_id, answers = wiz.draft_id, dict(wiz.answers)
    wiz.close()
    wiz.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(wiz), timeout=15000)

    again = _open(qtbot, kiosk, runner, draft_id=draft_id)
    assert again.current_key() == page
    assert again.answers["requester"] == answers["requester"]
    assert again.answers["documents"][0]["title"] == "Hợp đồng thuê nhà"
    assert again.views["documents"].editor("documents[0].title").value() == "Hợp đồng thuê nhà"
    assert again.views["requester"].editor("requester.full_name").value() == "Nguyễn Văn An"
    assert again.applicant_page.id_edit.text() == "001090012345"


def test_missing_required_documents_block(qtbot: Any, kiosk: Any, runner: Any) -> None:
    wiz = _open(qtbot, kiosk, runner, procedure_code="2.000884")
    _fill_all_sections(qtbot, wiz, _example(kiosk, "2.000884"))
    assert wiz.current_key() == DOCUMENTS
    assert wiz.go_next() is False
    assert wiz.current_key() == DOCUMENTS
    problem = wiz.documents_page.problem.text()
    assert "Còn thiếu giấy tờ bắt buộc" in problem
    assert "Giấy tờ, văn bản sẽ ký" in problem
    # the bar points to the page's list instead of repeating it
    assert "giấy tờ bắt buộc chưa đánh dấu" in wiz.message.text()
    assert "Giấy tờ, văn bản sẽ ký" not in wiz.message.text()
    _tick_required_documents(qtbot, wiz)
    assert wiz.message.text() == ""  # ticking a line clears the now stale list
    assert wiz.go_next() is True
    assert wiz.current_key() == FEE


def test_review_edit_jumps_back_and_attachment_is_kept(
    qtbot: Any, kiosk: Any, runner: Any, tmp_path: Path
) -> None:
    wiz = _open(qtbot, kiosk, runner, procedure_code="2.000884")
    _fill_all_sections(qtbot, wiz, _example(kiosk, "2.000884"))
    scan = tmp_path / "van_ban.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned page")
    got: list[dict] = []
    wiz.documents_page.attach_file("van_ban_can_chung_thuc", scan, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=15000)
    _tick_required_documents(qtbot, wiz)
    _click(qtbot, wiz.next_button)
    _click(qtbot, wiz.next_button)
    assert wiz.current_key() == REVIEW
    _click(qtbot, wiz.review_page.edit_buttons[APPLICANT])
    assert wiz.current_key() == APPLICANT
    wiz.edit_step(REVIEW)
    code = _submit_and_wait(qtbot, wiz)
    view = kiosk.intake.lookup(code)
    assert [a["name"] for a in view.attachments] == ["van_ban.pdf"]


@pytest.mark.parametrize("code", ["2.000884"])
def test_cancel_keeps_the_draft(qtbot: Any, kiosk: Any, runner: Any, code: str) -> None:
    wiz = _open(qtbot, kiosk, runner, procedure_code=code)
    name = wiz.views["requester"].editor("requester.full_name").focus_widget()
    _type(qtbot, wiz, name, "Đỗ Văn Bình")
    with qtbot.waitSignal(wiz.cancelled, timeout=15000):
        _click(qtbot, wiz.cancel_button)
    qtbot.waitUntil(lambda: not wiz.has_unsaved(), timeout=15000)
    assert [d["id"] for d in kiosk.intake.unfinished_drafts()] == [wiz.draft_id]
    assert kiosk.intake.draft(wiz.draft_id)["answers"]["requester"]["full_name"] == "Đỗ Văn Bình"


def test_receipt_dialog_presets_the_print_dialog_and_marks_reprints(
    qtbot: Any, kiosk: Any, runner: Any, cups_pdf_queue: Any
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk_app.core.desk import PRINTER_SETTING, Desk
    from kiosk_app.ui.clerk import receipt_view

    ex = kiosk.catalog.get("2.000884").example_submission()
    code = kiosk.intake.submit("2.000884", ex["answers"], ex["documents"]).code
    desk = Desk(kiosk.store, kiosk.intake)
    desk.save_office_settings(desk.office_settings() | {PRINTER_SETTING: cups_pdf_queue.queue})
    dlg = receipt_view.show_receipt(None, kiosk, code, reprint=True, runner=runner)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.page_count > 0, timeout=15000)
    assert dlg.print_button.isEnabled()
    assert dlg.fmt == "a4" and dlg.page_count == 2  # Liên 1 and Liên 2: one print, two copies
    seen: list[tuple[int, str]] = []

    def answer(accept: bool) -> None:
        box = QApplication.activeModalWidget()
        printer = box.printer()
        seen.append((printer.copyCount(), printer.printerName()))
        if accept:
            printer.setPrinterName(cups_pdf_queue.queue)
            box.accept()
        else:
            box.reject()

    before = cups_pdf_queue.outputs()
    QTimer.singleShot(200, lambda: answer(False))
    assert dlg.print_dialog() is False  # cancelled: nothing printed
    assert seen and seen[0] == (1, cups_pdf_queue.queue)  # the office's receipt printer
    assert cups_pdf_queue.pending_jobs() == [] and cups_pdf_queue.outputs() == before
    QTimer.singleShot(200, lambda: answer(True))
    assert dlg.print_dialog() is True
    (printed,) = cups_pdf_queue.new_outputs(1)
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True).stdout
    assert "Pages:           2" in info  # both liên, once
    assert "Đã gửi 2 trang" in dlg.status.text()
    dlg.set_format("80mm")
    qtbot.waitUntil(lambda: dlg.pdf_bytes is not None and dlg.page_count == 1, timeout=15000)
    bad = receipt_view.ReceiptDialog(kiosk, "000.00.06.H56-250312-9999")
    qtbot.addWidget(bad)
    assert bad.page_count == 0
    assert "Không tìm thấy hồ sơ" in bad.status.text()


def test_bad_input_shows_vietnamese_messages_beside_fields(
    qtbot: Any, kiosk: Any, runner: Any
) -> None:
    wiz = _open(qtbot, kiosk, runner, procedure_code="2.000884")
    view = wiz.views["requester"]
    _type(qtbot, wiz, view.editor("requester.full_name").focus_widget(), "Nguyễn Văn An")
    _type(qtbot, wiz, view.editor("requester.id_number").focus_widget(), "12345")
    _type(qtbot, wiz, view.editor("requester.date_of_birth").focus_widget(), "31022090")
    _type(qtbot, wiz, view.editor("requester_phone").focus_widget(), "12ab")
    assert wiz.go_next() is False
    assert wiz.current_key() == APPLICANT
    assert "lỗi" in wiz.message.text()
    shown = " ".join(lbl.text() for lbl in view.findChildren(QLabel) if lbl.isVisible())
    assert "12 chữ số" in shown  # the ID number rule
    assert "Ngày không hợp lệ" in shown
    assert "Số điện thoại không hợp lệ" in shown
    # corrected input clears the messages and the wizard moves on; nothing typed was lost
    for path, text in (
        ("requester.id_number", "001090012345"),
        ("requester.date_of_birth", "15051990"),
        ("requester_phone", "0912345678"),
    ):
        target = view.editor(path).focus_widget()
        target.clear()
        _type(qtbot, wiz, target, text)
    # the requester's residence is mandatory on this form: its row carries the mark and says so
    assert wiz.go_next() is False
    residence, _rest = view.find_row(parse_path("requester.residence"))
    assert "*" in residence.label.text()
    assert "Bắt buộc" in residence.message.text() or "bắt buộc" in residence.message.text()
    field = wiz.form.field("requester").child("residence")
    where = _example(kiosk, "2.000884")["requester"]["residence"]
    _fill(qtbot, wiz, view, "requester.residence", field, where)
    assert wiz.go_next() is True, wiz.message.text()
    assert wiz.answers["requester"]["full_name"] == "Nguyễn Văn An"
    assert wiz.answers["requester"]["date_of_birth"] == "1990-05-15"
    assert wiz.answers["requester_phone"] == "0912345678"


def test_scan_works_again_after_the_shell_hid_and_showed_the_wizard(
    qtbot: Any, kiosk: Any, runner: Any
) -> None:
    wiz = _open(qtbot, kiosk, runner, procedure_code="2.000884")
    wiz.hide()  # the clerk looked at the dossier desk (Ctrl+F) and came back
    assert not wiz.scanner.enabled
    wiz.show()
    assert wiz.scanner.enabled
    _scan(wiz.applicant_page.id_edit, QR)
    qtbot.waitUntil(lambda: wiz.applicant_page.id_edit.text() == "079085123456", timeout=15000)
    assert wiz.answers["requester"]["full_name"] == "Phạm Thị Thu Hà"


def test_scan_on_the_mother_page_fills_the_mother(qtbot: Any, kiosk: Any, runner: Any) -> None:
    wiz = _open(qtbot, kiosk, runner, procedure_code="1.001193")
    typed = _example(kiosk, "1.001193")
    while wiz.current_key() != "section:mother":
        key = wiz.current_key()
        _fill_section(qtbot, wiz, wiz._section_of_key(key), typed)
        _click(qtbot, wiz.next_button)
        assert wiz.current_key() != key, wiz.message.text()
    requester = dict(wiz.answers["requester"])
    assert wiz.scanner.enabled
    _scan(wiz.views["mother"].editor("mother.full_name").focus_widget(), QR)
    qtbot.waitUntil(lambda: "mother" in wiz.answers, timeout=15000)
    mother = wiz.answers["mother"]
    assert mother["full_name"] == "Phạm Thị Thu Hà"
    assert mother["birth_year"] == 1985
    assert mother["id_number"] == "079085123456"
    assert "date_of_birth" not in mother  # the mother block asks only the birth year
    assert wiz.views["mother"].editor("mother.full_name").value() == "Phạm Thị Thu Hà"
    assert "Phạm Thị Thu Hà" in wiz.message.text()
    assert wiz.answers["requester"] == requester  # the applicant is left alone
    # the QR's pre-2025 address is kept as text; the clerk still picks the new units
    assert mother["residence"] == {"legacy": "Số 7, Lê Lợi, Huế"}
    assert wiz.go_next() is False
    # pages without a person let a scanner's keys through; person pages catch them
    wiz.edit_step("section:declaration")
    assert not wiz.scanner.enabled
    wiz.edit_step("section:father")
    assert wiz.scanner.enabled


def test_document_names_wrap_and_tick_their_box_on_click(
    qtbot: Any, kiosk: Any, runner: Any
) -> None:
    wiz = _open(qtbot, kiosk, runner, procedure_code="1.001193")
    row = next(iter(wiz.documents_page.rows.values()))
    assert row.name.wordWrap() and row.check.text() == ""
    assert row.check.accessibleName() == row.name.text()
    qtbot.mouseClick(row.name, Qt.MouseButton.LeftButton)
    assert row.check.isChecked()
    assert wiz.documents_page.documents()[0]["id"] == row.req.id


_KILLED_CHILD = """
import sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from kiosk_app.bootstrap import open_kiosk
from kiosk_app.ui.clerk.wizard import IntakeWizard
from kiosk_app.ui.tasks import TaskRunner
from tests.ui.keys import press_key, type_text

def until(cond):
    deadline = time.monotonic() + 10
    while not cond():
        assert time.monotonic() < deadline
        app.processEvents()
        time.sleep(0.01)

kiosk = open_kiosk(Path(sys.argv[1]))
wiz = IntakeWizard(kiosk, TaskRunner(), procedure_code="2.000884")
wiz.resize(1366, 768)
wiz.show()
until(lambda: wiz.draft_id is not None)
view = wiz.views["requester"]
type_text(view.editor("requester.full_name").focus_widget(), "Lê Thị Hồng Nhung")
type_text(view.editor("requester_phone").focus_widget(), "0987654321")
until(lambda: not wiz.scanner.holding and not wiz.has_unsaved())
print("SAVED", wiz.draft_id, flush=True)
time.sleep(120)
"""


def test_draft_survives_the_app_being_killed(
    qtbot: Any, kiosk: Any, runner: Any, tmp_path: Path
) -> None:
    script = tmp_path / "child.py"
    script.write_text(_KILLED_CHILD, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    child = subprocess.Popen(
        [sys.executable, str(script), str(kiosk.data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        env=env,
        text=True,
    )
    try:
        line = child.stdout.readline()
        assert line.startswith("SAVED "), line + child.stderr.read()
        draft_id = line.split()[1]
    finally:
        child.send_signal(signal.SIGKILL)  # a power cut: no clean shutdown of any kind
        child.wait(10)
    assert [d["id"] for d in kiosk.intake.unfinished_drafts()] == [draft_id]
    again = _open(qtbot, kiosk, runner, draft_id=draft_id)
    view = again.views["requester"]
    assert view.editor("requester.full_name").value() == "Lê Thị Hồng Nhung"
    assert view.editor("requester_phone").value() == "0987654321"
    assert again.answers["requester_phone"] == "0987654321"


def test_enter_on_the_last_field_then_enter_again_moves_on(
    qtbot: Any, kiosk: Any, runner: Any
) -> None:
    wiz = _open(qtbot, kiosk, runner, procedure_code="2.000884")
    _fill_section(qtbot, wiz, "requester", _example(kiosk, "2.000884"))
    last = wiz.views["requester"].editor("requester_phone").focus_widget()
    last.setFocus()
    press_key(last, Qt.Key.Key_Return)
    assert wiz.focusWidget() is wiz.next_button  # not "Hủy", which the focus chain reaches
    press_key(wiz.next_button, Qt.Key.Key_Return)
    assert wiz.current_key() == "section:documents"
