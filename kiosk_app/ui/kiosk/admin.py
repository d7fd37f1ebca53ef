"""The staff's way out: a PIN pad behind a hidden gesture (5 quick taps on the office name).
The PIN check is the desk's (``kiosk_app.ui.clerk.settings_dialog.check_pin``)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout

from kiosk_app.ui.clerk.settings_dialog import check_pin
from kiosk_app.ui.kiosk.widgets import Flow, KeyPad, NavState, wrap_label


class AdminFlow(Flow):
    """``unlocked`` after the right PIN; a wrong one clears the box and says so."""

    unlocked = Signal()

    def __init__(self, pad_height: int = 560) -> None:
        super().__init__()
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(16)
        v.addWidget(wrap_label(self.tr("Dành cho cán bộ: nhập mã PIN quản trị"), "questionLabel"))
        self.pin = QLineEdit()
        self.pin.setObjectName("pinEdit")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMinimumHeight(90)
        self.pin.setMaxLength(32)
        self.pin.returnPressed.connect(self.go_next)
        v.addWidget(self.pin)
        self.error_label = wrap_label("", "errorText")
        self.error_label.hide()
        v.addWidget(self.error_label)
        self.pad = KeyPad(self.pin)
        self.pad.setMinimumHeight(pad_height)
        v.addWidget(self.pad, 1)
        self.attempts = 0

    def nav(self) -> NavState:
        return NavState(self.tr("Thoát chế độ kiosk"), next_text=self.tr("Thoát"))

    def go_next(self) -> None:
        pin = self.pin.text()
        self.pin.clear()
        if check_pin(pin):
            self.unlocked.emit()
            return
        self.attempts += 1
        self.error_label.setText(self.tr("Sai mã PIN."))
        self.error_label.show()
