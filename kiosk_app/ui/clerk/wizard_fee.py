"""Wizard step "Lệ phí và trả kết quả": the fee from the catalogue, how it is paid, and where the
result is collected. Values go to the draft's ``extra`` (``payment``, ``delivery``).

Paid by bank transfer (``transfer``) with a fee and an office that has a bank account (settings
``payment_*``): the step shows the "Mã QR thanh toán (VietQR)" box — the account holder, bank,
account, amount and transfer note beside the QR (kiosk_app.core.payment). The note is the
dossier code, which the intake only assigns on submission: until :meth:`FeePage.set_dossier_code`
is called the box says so instead of showing a QR (a QR without the code could not be matched to
the dossier), and the QR is printed on the receipt. The QR is drawn off the GUI thread.
"""

from __future__ import annotations

import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core import payment as pay
from kiosk_app.ui.clerk import fee_text

PAYMENT_METHODS = ("cash", "transfer", "online")
DELIVERIES = ("desk", "post")
QR_PIXELS = 212  # side of the QR on screen: 4 px a module for a payment QR (49-53 modules)


def qr_image(payload: str) -> QImage:
    """The QR of ``payload`` as a black-on-white image, whole pixels a module (any thread)."""
    matrix = pay.qr_modules(payload)
    n = len(matrix)
    scale = max(1, QR_PIXELS // n)
    side = n * scale
    rows = []
    for row in matrix:
        line = b"".join((b"\x00" if dark else b"\xff") * scale for dark in row)
        rows.extend([line] * scale)
    data = b"".join(rows)
    return QImage(data, side, side, side, QImage.Format.Format_Grayscale8).copy()


class _QrRelay(QObject):
    """Hands QR images drawn on the worker back to their page on the GUI thread; one for the
    process, so a page closed while its QR is drawn is simply skipped."""

    drawn = Signal(object, object)

    def __init__(self) -> None:
        super().__init__()
        self.pages: weakref.WeakValueDictionary[int, FeePage] = weakref.WeakValueDictionary()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="payment-qr")
        self.drawn.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object)
    def _deliver(self, key: int, result: Any) -> None:
        page = self.pages.get(key)
        if page is not None and shiboken6.isValid(page):
            page._qr_drawn(*result)


_relay: _QrRelay | None = None


def _qr_relay() -> _QrRelay:
    global _relay
    if _relay is None:
        _relay = _QrRelay()
    return _relay


class FeePage(QWidget):
    """``changed`` after each choice; ``payment()`` → ``{"method", "amount"}``; ``delivery()``."""

    changed = Signal()

    qr_shown = Signal(str)  # the payload once its QR is on screen

    def __init__(self, procedure: Any, lang: str = "vi", office: Any = None) -> None:
        super().__init__()
        self.procedure, self.lang = procedure, lang
        self.office = office  # None: the enclosing wizard's kiosk.office (see _office)
        self.code: str | None = None
        self.qr_payload: str | None = None  # the payload of the QR shown (or being drawn)
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
            if group_box is self.payment_box:
                box.addWidget(self._build_qr_box())
        self.buttons["cash"].setChecked(True)
        self.buttons["desk"].setChecked(True)
        box.addStretch(1)

    def _build_qr_box(self) -> QGroupBox:
        self.qr_box = QGroupBox(self.tr("Mã QR thanh toán (VietQR)"))
        self.qr_box.setObjectName("payment_qr")
        row = QHBoxLayout(self.qr_box)
        self.qr_label = QLabel()
        self.qr_label.setObjectName("payment_qr_image")
        self.qr_label.setFixedSize(QR_PIXELS + 8, QR_PIXELS + 8)
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_label.setWordWrap(True)
        self.qr_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.qr_label.setStyleSheet("background: white; color: #444; padding: 4px;")
        row.addWidget(self.qr_label)
        self.qr_details = QLabel()
        self.qr_details.setObjectName("payment_qr_details")
        self.qr_details.setWordWrap(True)
        self.qr_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.qr_details, 1)
        self.qr_box.hide()
        return self.qr_box

    def refresh(self, answers: dict) -> None:
        self._fee = self.procedure.fee_for(answers)
        self.fee_label.setText(self.tr("Lệ phí: %1").replace("%1", fee_text(self._fee)))
        rule = self.procedure.fee_rule_for(answers)
        self.fee_note.setText(rule.note.get(self.lang) if rule.note else "")
        self.payment_box.setEnabled(self._fee > 0)
        self._update_qr()

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
        if checked:
            self._update_qr()
        if checked and not self._loading:
            self.changed.emit()

    # ------------------------------------------------------------------ payment QR
    def set_dossier_code(self, code: str | None) -> None:
        """The dossier's code, once submitted: the transfer note, so the QR can be shown."""
        self.code = code or None
        self._update_qr()

    def _office(self) -> Any:
        """The office settings: the one given, else the enclosing wizard's ``kiosk.office``."""
        if self.office is not None:
            return self.office
        widget = self.parentWidget()
        while widget is not None:
            kiosk = getattr(widget, "kiosk", None)
            if kiosk is not None:
                return getattr(kiosk, "office", None)
            widget = widget.parentWidget()
        return None

    def _update_qr(self) -> None:
        office = self._office()
        method = next((k for k in PAYMENT_METHODS if self.buttons[k].isChecked()), None)
        if self._fee <= 0 or method != pay.TRANSFER or office is None or not pay.configured(office):
            self.qr_box.hide()
            self.qr_payload = None
            return
        account = pay.account_of(office)
        note = self.code or self.tr("mã hồ sơ (cấp khi nộp hồ sơ)")
        self.qr_details.setText(
            self.tr("Chủ tài khoản: %1\nNgân hàng: %2\nSố tài khoản: %3\nSố tiền: %4\nNội dung: %5")
            .replace("%1", account["account_name"])
            .replace("%2", account["bank"])
            .replace("%3", account["account"])
            .replace("%4", fee_text(self._fee))
            .replace("%5", note)
        )
        self.qr_box.show()
        try:
            payload = pay.payment_qr_for(office, self._fee, self.code or "")
        except pay.vietqr.VietQRError as exc:
            payload = None
            self.qr_label.setPixmap(QPixmap())
            self.qr_label.setText(str(exc))
        if payload is None:
            self.qr_payload = None
            if self.code is None:
                self.qr_label.setPixmap(QPixmap())
                self.qr_label.setText(
                    self.tr("Mã QR có mã hồ sơ: hiện sau khi nộp hồ sơ và in trên giấy tiếp nhận")
                )
            return
        if payload == self.qr_payload:
            return
        self.qr_payload = payload
        self.qr_label.setPixmap(QPixmap())
        self.qr_label.setText(self.tr("Đang tạo mã QR…"))
        relay = _qr_relay()
        relay.pages[id(self)] = self
        key = id(self)
        future = relay.pool.submit(qr_image, payload)
        future.add_done_callback(lambda f: relay.drawn.emit(key, (payload, f)))

    def _qr_drawn(self, payload: str, future: Any) -> None:
        if payload != self.qr_payload:
            return  # the fee, method or code changed meanwhile: a newer QR is on its way
        exc = future.exception()
        if exc is not None:
            self.qr_label.setText(self.tr("Không tạo được mã QR: %1").replace("%1", str(exc)))
            return
        self.qr_label.setText("")
        self.qr_label.setPixmap(QPixmap.fromImage(future.result()))
        self.qr_shown.emit(payload)
