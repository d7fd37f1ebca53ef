"""The clerk's shell: start screen lists, shortcuts, the wizard's Esc guard, settings."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from kiosk_app.core.intake import VN_TZ
from kiosk_app.ui.clerk import shell as shell_mod
from kiosk_app.ui.clerk.settings_dialog import SettingsDialog
from kiosk_app.ui.clerk.shell import ClerkShell
from tests.ui.keys import type_text

BIRTH = "1.001193"


def _submit(kiosk, code: str, when: datetime):
    kiosk.intake.clock.now = when
    ex = kiosk.catalog.get(code).example_submission()
    return kiosk.intake.submit(code, ex["answers"], ex["documents"], actor="clerk")


@pytest.fixture
def window(qtbot, kiosk, runner, desk_session):
    w = ClerkShell(kiosk, runner, session=desk_session)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.start.loaded)
    return w


def _items(list_widget) -> list[str]:
    return [list_widget.item(i).text() for i in range(list_widget.count())]


def test_start_screen_lists_today_due_and_drafts(qtbot, kiosk, runner, desk_session) -> None:
    old = _submit(kiosk, BIRTH, datetime(2025, 2, 3, 9, 0, tzinfo=VN_TZ))
    today = _submit(kiosk, BIRTH, datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ))
    draft = kiosk.intake.start_draft("2.000884")
    w = ClerkShell(kiosk, runner, session=desk_session)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.start.loaded)
    start = w.start
    assert [t for t in _items(start.today) if today.code in t] and not [
        t for t in _items(start.today) if old.code in t
    ]
    assert any(old.code in t and "QUÁ HẠN" in t for t in _items(start.due))
    assert start.drafts.count() == 1 and "Chứng thực" in start.drafts.item(0).text()
    assert start.sync.level == "off" and "Chưa đăng ký đồng bộ" in start.sync.label.text()
    # activating a draft asks the shell to resume it
    got = []
    start.draft_chosen.connect(lambda d, p: got.append((d, p)))
    start._list_activated(start.drafts.item(0))
    assert got == [(draft, "2.000884")]
    # activating a dossier opens its page on the desk
    start._list_activated(start.today.item(0))
    assert w.current() is w.desk and w.desk.showing_dossier()
    qtbot.waitUntil(lambda: w.desk.page.view is not None)
    assert w.desk.page.title.text() == today.code


def test_catalogue_search_and_enter_chooses_procedure(window) -> None:
    start = window.start
    chosen = []
    start.procedure_chosen.connect(chosen.append)
    type_text(start.search, "khai sinh")
    assert start.visible_procedures() == ["1.001193"]
    type_text(start.search, "\n")
    assert chosen == ["1.001193"]
    start.search.clear()
    type_text(start.search, "dang ky ket hon")
    assert start.visible_procedures() and all(
        "kết hôn" in window.kiosk.catalog.get(c).name.vi.lower() for c in start.visible_procedures()
    )


def test_shortcuts_switch_screens(qtbot, window) -> None:
    window.activateWindow()
    qtbot.keyClick(window.start.search, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current() is window.desk
    qtbot.keyClick(window.desk.search, Qt.Key.Key_Escape)
    assert window.current() is window.start
    window.find()
    qtbot.keyClick(window.desk.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current() is window.start


class FakeWizard(QWidget):
    finished = Signal(str)
    cancelled = Signal()
    instances: list = []

    def __init__(
        self, kiosk, runner, procedure_code=None, draft_id=None, lang="vi", session=None
    ) -> None:
        super().__init__()
        self.args = (procedure_code, draft_id, lang)
        self.session = session
        self.unsaved = True
        self.printed = 0
        FakeWizard.instances.append(self)

    def has_unsaved(self) -> bool:
        return self.unsaved

    def print_current(self) -> None:
        self.printed += 1


def test_wizard_esc_asks_when_unsaved(monkeypatch, window) -> None:
    monkeypatch.setattr(shell_mod, "wizard_class", lambda: FakeWizard)
    asked = []
    answers = iter([False, True])
    window.confirm = lambda title, text: asked.append(title) or next(answers)
    window.start.procedure_chosen.emit(BIRTH)
    wiz = window.wizard
    assert isinstance(wiz, FakeWizard) and window.current() is wiz
    assert wiz.args == (BIRTH, None, "vi")
    window.print_current()
    assert wiz.printed == 1
    window.back()  # clerk says "stay"
    assert window.current() is wiz and len(asked) == 1
    window.back()  # clerk says "leave"
    assert window.current() is window.start and window.wizard is None and len(asked) == 2
    # nothing unsaved: no question; finishing returns to the start screen
    window.start.draft_chosen.emit("d-1", BIRTH)
    window.wizard.unsaved = False
    assert window.wizard.args == (BIRTH, "d-1", "vi")
    window.back()
    assert window.current() is window.start and len(asked) == 2
    window.open_wizard(BIRTH)
    window.wizard.finished.emit("000.00.06.H56-250312-1001")
    assert window.wizard is None and window.current() is window.start


def test_settings_dialog_saves_as_the_admin(qtbot, kiosk, runner, desk_login) -> None:
    admin = desk_login(kiosk, "admin")
    dialog = SettingsDialog(kiosk, runner, session=admin)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.agency_id.text() == "000.00.06.H56"
    assert dialog.commune_code.text() == "20179"
    dialog.commune_code.setText("99999")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled())
    assert dialog.saved is None
    assert not dialog.errors["commune_code"].isHidden()
    assert "99999" in dialog.errors["commune_code"].text()
    dialog.commune_code.setText("20179")
    dialog.hotline.setText("0235 3888 999")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saved is not None)
    assert dialog.saved["hotline"] == "0235 3888 999"
    from kiosk_app.core.desk import Desk

    assert Desk(kiosk.store, kiosk.intake).office_settings()["hotline"] == "0235 3888 999"
    entry = kiosk.store.query("SELECT actor, data FROM audit WHERE action = 'settings.change'")
    assert [e["actor"] for e in entry] == ["test.admin"] and "0235 3888 999" in entry[0]["data"]


def test_settings_are_not_for_a_head_of_office(monkeypatch, window) -> None:
    from kiosk_app.ui.clerk import settings_dialog

    opened = []
    monkeypatch.setattr(settings_dialog, "SettingsDialog", lambda *a, **k: opened.append(a))
    assert not window.start.settings_button.isVisible()
    window.open_settings()
    assert opened == [] and "quản trị" in window.statusBar().currentMessage()


def test_down_from_search_walks_into_the_catalogue(qtbot, window) -> None:
    start = window.start
    type_text(start.search, "ket hon")
    qtbot.keyClick(start.search, Qt.Key.Key_Down)
    assert start.tree.hasFocus()
    chosen = []
    start.procedure_chosen.connect(chosen.append)
    qtbot.keyClick(start.tree, Qt.Key.Key_Return)
    assert chosen and chosen[0] == start.tree.currentItem().data(0, Qt.ItemDataRole.UserRole)


def test_theme_is_loaded_with_its_folder() -> None:
    from kiosk_app.app import stylesheet
    from kiosk_app.resources import resource_path

    qss = stylesheet()
    assert "#header" in qss and "@THEME@" not in qss
    assert (resource_path("theme", "arrow-down.svg").as_posix() + ")") in qss


def test_kiosk_dossiers_wait_on_the_start_screen_until_received(
    qtbot, kiosk, runner, desk_session
) -> None:
    ex = kiosk.catalog.get(BIRTH).example_submission()
    sub = kiosk.intake.submit(BIRTH, ex["answers"], ex["documents"], channel="kiosk")
    w = ClerkShell(kiosk, runner, session=desk_session)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.start.loaded)
    listed = [t for t in _items(w.start.from_kiosk) if sub.code in t]
    assert listed and "(1)" in w.start.kiosk_title.text()
    opened = []
    w.start.dossier_chosen.connect(opened.append)
    w.start._list_activated(w.start.from_kiosk.item(0))
    assert opened == [sub.code]
    kiosk.intake.transition(sub.code, 2, actor="clerk")  # the clerk checked the papers
    w.start.loaded = False
    w.start.reload()
    qtbot.waitUntil(lambda: w.start.loaded)
    assert not [t for t in _items(w.start.from_kiosk) if sub.code in t]


def test_settings_offer_the_systems_printers(qtbot, kiosk, runner, cups_pdf_queue) -> None:
    dialog = SettingsDialog(kiosk, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    names = [dialog.printer.itemData(i) for i in range(dialog.printer.count())]
    assert "" in names and cups_pdf_queue.queue in names  # the default, and CUPS's queues
    dialog.printer.setCurrentIndex(names.index(cups_pdf_queue.queue))
    assert dialog.current()["printer_name"] == cups_pdf_queue.queue
    dialog.printer.setEditText("May-in-chua-cam")  # a printer not connected yet
    assert dialog.current()["printer_name"] == "May-in-chua-cam"
