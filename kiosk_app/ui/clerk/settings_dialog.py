"""The office settings dialog — for administrators only.

The shell opens it only for a session whose role may change settings (``admin``), and the
save itself is checked again by the core (:meth:`Desk.save_office_settings` with the session),
which also appends the audit entry ``settings.change`` (each changed setting's old and new
value; settings hold no secrets). The old shared admin PIN is gone: every person has an
account (:mod:`kiosk_app.core.accounts`).

Values load and save through the TaskRunner with :class:`kiosk_app.core.desk.Desk`; a refused
value shows its Vietnamese message beside its field and nothing is stored. Office changes apply
when the program restarts.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.desk import (
    DESK_LOCK_SETTING,
    KIOSK_MODE_SETTING,
    KIOSK_ORIENTATION_SETTING,
    PRINTER_SETTING,
    Desk,
    SettingsError,
)
from kiosk_app.core.payment import ACCOUNT, ACCOUNT_NAME, BIN, banks


def _time_edit() -> QTimeEdit:
    w = QTimeEdit()
    w.setDisplayFormat("HH:mm")
    return w


def _hm(w: QTimeEdit) -> str:
    return w.time().toString("HH:mm")


class SettingsDialog(QDialog):
    """Edit the office settings; ``saved`` is set to the stored values after a save."""

    def __init__(
        self, kiosk: Any, runner: Any, parent: QWidget | None = None, *, session: Any = None
    ) -> None:
        """``session``: the administrator saving (checked and audited by the core)."""
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Thiết lập văn phòng"))
        self.setMinimumWidth(560)
        self.runner = runner
        self.desk = Desk(kiosk.store, kiosk.intake)
        self.values: dict[str, Any] = {}
        self.saved: dict[str, Any] | None = None
        self.loaded = False

        layout = QVBoxLayout(self)
        note = QLabel(self.tr("Thay đổi có hiệu lực khi khởi động lại chương trình."))
        note.setObjectName("muted")
        layout.addWidget(note)
        form = QFormLayout()
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

        self.agency_id = QLineEdit()
        self.agency_name = QLineEdit()
        self.commune_code = QLineEdit()
        self.commune_code.setMaxLength(5)
        self.device_slot = QSpinBox()
        self.device_slot.setRange(0, 9)
        self.hotline = QLineEdit()
        self.morning = (_time_edit(), _time_edit())
        self.afternoon = (_time_edit(), _time_edit())
        self.saturday = QCheckBox(self.tr("Tiếp nhận sáng thứ Bảy"))
        self.cutoff = _time_edit()
        # The printers the system knows (CUPS, Windows), or any name typed for one not
        # connected yet; empty = the system's default printer.
        self.printer = QComboBox()
        self.printer.setEditable(True)
        self.printer.addItem(self.tr("(máy in mặc định)"), "")
        from PySide6.QtPrintSupport import QPrinterInfo

        for name in QPrinterInfo.availablePrinterNames():
            self.printer.addItem(name, name)
        # The account that receives fees by bank transfer (VietQR); all empty = no payment QR.
        # The bank: one of the main banks (resources/lists/banks.yaml) or any BIN typed in.
        self.bank_bin = QComboBox()
        self.bank_bin.setEditable(True)
        self.bank_bin.addItem(self.tr("(không nhận chuyển khoản)"), "")
        for bank in banks():
            self.bank_bin.addItem(f"{bank.bin} – {bank.short}", bank.bin)
            self.bank_bin.setItemData(
                self.bank_bin.count() - 1, bank.name, Qt.ItemDataRole.ToolTipRole
            )
        self.account = QLineEdit()
        self.account.setMaxLength(19)
        self.account_name = QLineEdit()
        self.account_name.setPlaceholderText(self.tr("VD: UBND XA NAM DONG"))
        self.desk_lock = QSpinBox()
        self.desk_lock.setRange(1, 60)
        self.desk_lock.setSuffix(self.tr(" phút"))
        self.backup_dir = QLineEdit()
        self.backup_dir.setObjectName("backupDir")
        self.backup_dir.setPlaceholderText(self.tr("VD: /media/usb/motcua hoặc E:\\SaoLuu"))
        self.kiosk_mode = QCheckBox(self.tr("Khởi động ở chế độ kiosk tự phục vụ"))
        self.kiosk_orientation = QComboBox()
        for value, label in (
            ("auto", self.tr("Tự động (theo màn hình)")),
            ("portrait", self.tr("Dọc")),
            ("landscape", self.tr("Ngang")),
        ):
            self.kiosk_orientation.addItem(label, value)

        def pair(a: QTimeEdit, b: QTimeEdit) -> QWidget:
            w = QWidget()
            h = QHBoxLayout(w)
            h.setContentsMargins(0, 0, 0, 0)
            h.addWidget(a)
            h.addWidget(QLabel("–"))
            h.addWidget(b)
            h.addStretch(1)
            return w

        rows = [
            ("agency_id", self.tr("Mã định danh cơ quan"), self.agency_id),
            ("agency_name", self.tr("Tên cơ quan (in trên phiếu)"), self.agency_name),
            ("commune_code", self.tr("Mã xã/phường"), self.commune_code),
            ("device_slot", self.tr("Khe số thứ tự của máy"), self.device_slot),
            ("hotline", self.tr("Đường dây nóng"), self.hotline),
            ("office_morning", self.tr("Giờ làm việc buổi sáng"), pair(*self.morning)),
            ("office_afternoon", self.tr("Giờ làm việc buổi chiều"), pair(*self.afternoon)),
            ("saturday_morning", "", self.saturday),
            ("same_day_cutoff", self.tr("Giờ chốt nhận trong ngày"), self.cutoff),
            (PRINTER_SETTING, self.tr("Máy in phiếu"), self.printer),
            (BIN, self.tr("Ngân hàng nhận phí (mã BIN)"), self.bank_bin),
            (ACCOUNT, self.tr("Số tài khoản nhận phí"), self.account),
            (ACCOUNT_NAME, self.tr("Tên chủ tài khoản"), self.account_name),
            (DESK_LOCK_SETTING, self.tr("Tự khóa máy sau khi không dùng"), self.desk_lock),
            ("backup_dir", self.tr("Thư mục sao lưu tự động"), self.backup_dir),
            (KIOSK_MODE_SETTING, "", self.kiosk_mode),
            (KIOSK_ORIENTATION_SETTING, self.tr("Hướng màn hình kiosk"), self.kiosk_orientation),
        ]
        for name, label, editor in rows:
            box = QWidget()
            v = QVBoxLayout(box)
            v.setContentsMargins(0, 0, 0, 0)
            v.setSpacing(2)
            v.addWidget(editor)
            err = QLabel()
            err.setObjectName("error")
            err.setWordWrap(True)
            err.hide()
            v.addWidget(err)
            form.addRow(label, box)
            self.editors[name] = editor
            self.errors[name] = err
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("error")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Lưu"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Hủy"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.runner.run(self.desk.office_settings, self.set_values, self._failed)

    def set_values(self, values: dict[str, Any]) -> None:
        self.values = dict(values)
        self.agency_id.setText(str(values.get("agency_id") or ""))
        self.agency_name.setText(str(values.get("agency_name") or ""))
        self.commune_code.setText(str(values.get("commune_code") or ""))
        self.device_slot.setValue(int(values.get("device_slot") or 0))
        self.hotline.setText(str(values.get("hotline") or ""))
        for edits, key in ((self.morning, "office_morning"), (self.afternoon, "office_afternoon")):
            for w, text in zip(edits, values.get(key) or [], strict=False):
                w.setTime(QTime.fromString(str(text), "HH:mm"))
        self.saturday.setChecked(bool(values.get("saturday_morning")))
        self.cutoff.setTime(QTime.fromString(str(values.get("same_day_cutoff") or ""), "HH:mm"))
        name = str(values.get(PRINTER_SETTING) or "")
        index = self.printer.findData(name)
        if index >= 0:
            self.printer.setCurrentIndex(index)
        else:
            self.printer.setEditText(name)
        bank_bin = str(values.get(BIN) or "")
        index = self.bank_bin.findData(bank_bin)
        if index >= 0:
            self.bank_bin.setCurrentIndex(index)
        else:
            self.bank_bin.setEditText(bank_bin)
        self.account.setText(str(values.get(ACCOUNT) or ""))
        self.account_name.setText(str(values.get(ACCOUNT_NAME) or ""))
        try:
            self.desk_lock.setValue(int(values.get(DESK_LOCK_SETTING) or 10))
        except (TypeError, ValueError):
            self.desk_lock.setValue(10)
        self.backup_dir.setText(str(values.get("backup_dir") or ""))
        self.kiosk_mode.setChecked(bool(values.get(KIOSK_MODE_SETTING)))
        index = self.kiosk_orientation.findData(str(values.get(KIOSK_ORIENTATION_SETTING) or ""))
        self.kiosk_orientation.setCurrentIndex(max(index, 0))
        self.loaded = True

    def current(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id.text(),
            "agency_name": self.agency_name.text(),
            "commune_code": self.commune_code.text(),
            "device_slot": self.device_slot.value(),
            "hotline": self.hotline.text(),
            "office_morning": [_hm(self.morning[0]), _hm(self.morning[1])],
            "office_afternoon": [_hm(self.afternoon[0]), _hm(self.afternoon[1])],
            "saturday_morning": self.saturday.isChecked(),
            "same_day_cutoff": _hm(self.cutoff),
            PRINTER_SETTING: self._printer_name(),
            BIN: self._bank_bin(),
            ACCOUNT: self.account.text(),
            ACCOUNT_NAME: self.account_name.text(),
            DESK_LOCK_SETTING: self.desk_lock.value(),
            "backup_dir": self.backup_dir.text(),
            KIOSK_MODE_SETTING: self.kiosk_mode.isChecked(),
            KIOSK_ORIENTATION_SETTING: self.kiosk_orientation.currentData(),
        }

    def _bank_bin(self) -> str:
        """The chosen bank's BIN, or what was typed (a BIN not in the list)."""
        text = self.bank_bin.currentText().strip()
        index = self.bank_bin.findText(text)
        if index >= 0:
            return str(self.bank_bin.itemData(index) or "")
        head = text.split()[0] if text.split() else ""
        return head if len(head) == 6 and head.isdigit() else text

    def _printer_name(self) -> str:
        text = self.printer.currentText().strip()
        index = self.printer.findText(text)
        return str(self.printer.itemData(index) or "") if index >= 0 else text

    def save(self) -> None:
        values, desk, session = self.current(), self.desk, self.session
        self.buttons.setEnabled(False)
        self.runner.run(
            lambda: desk.save_office_settings(values, session=session), self._saved, self._failed
        )

    def _saved(self, clean: dict[str, Any]) -> None:
        self.saved = clean
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        for err in self.errors.values():
            err.hide()
        if isinstance(exc, SettingsError):
            for name, message in exc.issues.items():
                err = self.errors.get(name)
                if err is not None:
                    err.setText(message)
                    err.show()
            self.message.setText(self.tr("Chưa lưu: kiểm tra các ô báo lỗi."))
        else:
            self.message.setText(str(exc))
