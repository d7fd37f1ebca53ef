"""Accounts at the desk, driven through the real widgets: first run, login, lockout, the
desk's auto-lock keeping typed data, switching user, role gating, the accounts screen, and
the audit trail all of it leaves."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt

from kiosk_app.core.accounts import AccountLocked
from kiosk_app.store.audit_verify import verify
from kiosk_app.ui.clerk.gate import FIRST_RUN, LOCKED, LOGIN
from kiosk_app.ui.clerk.shell import ClerkShell
from tests.ui.conftest import TEST_PASSWORD, TEST_PIN, fast_accounts
from tests.ui.keys import type_text

CERT = "2.000884"


def _shell(qtbot: Any, kiosk: Any, runner: Any, **kw: Any) -> ClerkShell:
    w = ClerkShell(kiosk, runner, accounts=kw.pop("accounts", None) or fast_accounts(kiosk), **kw)
    qtbot.addWidget(w)
    w.show()
    return w


def _actions(kiosk: Any) -> list[tuple[str | None, str, str | None]]:
    rows = kiosk.store.query("SELECT actor, action, entity FROM audit ORDER BY n")
    return [(r["actor"], r["action"], r["entity"]) for r in rows]


def _login(qtbot: Any, w: ClerkShell, username: str, secret: str, pin: bool = False) -> None:
    gate = w.gate
    gate.username.clear()
    type_text(gate.username, username)
    if pin:
        gate.method.pin.setChecked(True)
    else:
        gate.method.password.setChecked(True)
    type_text(gate.secret, secret)
    qtbot.mouseClick(gate.login_button, Qt.MouseButton.LeftButton)
    w.runner.wait_idle(10000)


def test_first_run_creates_the_administrator_through_the_dialog(qtbot, kiosk, runner) -> None:
    w = _shell(qtbot, kiosk, runner)
    qtbot.waitUntil(lambda: w.gate.mode == FIRST_RUN)
    assert w.locked and w.session is None and w.gate.isVisible() and not w.body.isVisible()
    assert w.gate.title.text() == "Tạo tài khoản quản trị"
    gate = w.gate
    type_text(gate.new_username, "quantri")
    type_text(gate.new_name, "Lê Văn Quản")
    type_text(gate.new_password, "mật khẩu quản trị")
    type_text(gate.new_password2, "mật khẩu khác")
    qtbot.mouseClick(gate.create_button, Qt.MouseButton.LeftButton)
    assert "không giống" in gate.error.text() and w.session is None  # nothing sent
    gate.new_password2.clear()
    type_text(gate.new_password2, "mật khẩu quản trị")
    type_text(gate.new_pin, "1111")  # too short: refused by the core, fields kept
    qtbot.mouseClick(gate.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not gate.busy)
    assert "PIN" in gate.error.text() and gate.new_name.text() == "Lê Văn Quản"
    assert not fast_accounts(kiosk).has_accounts()
    gate.new_pin.clear()
    qtbot.mouseClick(gate.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.session is not None, timeout=10000)
    assert w.session.username == "quantri" and w.session.role == "admin"
    assert not w.locked and w.body.isVisible()
    assert "Lê Văn Quản" in w.user_label.text() and "Quản trị" in w.user_label.text()
    assert w.accounts_button.isVisible() and w.start.settings_button.isVisible()
    row = kiosk.store.query("SELECT display_name, password_hash FROM accounts")[0]
    assert row["display_name"] == "Lê Văn Quản" and row["password_hash"].startswith("$argon2id$")
    assert ("quantri", "account.create", "quantri") in _actions(kiosk)
    # an administrator does not take or look up dossiers: hidden, and refused with a reason
    assert not w.start.tree.isEnabled() and not w.start.find_button.isVisible()
    assert not w.start.today.isVisible()
    assert not w.open_wizard(CERT)
    assert "không tiếp nhận" in w.statusBar().currentMessage()
    w.find()
    assert w.current() is w.start and "không xem" in w.statusBar().currentMessage()


def test_login_wrong_lockout_unlock_by_admin(qtbot, kiosk, runner, desk_login) -> None:
    desk_login(kiosk, "clerk")
    w = _shell(qtbot, kiosk, runner)
    qtbot.waitUntil(lambda: w.gate.mode == LOGIN)
    _login(qtbot, w, "test.clerk", "sai mật khẩu")
    assert w.session is None and "Sai tên đăng nhập" in w.gate.error.text()
    assert w.gate.secret.text() == "" and w.gate.username.text() == "test.clerk"
    for _ in range(4):
        _login(qtbot, w, "test.clerk", "sai mật khẩu")
    assert "tạm khóa" in w.gate.error.text()
    _login(qtbot, w, "test.clerk", TEST_PASSWORD)  # right, but locked
    assert w.session is None and "tạm khóa" in w.gate.error.text()
    # a new window (a restart) over the same store: still locked
    again = _shell(qtbot, kiosk, runner)
    qtbot.waitUntil(lambda: again.gate.mode == LOGIN)
    _login(qtbot, again, "test.clerk", TEST_PIN, pin=True)
    assert again.session is None and "tạm khóa" in again.gate.error.text()
    with pytest.raises(AccountLocked):
        fast_accounts(kiosk).login("test.clerk", TEST_PASSWORD)
    # the administrator lifts it on the accounts screen
    _login(qtbot, again, "test.admin", TEST_PASSWORD)
    assert again.session.username == "test.admin"
    dialog = again.open_accounts()
    qtbot.waitUntil(lambda: dialog.loaded)
    states = {i.username: dialog.table.item(r, 3).text() for r, i in enumerate(dialog.infos)}
    assert states["test.clerk"].startswith("Tạm khóa")
    dialog.select("test.clerk")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.message.text() == "Đã lưu.", timeout=10000)
    assert dialog.table.item(dialog.table.currentRow(), 3).text() == "Đang dùng"
    dialog.close()
    _login(qtbot, w, "test.clerk", TEST_PIN, pin=True)
    assert w.session.username == "test.clerk" and w.session.role == "clerk"
    acts = _actions(kiosk)
    assert (None, "auth.lockout", "test.clerk") in acts
    assert ("test.admin", "account.unlock", "test.clerk") in acts
    assert ("test.clerk", "auth.login", "test.clerk") in acts
    assert (
        sum(a == (None, "auth.login_failed", "test.clerk") for a in acts) == 8
    )  # 5 wrong + 3 while locked
    # the command-line check of the whole chain agrees (a separate process, read-only)
    r = subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli_trust", "audit", "verify", "--json",
         "--data-dir", str(kiosk.data_dir)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["entries"] == len(acts)


def _typed_wizard(qtbot: Any, w: ClerkShell) -> Any:
    assert w.open_wizard(CERT)
    wiz = w.wizard
    qtbot.waitUntil(lambda: bool(wiz.keys) and wiz.draft_id is not None, timeout=20000)
    editor = wiz.views["requester"].editor("requester.full_name").focus_widget()
    type_text(editor, "Nguyễn Văn Ấn")
    return wiz, editor


def test_idle_lock_keeps_the_typed_wizard_and_unlocks_for_the_same_person(
    qtbot, kiosk, runner, desk_session
) -> None:
    w = _shell(qtbot, kiosk, runner, session=desk_session)
    wiz, editor = _typed_wizard(qtbot, w)
    assert w.idle.interval_ms == 10 * 60_000  # desk_lock_minutes' default
    w.idle.set_interval_ms(150)
    qtbot.waitUntil(lambda: w.locked, timeout=5000)
    assert w.gate.mode == LOCKED and not w.body.isVisible()
    assert "Cán Bộ Thử head" in w.gate.subtitle.text()
    assert not any(s.isEnabled() for s in w.shortcuts)  # Ctrl+N etc. do nothing while locked
    gate = w.gate
    type_text(gate.unlock_secret, "sai")
    qtbot.mouseClick(gate.unlock_button, Qt.MouseButton.LeftButton)
    w.runner.wait_idle(10000)
    assert w.locked and gate.error.text()
    gate.unlock_method.pin.setChecked(True)
    type_text(gate.unlock_secret, TEST_PIN)
    qtbot.mouseClick(gate.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.locked, timeout=10000)
    assert w.wizard is wiz and shiboken6.isValid(editor)
    assert editor.text() == "Nguyễn Văn Ấn" and w.current() is wiz
    assert w.session.username == "test.head"
    acts = _actions(kiosk)
    assert ("test.head", "desk.lock", "test.head") in acts
    assert ("test.head", "desk.unlock", "test.head") in acts
    # the lock has its own audit entry with the reason
    lock = kiosk.store.query("SELECT data FROM audit WHERE action = 'desk.lock'")
    assert json.loads(lock[0]["data"]) == {"reason": "idle"}


def test_switching_user_keeps_the_other_persons_draft(
    qtbot, kiosk, runner, desk_login, desk_session
) -> None:
    desk_login(kiosk, "clerk")
    w = _shell(qtbot, kiosk, runner, session=desk_session)
    wiz, _editor = _typed_wizard(qtbot, w)
    draft_id = wiz.draft_id
    w.lock("manual")
    qtbot.mouseClick(w.gate.switch_button, Qt.MouseButton.LeftButton)
    assert w.gate.mode == LOGIN
    _login(qtbot, w, "test.clerk", TEST_PASSWORD)
    qtbot.waitUntil(lambda: w.session.username == "test.clerk" and not w.locked)
    assert w.wizard is None and w.current() is w.start
    w.runner.wait_idle(10000)
    draft = kiosk.intake.draft(draft_id)
    assert draft["actor"] == "test.head"
    assert draft["answers"]["requester"]["full_name"] == "Nguyễn Văn Ấn"
    qtbot.waitUntil(lambda: w.start.loaded)
    assert w.start.drafts.count() == 1  # offered to the next person to resume
    w.logout()
    assert w.locked and w.gate.mode == LOGIN and w.session is None
    w.runner.wait_idle(5000)
    assert ("test.clerk", "auth.logout", "test.clerk") in _actions(kiosk)


def test_a_clerk_sees_no_settings_or_accounts(qtbot, kiosk, runner, desk_login) -> None:
    clerk = desk_login(kiosk, "clerk")
    w = _shell(qtbot, kiosk, runner, session=clerk)
    qtbot.waitUntil(lambda: w.start.loaded)
    assert not w.start.settings_button.isVisible() and not w.accounts_button.isVisible()
    assert w.start.tree.isEnabled() and w.start.find_button.isVisible()
    assert w.lock_button.isVisible() and w.logout_button.isVisible()
    w.open_settings()
    assert "quản trị" in w.statusBar().currentMessage()
    assert w.open_accounts() is None
    # the core refuses too, whatever the UI shows
    from kiosk_app.core.desk import Desk
    from kiosk_app.core.permissions import PermissionDenied

    desk = Desk(kiosk.store, kiosk.intake)
    with pytest.raises(PermissionDenied):
        desk.save_office_settings(desk.office_settings(), session=clerk)
    with pytest.raises(PermissionDenied):
        fast_accounts(kiosk).list_accounts(clerk)


def test_accounts_screen_adds_resets_disables_and_changes_roles(
    qtbot, kiosk, runner, desk_login
) -> None:
    admin = desk_login(kiosk, "admin")
    w = _shell(qtbot, kiosk, runner, session=admin)
    dialog = w.open_accounts()
    qtbot.waitUntil(lambda: dialog.loaded)
    assert [i.username for i in dialog.infos] == ["test.admin"]
    type_text(dialog.new_username, "hoa")
    type_text(dialog.new_name, "Nguyễn Thị Hoà")
    type_text(dialog.new_password, "mật khẩu của Hoà")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.loaded and len(dialog.infos) == 2, timeout=10000)
    assert dialog.new_password.text() == ""
    accounts = fast_accounts(kiosk)
    assert accounts.login("hoa", "mật khẩu của Hoà").display_name == "Nguyễn Thị Hoà"

    def act(button: Any) -> None:
        dialog.loaded = False
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.loaded, timeout=10000)

    dialog.select("hoa")
    type_text(dialog.reset_pin, "24680")
    act(dialog.reset_pin_button)
    assert "PIN" in dialog.message.text() and dialog.reset_pin.text() == "24680"  # kept
    dialog.reset_pin.clear()
    type_text(dialog.reset_pin, "246803")
    act(dialog.reset_pin_button)
    assert accounts.login("hoa", "246803", method="pin").username == "hoa"
    dialog.select("hoa")
    dialog.role.setCurrentIndex(dialog.role.findData("head"))
    act(dialog.role_button)
    assert accounts.login("hoa", "246803", method="pin").role == "head"
    dialog.select("hoa")
    act(dialog.active_button)
    assert dialog.table.item(dialog.table.currentRow(), 3).text() == "Đã vô hiệu hóa"
    dialog.select("test.admin")
    act(dialog.active_button)  # the last administrator
    assert "quản trị" in dialog.message.text()
    acts = _actions(kiosk)
    for action in ("account.create", "account.pin", "account.role", "account.disable"):
        assert ("test.admin", action, "hoa") in acts


def test_dialogs_hide_behind_the_lock_and_come_back_for_the_same_person(
    qtbot, kiosk, runner, desk_login
) -> None:
    admin = desk_login(kiosk, "admin")
    w = _shell(qtbot, kiosk, runner, session=admin)
    dialog = w.open_accounts()
    qtbot.waitUntil(lambda: dialog.loaded)
    type_text(dialog.new_name, "Trần Văn Mới")
    w.lock("manual")
    assert w.locked and not dialog.isVisible()
    type_text(w.gate.unlock_secret, TEST_PASSWORD)
    qtbot.mouseClick(w.gate.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.locked, timeout=10000)
    assert dialog.isVisible() and dialog.new_name.text() == "Trần Văn Mới"
    # another person: the administrator's dialog is closed, not shown to them
    w.lock("manual")
    qtbot.mouseClick(w.gate.switch_button, Qt.MouseButton.LeftButton)
    desk_login(kiosk, "head")
    _login(qtbot, w, "test.head", TEST_PASSWORD)
    qtbot.waitUntil(lambda: not w.locked, timeout=10000)
    assert w.session.username == "test.head" and not dialog.isVisible()
    assert not w.accounts_button.isVisible()


def test_settings_dialog_has_the_kiosk_and_lock_settings(qtbot, kiosk, runner, desk_login):
    from kiosk_app.ui.clerk.settings_dialog import SettingsDialog

    admin = desk_login(kiosk, "admin")
    dialog = SettingsDialog(kiosk, runner, session=admin)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.kiosk_mode.text() == "Khởi động ở chế độ kiosk tự phục vụ"
    assert not dialog.kiosk_mode.isChecked() and dialog.kiosk_orientation.currentData() == "auto"
    dialog.kiosk_mode.setChecked(True)
    dialog.kiosk_orientation.setCurrentIndex(dialog.kiosk_orientation.findData("portrait"))
    dialog.desk_lock.setValue(3)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saved is not None)
    assert dialog.saved["kiosk_mode_at_start"] is True
    assert dialog.saved["kiosk_orientation"] == "portrait"
    assert dialog.saved["desk_lock_minutes"] == 3
    change = kiosk.store.query("SELECT actor, data FROM audit WHERE action = 'settings.change'")
    data = json.loads(change[0]["data"])
    assert change[0]["actor"] == "test.admin"
    assert data["kiosk_orientation"] == {"old": "auto", "new": "portrait"}
    assert data["desk_lock_minutes"] == {"old": 10, "new": 3}
    # the desk picks the new lock time up
    w = _shell(qtbot, kiosk, runner, session=desk_login(kiosk))
    qtbot.waitUntil(lambda: w.idle.interval_ms == 3 * 60_000, timeout=5000)


def test_receipt_print_is_audited_with_the_account(
    qtbot, kiosk, runner, desk_session, monkeypatch
) -> None:
    from kiosk_app.ui import printing
    from kiosk_app.ui.clerk.receipt_view import ReceiptDialog

    ex = kiosk.catalog.get(CERT).example_submission()
    sub = kiosk.intake.submit(CERT, ex["answers"], ex["documents"], session=desk_session)

    class Result:
        pages, painted_pages, cancelled = 2, 2, False

    def fake_print(pdf: bytes, **kw: Any) -> Any:
        assert pdf.startswith(b"%PDF")
        kw["audit"](Result())
        return Result()

    monkeypatch.setattr(printing, "print_pdf", fake_print)
    dialog = ReceiptDialog(kiosk, sub.code, runner=runner, reprint=True, session=desk_session)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pdf_bytes is not None, timeout=20000)
    assert dialog.print_dialog()
    runner.wait_idle(5000)
    rows = kiosk.store.query("SELECT actor, entity, data FROM audit WHERE action='receipt.print'")
    assert [(r["actor"], r["entity"]) for r in rows] == [("test.head", sub.code)]
    assert json.loads(rows[0]["data"]) == {"format": dialog.fmt, "pages": 2, "reprint": True}
    submit = kiosk.store.query("SELECT actor FROM dossiers WHERE code = ?", [sub.code])
    assert submit[0]["actor"] == "test.head"
    assert verify(kiosk.store.conn).ok
