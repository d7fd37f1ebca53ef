"""First run on a PC never set up: the administrator through the gate, then the office set-up
wizard (office, printer, enrolment) — wrong answers shown beside their boxes, the office kept
when only the link is down, and the new office used at once (no restart)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from kiosk_app.core.intake import VN_TZ
from kiosk_app.ui.clerk.gate import FIRST_RUN
from kiosk_app.ui.clerk.setup_wizard import SetupWizard
from kiosk_app.ui.clerk.shell import ClerkShell
from tests.conftest import FakeClock
from tests.ui.conftest import fast_accounts
from tests.ui.keys import type_text


@pytest.fixture
def fresh(tmp_path: Path):
    """A data folder never set up: the demo office."""
    from kiosk_app.bootstrap import open_kiosk

    k = open_kiosk(tmp_path / "fresh")
    k.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))
    yield k
    k.close()


def _first_run(qtbot, kiosk, runner) -> tuple[ClerkShell, SetupWizard]:
    w = ClerkShell(kiosk, runner, accounts=fast_accounts(kiosk))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.gate.mode == FIRST_RUN)
    assert not w.demo_label.isHidden()
    gate = w.gate
    type_text(gate.new_username, "quantri")
    type_text(gate.new_name, "Lê Thị Quản Trị")
    type_text(gate.new_password, "mật khẩu quản trị")
    type_text(gate.new_password2, "mật khẩu quản trị")
    qtbot.mouseClick(gate.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.session is not None, timeout=10_000)
    wizard = w.findChild(SetupWizard)
    assert wizard is not None and wizard.isVisible()  # the set-up follows the administrator
    return w, wizard


def _finish(qtbot, wizard: SetupWizard) -> None:
    while wizard.currentId() != 2:
        wizard.next()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    wizard.runner.wait_idle(20_000)


def test_first_run_sets_up_the_office_and_uses_it_at_once(qtbot, fresh, runner) -> None:
    w, wizard = _first_run(qtbot, fresh, runner)
    type_text(wizard.agency_id, "not an id")
    type_text(wizard.commune_code, "99999")
    type_text(wizard.agency_name, "UBND xã Hòa Bình")
    wizard.enrol_now.setChecked(False)
    _finish(qtbot, wizard)
    assert wizard.isVisible() and not wizard.finished_ok
    assert wizard.currentId() == 0  # back on the page with the wrong answers
    assert wizard.errors["office.agency_id"].isVisibleTo(wizard)
    assert "99999" in wizard.errors["office.commune_code"].text()
    assert fresh.office.demo  # nothing written
    wizard.agency_id.clear()
    type_text(wizard.agency_id, "000.00.07.H56")
    wizard.commune_code.clear()
    type_text(wizard.commune_code, "20179")
    wizard.device_slot.setValue(3)
    _finish(qtbot, wizard)
    assert wizard.finished_ok and not wizard.isVisible()
    assert w.demo_label.isHidden() and "000.00.07.H56" in w.office_label.text()
    assert fresh.office.agency_id == "000.00.07.H56" and fresh.office.device_slot == 3
    # the running desk issues the new office's codes without a restart
    ex = fresh.catalog.get("1.001193").example_submission()
    r = fresh.intake.submit("1.001193", ex["answers"], ex["documents"], actor="quantri")
    assert r.code.startswith("000.00.07.H56-250312-3")
    audit = fresh.store.query("SELECT actor, action FROM audit WHERE action = 'settings.setup'")
    assert [a["actor"] for a in audit] == ["quantri"]


def test_enrolment_failure_keeps_the_office_and_can_be_left_for_later(qtbot, fresh, runner):
    w, wizard = _first_run(qtbot, fresh, runner)
    type_text(wizard.agency_id, "000.00.07.H56")
    type_text(wizard.commune_code, "20179")
    type_text(wizard.agency_name, "UBND xã Hòa Bình")
    type_text(wizard.server_url, "http://127.0.0.1:9")  # nothing listens there
    type_text(wizard.enrol_code, "ABCD-EFGH")
    _finish(qtbot, wizard)
    assert wizard.isVisible() and "chưa kết nối được" in wizard.message.text()
    from kiosk_app.core.desk import Desk

    assert Desk(fresh.store, fresh.intake).office_settings()["agency_id"] == "000.00.07.H56"
    wizard.enrol_now.setChecked(False)
    _finish(qtbot, wizard)
    assert wizard.finished_ok and w.demo_label.isHidden()


def test_a_configured_pc_gets_no_set_up_wizard(qtbot, kiosk, runner) -> None:
    w = ClerkShell(kiosk, runner, accounts=fast_accounts(kiosk))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.gate.mode == FIRST_RUN)
    gate = w.gate
    type_text(gate.new_username, "quantri")
    type_text(gate.new_name, "Lê Thị Quản Trị")
    type_text(gate.new_password, "mật khẩu quản trị")
    type_text(gate.new_password2, "mật khẩu quản trị")
    qtbot.mouseClick(gate.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.session is not None, timeout=10_000)
    assert w.findChild(SetupWizard) is None
