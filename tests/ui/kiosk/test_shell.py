"""The kiosk's frame: full screen and frameless, big type and targets, no way out but the
admin PIN, the large-type toggle, the environment for the virtual keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from tests.ui.kiosk.helpers import line_of, next_, settle, tap, type_text


def visible(window: QWidget, kind: type) -> list[Any]:
    return [w for w in window.findChildren(kind) if w.isVisible() and w.window() is window]


@pytest.mark.parametrize(
    "orientation,size", [("portrait", (1080, 1920)), ("landscape", (1920, 1080))]
)
def test_frameless_size_and_welcome(make_window: Any, orientation: str, size: tuple) -> None:
    w = make_window(orientation)
    assert w.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert (w.width(), w.height()) == size
    assert set(w.welcome.tiles) == {"submit", "learn", "check", "rate"}
    assert not w.nav_bar.isVisible()  # nothing to go back to on the welcome screen


def test_big_type_and_big_targets_on_every_kind_of_screen(qtbot: Any, make_window: Any) -> None:
    from kiosk_app.ui.kiosk.theme import mm_to_px

    w = make_window()
    screens = []

    def check() -> None:
        settle(w)
        for widget in visible(w, QLabel) + visible(w, QAbstractButton) + visible(w, QLineEdit):
            if widget.objectName() in ("qt_scrollarea_viewport",) or not widget.isVisibleTo(w):
                continue
            size = widget.font().pointSizeF()
            assert size >= 22, f"{widget.objectName()} {widget!r}: {size} pt"
        for b in visible(w, QAbstractButton):
            if b.objectName().startswith("qt_"):
                continue  # scroll bar arrows
            assert b.height() >= mm_to_px(15, b) and b.height() >= 90, (b.objectName(), b.height())
        screens.append(w.flow.objectName() if w.flow else "welcome")

    check()
    tap(qtbot, w.welcome.tiles["submit"])
    check()
    tap(qtbot, w.flow.list.buttons["2.000815"])
    check()  # a question
    tap(qtbot, w.restart_button)
    tap(qtbot, w.welcome.tiles["check"])
    check()
    tap(qtbot, w.restart_button)
    tap(qtbot, w.welcome.tiles["rate"])
    check()
    assert screens == ["welcome", "submitFlow", "submitFlow", "checkFlow", "rateFlow"]


def test_large_type_toggle_scales_fonts(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    title = w.welcome.findChild(QLabel, "screenTitle")
    before = title.font().pointSizeF()
    tap(qtbot, w.large_button)
    settle(w)
    assert title.font().pointSizeF() > before * 1.2
    tap(qtbot, w.large_button)
    settle(w)
    assert title.font().pointSizeF() == before


def test_cannot_be_closed_and_quit_keys_are_swallowed(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    assert not w.close()
    assert w.isVisible()
    tap(qtbot, w.welcome.tiles["submit"])
    tap(qtbot, w.flow.list.buttons["2.000815"])
    box = line_of(w.flow.editor)
    for key, mods in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    ):
        event = QKeyEvent(QEvent.Type.KeyPress, key, mods)
        QApplication.sendEvent(box, event)
        assert w.lockdown.eventFilter(box, QKeyEvent(QEvent.Type.KeyPress, key, mods))
    QApplication.processEvents()
    assert w.isVisible() and w.flow is not None and w.flow.page == "question"
    type_text(box, "Hà")  # ordinary typing still arrives
    assert box.text() == "Hà"


def test_staff_leave_with_a_head_or_admin_pin_only(
    qtbot: Any, make_window: Any, kiosk: Any
) -> None:
    """The staff exit checks an account's PIN (helper C: accounts); a clerk's is refused."""
    from argon2 import PasswordHasher

    from kiosk_app.core.accounts import Accounts

    accounts = Accounts(kiosk.store, clock=kiosk.intake.clock, hasher=PasswordHasher(1, 8, 1))
    admin = accounts.create_first_admin("quantri", "Lê Văn Quản", "mật khẩu quản trị")
    accounts.add(admin, "truong", "Đỗ Văn Trưởng", "head", pin="246813")
    accounts.add(admin, "hoa", "Nguyễn Thị Hoa", "clerk", pin="135792")
    w = make_window()
    for _ in range(4):
        tap(qtbot, w.office_label)
    assert w.flow is None  # four taps: nothing
    tap(qtbot, w.office_label)
    assert w.flow is not None and w.flow.objectName() == "adminFlow"
    flow = w.flow
    names = [flow.staff.itemData(i) for i in range(flow.staff.count())]
    assert names == ["quantri", "truong"]  # the clerk is not offered
    flow.staff.setCurrentIndex(names.index("truong"))
    pad = flow.pad
    for k in "123456":
        tap(qtbot, pad.keys[k])
    assert flow.pin.text() == "123456"
    assert flow.pin.echoMode() == QLineEdit.EchoMode.Password
    next_(qtbot, w)
    assert w.isVisible() and flow.error_label.isVisible()
    assert flow.pin.text() == ""
    assert not w.unlocked
    for k in "246813":
        tap(qtbot, pad.keys[k])
    next_(qtbot, w)
    assert w.unlocked
    assert not w.isVisible()
    rows = kiosk.store.query("SELECT actor, action FROM audit WHERE action = 'kiosk.leave'")
    assert rows == [{"actor": "truong", "action": "kiosk.leave"}]


def test_back_from_the_first_page_and_start_over_return_home(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    tap(qtbot, w.welcome.tiles["learn"])
    tap(qtbot, w.back_button)
    assert w.flow is None and w.stack.currentWidget() is w.welcome
    tap(qtbot, w.welcome.tiles["learn"])
    tap(qtbot, w.flow.list.buttons["1.001193"])
    tap(qtbot, w.restart_button)
    assert w.flow is None and w.stack.currentWidget() is w.welcome


def test_prepare_environment_sets_the_virtual_keyboard_only_when_unset() -> None:
    from kiosk_app.ui.kiosk import prepare_environment

    env: dict[str, str] = {}
    done = prepare_environment(env, set_locale=False)
    assert env["QT_IM_MODULE"] == "qtvirtualkeyboard"
    assert env["QT_VIRTUALKEYBOARD_ACTIVE_LOCALES"].startswith("vi_VN")
    assert done == env
    env2 = {"QT_IM_MODULE": "ibus"}
    prepare_environment(env2, set_locale=False)
    assert env2["QT_IM_MODULE"] == "ibus"


def test_numeric_fields_ask_for_the_numeric_pad(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    tap(qtbot, w.welcome.tiles["submit"])
    tap(qtbot, w.flow.list.buttons["2.000815"])
    name_box = line_of(w.flow.editor)
    assert not name_box.inputMethodHints() & Qt.InputMethodHint.ImhDigitsOnly
    type_text(name_box, "Lê Văn Tám")
    next_(qtbot, w)
    assert w.flow.current_question().field.type == "id_number"
    assert line_of(w.flow.editor).inputMethodHints() & Qt.InputMethodHint.ImhDigitsOnly
