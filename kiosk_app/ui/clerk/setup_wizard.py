"""The first-run set-up of an office PC (issue 9), after the first administrator exists: the
office (agency id, commune, this device's slot, the name on receipts), the receipt printer,
and the enrolment with the provincial server.

The same checks and steps as ``motcua setup --answers`` (kiosk_app.core.first_run): the
answers are checked all at once, each wrong one shown beside its box; then the steps run on the
TaskRunner. When only the enrolment fails (no link), the office is kept and the wizard stays
open on the server page to try again or leave it for later.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

OFFICE_PAGE, PRINTER_PAGE, SERVER_PAGE = 0, 1, 2


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


class SetupWizard(QWizard):
    """``done_setup(office)`` once the office is stored (the new :class:`Office`)."""

    done_setup = Signal(object)

    def __init__(
        self,
        kiosk: Any,
        runner: Any,
        session: Any,
        *,
        printers: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self.setWindowTitle(self.tr("Cài đặt máy cho bộ phận một cửa"))
        self.kiosk, self.runner, self.session = kiosk, runner, session
        self.finished_ok = False
        self.errors: dict[str, QLabel] = {}
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.setOption(QWizard.WizardOption.NoCancelButton, False)
        # Qt ships no Vietnamese for its own buttons: named here, as the messages say them
        for which, text in (
            (QWizard.WizardButton.BackButton, self.tr("< Quay lại")),
            (QWizard.WizardButton.NextButton, self.tr("Tiếp >")),
            (QWizard.WizardButton.FinishButton, self.tr("Hoàn tất")),
            (QWizard.WizardButton.CancelButton, self.tr("Để sau")),
        ):
            self.setButtonText(which, text)
        self.addPage(self._office_page())
        self.addPage(self._printer_page(printers))
        self.addPage(self._server_page())
        self.resize(760, 560)

    # ------------------------------------------------------------------ pages
    def _field(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(widget)
        self.errors[key] = _error_label()
        v.addWidget(self.errors[key])
        form.addRow(label, box)
        return widget

    def _office_page(self) -> QWizardPage:
        page = QWizardPage()
        page.setTitle(self.tr("Cơ quan"))
        page.setSubTitle(
            self.tr(
                "Mã định danh cơ quan in trên mọi mã hồ sơ; mỗi máy trong xã dùng một khe "
                "số thứ tự riêng (0–9)."
            )
        )
        form = QFormLayout(page)
        self.agency_id = self._field(
            form, "office.agency_id", self.tr("Mã định danh cơ quan"), QLineEdit()
        )
        self.agency_id.setObjectName("setupAgencyId")
        self.agency_id.setPlaceholderText("000.00.06.H56")
        self.commune_code = self._field(
            form, "office.commune_code", self.tr("Mã xã/phường (5 chữ số)"), QLineEdit()
        )
        self.commune_code.setObjectName("setupCommune")
        self.agency_name = self._field(
            form, "office.agency_name", self.tr("Tên cơ quan in trên phiếu"), QLineEdit()
        )
        self.agency_name.setObjectName("setupAgencyName")
        self.agency_name.setPlaceholderText(self.tr("UBND xã …"))
        slot = QSpinBox()
        slot.setRange(0, 9)
        slot.setValue(1)
        self.device_slot = self._field(
            form, "office.device_slot", self.tr("Khe số thứ tự của máy này"), slot
        )
        self.device_slot.setObjectName("setupSlot")
        self.hotline = self._field(
            form, "office.hotline", self.tr("Đường dây nóng (không bắt buộc)"), QLineEdit()
        )
        return page

    def _printer_page(self, printers: list[str] | None) -> QWizardPage:
        page = QWizardPage()
        page.setTitle(self.tr("Máy in phiếu"))
        page.setSubTitle(self.tr("Máy in dùng cho phiếu hẹn; để trống là máy in mặc định."))
        form = QFormLayout(page)
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItem(self.tr("(máy in mặc định)"), "")
        if printers is None:
            from PySide6.QtPrintSupport import QPrinterInfo

            printers = list(QPrinterInfo.availablePrinterNames())
        for name in printers:
            combo.addItem(name, name)
        self.printer = self._field(form, "office.printer_name", self.tr("Máy in"), combo)
        self.printer.setObjectName("setupPrinter")
        return page

    def _server_page(self) -> QWizardPage:
        page = QWizardPage()
        page.setTitle(self.tr("Máy chủ của tỉnh"))
        page.setSubTitle(
            self.tr(
                "Mã đăng ký một lần do bộ phận CNTT của tỉnh cấp. Không có mạng lúc này thì "
                "bỏ chọn và đăng ký sau (motcua enrol)."
            )
        )
        v = QVBoxLayout(page)
        self.enrol_now = QCheckBox(self.tr("Đăng ký với máy chủ tỉnh ngay bây giờ"))
        self.enrol_now.setObjectName("setupEnrolNow")
        self.enrol_now.setChecked(True)
        v.addWidget(self.enrol_now)
        form = QFormLayout()
        v.addLayout(form)
        self.server_url = self._field(form, "server.url", self.tr("Địa chỉ máy chủ"), QLineEdit())
        self.server_url.setObjectName("setupServer")
        self.server_url.setPlaceholderText("https://dvc.tinh.gov.vn")
        self.enrol_code = self._field(
            form, "server.enrolment_code", self.tr("Mã đăng ký"), QLineEdit()
        )
        self.enrol_code.setObjectName("setupCode")
        self.device_name = self._field(
            form, "server.device_name", self.tr("Tên máy (không bắt buộc)"), QLineEdit()
        )
        self.enrol_now.toggled.connect(self.server_url.setEnabled)
        self.enrol_now.toggled.connect(self.enrol_code.setEnabled)
        self.enrol_now.toggled.connect(self.device_name.setEnabled)
        self.message = QLabel()
        self.message.setObjectName("setupMessage")
        self.message.setWordWrap(True)
        v.addWidget(self.message)
        v.addStretch(1)
        return page

    # ------------------------------------------------------------------ finishing
    def answers(self) -> dict[str, Any]:
        """What the wizard holds, in the answers-file shape (docs/first-run.md)."""
        index = self.printer.findText(self.printer.currentText().strip())
        printer = (
            str(self.printer.itemData(index) or "")
            if index >= 0
            else self.printer.currentText().strip()
        )
        data: dict[str, Any] = {
            "office": {
                "agency_id": self.agency_id.text().strip(),
                "commune_code": self.commune_code.text().strip(),
                "agency_name": self.agency_name.text(),
                "device_slot": self.device_slot.value(),
                "hotline": self.hotline.text(),
                "printer_name": printer,
            }
        }
        if self.enrol_now.isChecked():
            data["server"] = {
                "url": self.server_url.text().strip(),
                "enrolment_code": self.enrol_code.text().strip(),
                "device_name": self.device_name.text().strip(),
            }
        return data

    def accept(self) -> None:  # noqa: D401 - Qt override: runs the set-up, closes on success
        for label in self.errors.values():
            label.hide()
        self.message.setText(self.tr("Đang cài đặt…"))
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        answers, data_dir = self.answers(), self.kiosk.data_dir
        actor = getattr(self.session, "actor", None)
        kiosk = self.kiosk

        def work() -> Any:
            from kiosk_app.core import first_run

            plan = first_run.parse_answers(answers, env={})
            first_run.apply(plan, data_dir, actor=actor)
            return kiosk.reload_office()

        self.runner.run(work, self._done, self._failed)

    def _done(self, office: Any) -> None:
        self.finished_ok = True
        self.done_setup.emit(office)
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        from kiosk_app.core.first_run import SetupError

        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        if isinstance(exc, SetupError):
            first_page = None
            for key, text in exc.issues.items():
                label = self.errors.get(key)
                if label is not None:
                    label.setText(text)
                    label.show()
                    page = SERVER_PAGE if key.startswith("server.") else OFFICE_PAGE
                    if key == "office.printer_name":
                        page = PRINTER_PAGE
                    first_page = page if first_page is None else min(first_page, page)
            self.message.setText(self.tr("Chưa cài đặt: kiểm tra các ô báo lỗi."))
            if first_page is not None and first_page != self.currentId():
                while self.currentId() > first_page:
                    self.back()
            return
        from sync.client_errors import SyncError, TransientError

        if isinstance(exc, TransientError):
            self.message.setText(
                self.tr(
                    "Đã lưu thông tin cơ quan, nhưng chưa kết nối được máy chủ tỉnh. Bấm Hoàn "
                    "tất để thử lại, hoặc bỏ chọn đăng ký để làm sau."
                )
            )
        elif isinstance(exc, SyncError):
            self.message.setText(self.tr("Máy chủ tỉnh từ chối đăng ký: ") + str(exc))
        else:
            self.message.setText(self.tr("Chưa cài đặt được: ") + str(exc))
