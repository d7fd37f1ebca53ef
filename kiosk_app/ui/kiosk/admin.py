"""The staff's way out: behind a hidden gesture (5 quick taps on the office name), a member of
staff whose role may leave the kiosk (head of office or administrator) picks their name and
types their PIN (digits) or password on the pad.

The check is the accounts' (:meth:`kiosk_app.core.accounts.Accounts.login`: argon2id, the
lockout after 5 failures, audited) and runs on the TaskRunner — never on the GUI thread. A
clerk's correct PIN is refused: leaving the self-service mode is not a clerk's permission.
Leaving is audited as ``kiosk.leave`` with the person's account.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout

from kiosk_app.ui.kiosk.widgets import Flow, KeyPad, NavState, wrap_label


class AdminFlow(Flow):
    """``unlocked`` after a right PIN/password of an allowed account; a wrong one clears the
    box and says so. ``kiosk`` and ``runner`` default to the window's (the kiosk shell)."""

    unlocked = Signal()

    def __init__(
        self,
        pad_height: int = 560,
        *,
        kiosk: Any = None,
        runner: Any = None,
        landscape: bool = False,
    ) -> None:
        """``landscape``: the key pad beside the name and PIN boxes (a 1080-pixel-high screen
        has no room for the question, both boxes, a message and a letter pad stacked)."""
        super().__init__()
        self.setObjectName("adminFlow")
        self._kiosk, self._runner = kiosk, runner
        self.session: Any = None
        self.busy = False
        outer = QHBoxLayout(self) if landscape else QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(24 if landscape else 16)
        v = QVBoxLayout()
        v.setSpacing(16)
        outer.addLayout(v, 1)
        v.addWidget(
            wrap_label(
                self.tr("Dành cho cán bộ: chọn tên và nhập mã PIN hoặc mật khẩu"), "questionLabel"
            )
        )
        self.staff = QComboBox()
        self.staff.setObjectName("staffChoice")
        self.staff.setMinimumHeight(70)
        v.addWidget(self.staff)
        self.pin = QLineEdit()
        self.pin.setObjectName("pinEdit")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMinimumHeight(90)
        self.pin.setMaxLength(128)
        self.pin.returnPressed.connect(self.go_next)
        v.addWidget(self.pin)
        self.error_label = wrap_label("", "errorText")
        self.error_label.hide()
        v.addWidget(self.error_label)
        if landscape:
            v.addStretch(1)
        self.pad = KeyPad(self.pin, letters=True)
        self.pad.setMinimumHeight(pad_height)
        if landscape:
            outer.addWidget(self.pad, 1)
        else:
            v.addWidget(self.pad, 1)
        self.attempts = 0
        self._loaded = False

    # the kiosk shell builds this flow without arguments: borrow its kiosk and runner
    @property
    def kiosk(self) -> Any:
        return self._kiosk or getattr(self.window(), "kiosk", None)

    @property
    def runner(self) -> Any:
        return self._runner or getattr(self.window(), "runner", None)

    def accounts(self) -> Any:
        from kiosk_app.core.accounts import Accounts

        kiosk = self.kiosk
        return Accounts(kiosk.store, clock=kiosk.intake.clock)

    def nav(self) -> NavState:
        return NavState(self.tr("Thoát chế độ kiosk"), next_text=self.tr("Thoát"))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._loaded and self.kiosk is not None:
            self._loaded = True
            self.load_staff()

    def load_staff(self) -> None:
        """Fill the names of the staff who may leave (a quick read; no secrets)."""
        self.staff.clear()
        names = self.accounts().may_leave_kiosk()
        for username, display_name in names:
            self.staff.addItem(display_name, username)
        if not names:
            self._say(self.tr("Chưa có tài khoản lãnh đạo hoặc quản trị trên máy này."))

    def _say(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def go_next(self) -> None:
        if self.busy:
            return
        if not self._loaded:
            self._loaded = True
            self.load_staff()
        secret = self.pin.text()
        self.pin.clear()
        username = self.staff.currentData()
        if not username or not secret:
            self._say(self.tr("Chọn tên và nhập mã PIN hoặc mật khẩu."))
            return
        from kiosk_app.core.accounts import PASSWORD, PIN
        from kiosk_app.core.permissions import LEAVE_KIOSK, require
        from kiosk_app.core.session import record

        accounts = self.accounts()
        method = PIN if secret.isdigit() else PASSWORD

        def check() -> Any:
            session = accounts.login(username, secret, method=method)
            require(session, LEAVE_KIOSK)
            record(accounts.store, session, "kiosk.leave", session.username, clock=accounts.clock)
            return session

        self.busy = True
        self.runner.run(check, self._done, self._failed)

    def _done(self, session: Any) -> None:
        if not shiboken6.isValid(self):
            return
        self.busy = False
        self.session = session
        self.error_label.hide()
        self.unlocked.emit()

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.busy = False
        self.attempts += 1
        self._say(str(exc) or self.tr("Sai mã PIN."))
