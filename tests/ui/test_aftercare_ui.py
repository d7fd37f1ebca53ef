"""The lifecycle at the desk (issue 8) through the real widgets: request and take a supplement,
apologise with a new appointment, hand the result over, withdraw, refuse — each dialog driven
by clicks and typing, its refusals shown inline, the slips rendered (pdftotext) and printed
(private CUPS queue), the roles enforced, and the start screen's lists."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QDialog

from kiosk_app.core.aftercare import Aftercare
from kiosk_app.core.dossier import DONE, RETURNED
from kiosk_app.core.intake import VN_TZ
from kiosk_app.ui.clerk.dossier_desk import DossierDesk
from kiosk_app.ui.clerk.start_screen import StartScreen
from tests.ui.keys import type_text

MARITAL = "1.004873"  # xác nhận tình trạng hôn nhân: 3 working days
BIRTH = "1.001193"


def _at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=VN_TZ)


def _submit(kiosk, code: str, when: datetime, name: str = "Lê Thị Đào", **kw):
    kiosk.intake.clock.now = when
    ex = kiosk.catalog.get(code).example_submission()
    for key in ("requester", "applicant", "signer"):
        if isinstance(ex["answers"].get(key), dict) and "full_name" in ex["answers"][key]:
            ex["answers"][key]["full_name"] = name
    return kiosk.intake.submit(code, ex["answers"], ex["documents"], actor="c1", **kw)


def _page(qtbot, kiosk, runner, session, code: str):
    desk = DossierDesk(kiosk, runner, session=session)
    qtbot.addWidget(desk)
    desk.show()
    desk.page.cameras = []  # no camera probing in tests
    desk.open_dossier(code)
    qtbot.waitUntil(lambda: desk.page.view is not None)
    return desk, desk.page


def _open(qtbot, page, event: str):
    page.dialog = None
    page.action_buttons[event].click()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    return page.dialog


def _confirm(qtbot, dialog) -> None:
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)


def _status(kiosk, code: str) -> int:
    return kiosk.intake.lookup(code).dossier["status"]


def _slip_text(qtbot, page) -> str:
    slip = page.slip_dialog
    qtbot.waitUntil(lambda: slip.pdf_bytes is not None, timeout=15000)
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=slip.pdf_bytes, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def test_request_supplement_lists_papers_and_prints_mau02(
    qtbot, kiosk, runner, desk_session
) -> None:
    r = _submit(kiosk, MARITAL, _at(3))
    kiosk.intake.clock.now = _at(4)
    _desk, page = _page(qtbot, kiosk, runner, desk_session, r.code)
    dialog = _open(qtbot, page, "request_supplement")
    _confirm(qtbot, dialog)  # nothing asked for: refused inline, nothing stored
    assert dialog.isVisible() and "ít nhất một" in dialog.error.text()
    assert _status(kiosk, r.code) == 2
    type_text(dialog.item_edit, "Bản sao giấy chứng tử của vợ trước\n")  # Enter adds a line
    assert dialog.isVisible() and dialog.items.count() == 1
    type_text(dialog.item_edit, "Ảnh chụp sai kích thước")
    dialog.add_button.click()
    type_text(dialog.item_edit, "Giấy xác nhận cư trú")
    dialog.add_button.click()
    dialog.items.setCurrentRow(1)
    dialog.remove_button.click()
    type_text(dialog.reason, "Thiếu giấy tờ chứng minh đã ly hôn")
    assert dialog.missing() == ["Bản sao giấy chứng tử của vợ trước", "Giấy xác nhận cư trú"]
    _confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: page.view.dossier["status"] == 5)
    assert not dialog.isVisible()
    event = kiosk.intake.lookup(r.code).events[-1]
    assert event["kind"] == "request_supplement" and event["actor"] == "test.head"
    assert event["data"]["missing"] == dialog.outcome["missing"]
    timeline = page.timeline.toPlainText()
    assert "Cần bổ sung: Bản sao giấy chứng tử của vợ trước; Giấy xác nhận cư trú" in timeline
    assert "Lý do: Thiếu giấy tờ chứng minh đã ly hôn" in timeline
    text = _slip_text(qtbot, page)
    assert "YÊU CẦU BỔ SUNG" in text.upper() and r.code in text
    assert "1. Bản sao giấy chứng tử của vợ trước" in text
    assert "2. Giấy xác nhận cư trú" in text and "Ảnh chụp" not in text
    assert set(page.action_buttons) == {"supplement", "withdraw"}


def test_receive_supplement_takes_papers_and_scans_then_shows_new_date(
    qtbot, kiosk, runner, desk_session, tmp_path: Path
) -> None:
    r = _submit(kiosk, MARITAL, _at(3))  # due Thursday 6/3
    kiosk.intake.clock.now = _at(4)
    Aftercare(kiosk.intake).request_supplement(r.code, ["Giấy chứng tử"], actor="c1")
    kiosk.intake.clock.now = _at(6)  # two working days later
    _desk, page = _page(qtbot, kiosk, runner, desk_session, r.code)
    dialog = _open(qtbot, page, "supplement")
    assert dialog.table.item(0, 0).text() == "Giấy chứng tử"  # what was asked, pre-filled
    dialog.table.item(0, 0).setText("")
    _confirm(qtbot, dialog)
    assert dialog.isVisible() and "Cần ghi các giấy tờ" in dialog.error.text()
    dialog.table.item(0, 0).setText("Bản sao giấy chứng tử")
    form = dialog.table.cellWidget(0, 1)
    form.setCurrentIndex(form.findData("certified_copy"))
    dialog.add_button.click()
    dialog.table.item(1, 0).setText("Đơn đề nghị (bản khai lại)")
    dialog.table.cellWidget(1, 2).setValue(2)
    scan = tmp_path / "chung-tu.pdf"
    scan.write_bytes(b"%PDF-1.4 scan of the death certificate")
    dialog.scans.add_file(scan)
    qtbot.waitUntil(lambda: bool(dialog.scans.files) and not dialog.scans.pending)
    type_text(dialog.note, "Công dân nộp trực tiếp")
    _confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.new_date.isVisible())
    assert "10/03/2025" in dialog.new_date.text()  # Thursday + 2 working days paused = Monday
    assert not dialog.ok_button.isVisible()
    dialog.cancel_button.click()  # now "Đóng"
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: page.view.dossier["status"] == 4)
    view = kiosk.intake.lookup(r.code)
    assert [d["name"] for d in view.documents[-2:]] == [
        "Bản sao giấy chứng tử",
        "Đơn đề nghị (bản khai lại)",
    ]
    assert view.documents[-1]["count"] == 2
    assert "chung-tu.pdf" in {a["name"] for a in view.attachments}
    timeline = page.timeline.toPlainText()
    assert "Đã nhận: Bản sao giấy chứng tử (bản sao chứng thực × 1)" in timeline
    assert "→ 17:00 10/03/2025" in timeline and "Công dân nộp trực tiếp" in timeline
    assert page.slip_dialog is None  # no slip for taking a supplement


def test_apology_defaults_to_next_working_day_and_prints_the_slip(
    qtbot, kiosk, runner, desk_session
) -> None:
    r = _submit(kiosk, MARITAL, _at(3))  # due Thursday 6/3
    kiosk.intake.clock.now = _at(5)
    _desk, page = _page(qtbot, kiosk, runner, desk_session, r.code)
    assert "apology" not in page.action_buttons  # not yet due: no apology offered
    kiosk.intake.clock.now = _at(7, 10)  # Friday: late
    page.load(r.code, opened=False)
    qtbot.waitUntil(lambda: "apology" in page.action_buttons)
    dialog = _open(qtbot, page, "apology")
    assert dialog.chosen() == _at(10, 17)  # Monday, the office's return time
    _confirm(qtbot, dialog)
    assert "lý do" in dialog.error.text()
    type_text(dialog.reason, "Cần xác minh thêm tại xã nơi cư trú trước")
    dialog.when.setDateTime(QDateTime(2025, 3, 7, 8, 0, 0))  # before now
    _confirm(qtbot, dialog)
    assert dialog.isVisible() and "phải sau" in dialog.error.text()
    assert "xác minh" in dialog.reason.toPlainText()  # nothing typed was lost
    dialog.when.setDateTime(QDateTime(2025, 3, 11, 16, 0, 0))
    _confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    d = kiosk.intake.lookup(r.code)
    assert d.dossier["appointment_at"] == _at(11, 16).isoformat()
    assert d.events[-1]["kind"] == "apology"
    qtbot.waitUntil(lambda: "Xin lỗi, hẹn lại" in page.timeline.toPlainText())
    timeline = page.timeline.toPlainText()
    assert "Lý do: Cần xác minh thêm tại xã nơi cư trú trước" in timeline
    assert "Hẹn trả: 17:00 06/03/2025 → 16:00 11/03/2025" in timeline
    text = _slip_text(qtbot, page)
    assert "XIN LỖI" in text.upper() and "Cần xác minh thêm" in text
    # the missed appointment, then the new one (the stored dossier holds only the new one)
    assert re.search(r"hồ sơ: 17 giờ 00 phút, ngày 0?6 tháng 0?3 năm 2025", text), text
    assert re.search(r"vào: 16 giờ 00 phút, ngày 11 tháng 0?3 năm 2025", text), text


def test_hand_over_list_and_dialog(qtbot, kiosk, runner, desk_session, tmp_path: Path) -> None:
    r = _submit(kiosk, BIRTH, _at(3), name="Nguyễn Văn An")
    other = _submit(kiosk, BIRTH, _at(4), name="Trần Thị Bình")
    start = StartScreen(kiosk, runner)
    qtbot.addWidget(start)
    start.reload()
    qtbot.waitUntil(lambda: start.loaded)
    assert "(0)" in start.ready_title.text()
    # the province says the result is ready (as sync applies it): the list shows it
    kiosk.intake.clock.now = _at(5, 14)
    kiosk.intake.transition(r.code, DONE, actor="province", origin="province")
    start.loaded = False
    start.sync_reported(type("Report", (), {"statuses_applied": 1})(), None)
    qtbot.waitUntil(lambda: start.loaded)
    assert start.ready_title.text().endswith("(1)")
    item = start.ready.item(0)
    assert r.code in item.text() and "Nguyễn Văn An" in item.text()
    assert other.code not in item.text()
    chosen = []
    start.dossier_chosen.connect(chosen.append)
    start.ready.itemActivated.emit(item)
    assert chosen == [r.code]

    _desk, page = _page(qtbot, kiosk, runner, desk_session, r.code)
    dialog = _open(qtbot, page, "hand_over")
    assert dialog.name.text() == "Nguyễn Văn An"  # the applicant by default
    dialog.name.clear()
    type_text(dialog.name, "Nguyễn Thị Mai")
    type_text(dialog.id_number, "12ab")
    _confirm(qtbot, dialog)
    assert dialog.isVisible() and "9 hoặc 12" in dialog.error.text()
    assert dialog.name.text() == "Nguyễn Thị Mai"
    dialog.id_number.clear()
    type_text(dialog.id_number, "001190054321")
    dialog.relation.setCurrentText("")
    type_text(dialog.relation.lineEdit(), "mẹ")
    result = tmp_path / "giay-khai-sinh.pdf"
    result.write_bytes(b"%PDF-1.4 the signed birth certificate")
    dialog.scan.add_file(result)
    qtbot.waitUntil(lambda: bool(dialog.scan.files))
    _confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: page.view.dossier["status"] == RETURNED)
    ev = kiosk.intake.lookup(r.code).events[-1]
    assert ev["data"]["collected_by"] == {
        "name": "Nguyễn Thị Mai",
        "id_number": "001190054321",
        "relation": "mẹ",
    }
    assert ev["data"]["result_attachment"] == dialog.scan.files[0]["sha256"]
    timeline = page.timeline.toPlainText()
    assert "Người nhận: Nguyễn Thị Mai (mẹ) · CCCD 001190054321" in timeline
    assert "Có bản scan kết quả" in timeline
    start.loaded = False
    start.reload()
    qtbot.waitUntil(lambda: start.loaded)
    assert start.ready_title.text().endswith("(0)")


def test_withdraw_needs_a_reason(qtbot, kiosk, runner, desk_session) -> None:
    r = _submit(kiosk, BIRTH, _at(3))
    _desk, page = _page(qtbot, kiosk, runner, desk_session, r.code)
    dialog = _open(qtbot, page, "withdraw")
    dialog.cancel_button.click()  # cancelled: nothing happens
    assert not dialog.isVisible() and _status(kiosk, r.code) == 2
    dialog = _open(qtbot, page, "withdraw")
    _confirm(qtbot, dialog)
    assert "lý do rút" in dialog.error.text() and _status(kiosk, r.code) == 2
    type_text(dialog.reason, "Công dân có đơn xin rút")
    _confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: page.view.dossier["status"] == 7)
    assert "Lý do: Công dân có đơn xin rút" in page.timeline.toPlainText()
    assert page.slip_dialog is None and page.action_buttons == {}


def test_a_clerk_cannot_refuse_a_head_can_and_the_slip_prints(
    qtbot, kiosk, runner, desk_login, cups_pdf_queue
) -> None:
    from kiosk_app.ui.clerk.aftercare_dialogs import ReasonDialog

    k = _submit(kiosk, BIRTH, _at(4), channel="kiosk")
    clerk = desk_login(kiosk, "clerk")
    _desk, page = _page(qtbot, kiosk, runner, clerk, k.code)
    assert set(page.action_buttons) == {"accept", "withdraw"}  # no refusal offered
    # even if a dialog were reached, the core refuses the clerk's session
    dialog = ReasonDialog(page.care, k.code, runner, clerk, "refuse", page)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.reason, "Giấy chứng sinh không hợp lệ")
    _confirm(qtbot, dialog)
    assert "không được phép từ chối" in dialog.error.text() and _status(kiosk, k.code) == 1

    head = desk_login(kiosk, "head")
    _desk, page = _page(qtbot, kiosk, runner, head, k.code)
    dialog = _open(qtbot, page, "refuse")
    _confirm(qtbot, dialog)
    assert "lý do từ chối" in dialog.error.text()
    type_text(dialog.reason, "Giấy chứng sinh không hợp lệ")
    _confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: page.view.dossier["status"] == 3)
    assert kiosk.intake.lookup(k.code).events[-1]["actor"] == "test.head"
    text = _slip_text(qtbot, page)
    assert "TỪ CHỐI" in text.upper() and "Giấy chứng sinh không hợp lệ" in text
    slip = page.slip_dialog
    assert slip.print_dialog(dialog=False, printer=cups_pdf_queue.queue)
    [out] = cups_pdf_queue.new_outputs(1)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert re.search(r"Pages:\s+1\n", info.stdout)
    assert "595 x 842 pts (A4)" in info.stdout  # one A4 page
    qtbot.waitUntil(
        lambda: (
            kiosk.store.query("SELECT actor, entity FROM audit WHERE action = 'slip.print'")
            == [{"actor": "test.head", "entity": k.code}]
        )
    )


def test_start_screen_due_soon_list(qtbot, kiosk, runner) -> None:
    late = _submit(kiosk, MARITAL, _at(3))  # due 6/3: overdue on 12/3
    soon = _submit(kiosk, MARITAL, _at(10))  # due Thursday 13/3: the next working day
    paused = _submit(kiosk, MARITAL, _at(11))  # due 14/3, but waiting for a supplement
    Aftercare(kiosk.intake).request_supplement(paused.code, ["Giấy chứng tử"], actor="c1")
    later = _submit(kiosk, MARITAL, _at(12))  # due 17/3: not listed
    kiosk.intake.clock.now = _at(12, 10)
    start = StartScreen(kiosk, runner)
    qtbot.addWidget(start)
    start.reload()
    qtbot.waitUntil(lambda: start.loaded)
    texts = [start.due.item(i).text() for i in range(start.due.count())]
    assert texts[0].startswith("QUÁ HẠN") and late.code in texts[0]
    assert texts[1].startswith("Sắp đến hạn") and soon.code in texts[1]
    assert not any(later.code in t or paused.code in t for t in texts)
    assert start.due_title.text() == "Sắp đến hạn / quá hạn (2)"


def test_refusal_issues_are_listed_under_the_message(qtbot, runner) -> None:
    from kiosk_app.core.intake import IntakeError
    from kiosk_app.ui.clerk.aftercare_base import AftercareDialog

    dialog = AftercareDialog("Thử", "Giới thiệu", runner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_error(
        IntakeError("Giấy tờ bổ sung chưa đúng", ["Tờ khai: số lượng phải là số nguyên dương"])
    )
    assert dialog.error.isVisible()
    text = dialog.error.text()
    assert "Giấy tờ bổ sung chưa đúng" in text and "<li>Tờ khai: số lượng" in text
