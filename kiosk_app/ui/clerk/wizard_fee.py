"""Wizard step "Lệ phí và trả kết quả": the fee from the catalogue, how it is paid, and where the
result is collected. Values go to the draft's ``extra`` (``payment``, ``delivery``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QGroupBox, QLabel, QRadioButton, QVBoxLayout, QWidget

from kiosk_app.ui.clerk import fee_text

PAYMENT_METHODS = ("cash", "transfer", "online")
DELIVERIES = ("desk", "post")


class FeePage(QWidget):
    """``changed`` after each choice; ``payment()`` → ``{"method", "amount"}``; ``delivery()``."""

    changed = Signal()

    def __init__(self, procedure: Any, lang: str = "vi") -> None:
        super().__init__()
        self.procedure, self.lang = procedure, lang
        self._fee = 0
        self._loading = False
        box = QVBoxLayout(self)
        title = QLabel(self.tr("Lệ phí và nơi trả kết quả"))
        title.setStyleSheet("font-size: 16px; font-weight: 600;")
        box.addWidget(title)
        self.fee_label = QLabel()
        self.fee_label.setObjectName("fee_amount")
        self.fee_label.setStyleSheet("font-size: 18px;")
        box.addWidget(self.fee_label)
        self.fee_note = QLabel()
        self.fee_note.setWordWrap(True)
        box.addWidget(self.fee_note)

        labels = {
            "cash": self.tr("Tiền mặt"),
            "transfer": self.tr("Chuyển khoản"),
            "online": self.tr("Thanh toán trực tuyến"),
            "desk": self.tr("Tại bộ phận một cửa"),
            "post": self.tr("Qua dịch vụ bưu chính"),
        }
        self.payment_box = QGroupBox(self.tr("Hình thức nộp lệ phí"))
        self.delivery_box = QGroupBox(self.tr("Nơi trả kết quả"))
        self.pay_group, self.delivery_group = QButtonGroup(self), QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for group_box, group, keys in (
            (self.payment_box, self.pay_group, PAYMENT_METHODS),
            (self.delivery_box, self.delivery_group, DELIVERIES),
        ):
            inner = QVBoxLayout(group_box)
            for key in keys:
                button = QRadioButton(labels[key])
                button.setObjectName(f"option_{key}")
                group.addButton(button)
                inner.addWidget(button)
                self.buttons[key] = button
                button.toggled.connect(self._edited)
            box.addWidget(group_box)
        self.buttons["cash"].setChecked(True)
        self.buttons["desk"].setChecked(True)
        box.addStretch(1)

    def refresh(self, answers: dict) -> None:
        self._fee = self.procedure.fee_for(answers)
        self.fee_label.setText(self.tr("Lệ phí: %1").replace("%1", fee_text(self._fee)))
        rule = self.procedure.fee_rule_for(answers)
        self.fee_note.setText(rule.note.get(self.lang) if rule.note else "")
        self.payment_box.setEnabled(self._fee > 0)

    @property
    def fee(self) -> int:
        return self._fee

    def _checked(self, keys: tuple[str, ...]) -> str:
        return next(k for k in keys if self.buttons[k].isChecked())

    def payment(self) -> dict[str, Any]:
        if self._fee <= 0:
            return {"method": None, "amount": 0}
        return {"method": self._checked(PAYMENT_METHODS), "amount": self._fee}

    def delivery(self) -> str:
        return self._checked(DELIVERIES)

    def set_state(self, payment: dict[str, Any] | None, delivery: str | None) -> None:
        self._loading = True
        try:
            method = (payment or {}).get("method")
            if method in PAYMENT_METHODS:
                self.buttons[method].setChecked(True)
            if delivery in DELIVERIES:
                self.buttons[delivery].setChecked(True)
        finally:
            self._loading = False

    def _edited(self, checked: bool) -> None:
        if checked and not self._loading:
            self.changed.emit()
