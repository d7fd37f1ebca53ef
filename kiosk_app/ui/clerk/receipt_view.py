"""Receipt preview and printing for a stored dossier: Mẫu 01 (A4/A5) or the 80 mm slip.

The PDF comes from :func:`kiosk_app.receipts.issued.receipt_pdf` — the stored dossier with its
signed QR, never screen state — rendered off the GUI thread when a TaskRunner is given, shown
with QtPdf, and printed by :mod:`kiosk_app.ui.printing` exactly as previewed. Mẫu 01 holds both
copies ("Liên 1" for the dossier, "Liên 2" for the citizen), so one print gives the two copies
the office needs. The format defaults to the office's ``receipt_format`` setting.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

FORMATS = ("a4", "a5", "80mm")


class ReceiptDialog(QDialog):
    """Preview of one dossier's receipt with a Print button. ``ready`` fires once loaded."""

    ready = Signal()
    failed = Signal(str)

    def __init__(
        self,
        kiosk: Any,
        code: str,
        *,
        reprint: bool = False,
        runner: Any = None,
        parent: QWidget | None = None,
        embedded: bool = False,
        fmt: str | None = None,
        session: Any = None,
    ) -> None:
        """``session``: who is at the desk; printing checks its role and is audited with it."""
        super().__init__(parent)
        self.session = session
        if embedded:  # a page of the wizard, which has its own Print / Done buttons
            self.setWindowFlags(Qt.WindowType.Widget)
        self.kiosk, self.code, self.reprint, self.runner = kiosk, code, reprint, runner
        self.fmt = fmt or getattr(kiosk.office, "receipt_format", None) or "a4"
        if self.fmt not in FORMATS:
            self.fmt = "a4"
        self.pdf_bytes: bytes | None = None
        self.printer_name = ""  # the office's receipt printer ("" = the system's default)
        self._buffer: QBuffer | None = None
        self.setWindowTitle(self.tr("Giấy tiếp nhận hồ sơ %1").replace("%1", code))
        self.resize(820, 700)

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        pal = self.view.palette()
        pal.setColor(QPalette.ColorRole.Dark, QColor("#8a8f98"))  # grey desk, white pages
        self.view.setPalette(pal)

        self.status = QLabel(self.tr("Đang tạo giấy tiếp nhận…"), self)
        self.format_box = QComboBox(self)
        for value, label in (
            ("a4", self.tr("Mẫu 01 — A4 (2 liên)")),
            ("a5", self.tr("Mẫu 01 — A5 (2 liên)")),
            ("80mm", self.tr("Phiếu 80 mm (máy in nhiệt)")),
        ):
            self.format_box.addItem(label, value)
        self.format_box.setCurrentIndex(FORMATS.index(self.fmt))
        self.format_box.currentIndexChanged.connect(
            lambda _i: self.set_format(self.format_box.currentData())
        )
        self.print_button = QPushButton(self.tr("In…"), self)
        self.print_button.setEnabled(False)
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.clicked.connect(self._print_clicked)  # slots return None
        self.close_button = close = QPushButton(self.tr("Đóng"), self)
        close.clicked.connect(self.accept)
        # After a submission (not a reprint) the citizen may rate the service at the counter.
        self.rate_button = QPushButton(self.tr("Mời công dân đánh giá"), self)
        self.rate_button.clicked.connect(self.open_rating)
        self.rate_button.setVisible(not reprint)
        self.rating_dialog: Any = None

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.format_box)
        buttons.addWidget(self.rate_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        if embedded:
            self.print_button.hide()
            close.hide()

        self._render()

    def open_rating(self) -> Any:
        """Open the desk rating dialog for this dossier (stored on the runner); returns it."""
        from kiosk_app.ui.clerk.rating_dialog import open_rating

        self.rating_dialog = open_rating(self, self.kiosk, self.code, self.runner)
        return self.rating_dialog

    def set_format(self, fmt: str) -> None:
        """Show the receipt in another format (A4, A5, 80 mm); renders it again."""
        if fmt not in FORMATS or fmt == self.fmt and self.pdf_bytes is not None:
            return
        self.fmt = fmt
        if self.format_box.currentData() != fmt:
            self.format_box.setCurrentIndex(FORMATS.index(fmt))
        self._render()

    def _render(self) -> None:
        self.pdf_bytes = None
        self.print_button.setEnabled(False)
        self.status.setText(self.tr("Đang tạo giấy tiếp nhận…"))
        kiosk, code, reprint, fmt = self.kiosk, self.code, self.reprint, self.fmt

        def render() -> tuple[str, bytes, str]:
            # imported here, on the worker: reportlab's import alone is ~0.1 s
            from kiosk_app.core.desk import PRINTER_SETTING, Desk
            from kiosk_app.receipts.issued import receipt_pdf

            printer = Desk(kiosk.store, kiosk.intake).office_settings().get(PRINTER_SETTING)
            return fmt, receipt_pdf(kiosk, code, fmt=fmt, reprint=reprint), str(printer or "")

        if self.runner is not None:
            self.runner.run(render, self._loaded, self._failed)
        else:
            try:
                self._loaded(render())
            except Exception as exc:  # noqa: BLE001 — shown to the clerk, never a crash
                self._failed(exc)

    # ------------------------------------------------------------------ loading
    def _loaded(self, result: tuple[str, bytes, str]) -> None:
        if not shiboken6.isValid(self):
            return  # closed before the PDF was ready
        fmt, pdf, self.printer_name = result
        if fmt != self.fmt:
            return  # the clerk picked another format meanwhile; its render follows
        self.pdf_bytes = pdf
        self.document.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        if self.document.status() == QPdfDocument.Status.Error:
            self._failed(RuntimeError(self.tr("Không đọc được tệp PDF giấy tiếp nhận")))
            return
        self.status.setText(self.tr("Mã hồ sơ: %1").replace("%1", self.code))
        self.print_button.setEnabled(True)
        self.print_button.setFocus()
        self.ready.emit()

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        message = getattr(exc, "message", None) or str(exc)
        self.status.setText(self.tr("Không tạo được giấy tiếp nhận: %1").replace("%1", message))
        self.failed.emit(message)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    # ----------------------------------------------------------------- printing
    def _print_clicked(self) -> None:
        self.print_dialog()

    def print_dialog(self) -> bool:
        """Choose a printer in Qt's dialog (format and copies preset) and print; False when
        cancelled or refused (the reason is shown beside the buttons)."""
        if self.pdf_bytes is None or self.page_count == 0:
            return False
        from kiosk_app.core.permissions import RECEIPT, PermissionDenied, require
        from kiosk_app.receipts.issued import copies_for
        from kiosk_app.ui.printing import PrinterNotFoundError, PrintError, print_pdf

        if self.session is not None:
            try:
                require(self.session, RECEIPT)
            except PermissionDenied as exc:
                self.status.setText(str(exc))
                return False
        self.print_button.setEnabled(False)
        try:
            try:
                result = self._print(print_pdf, self.printer_name or None, copies_for(self.fmt))
            except PrinterNotFoundError:
                if not self.printer_name:
                    raise
                # the configured printer is gone (unplugged, renamed): let the clerk pick one
                result = self._print(print_pdf, None, copies_for(self.fmt))
        except PrintError as exc:
            self.status.setText(exc.message)
            return False
        finally:
            if shiboken6.isValid(self):
                self.print_button.setEnabled(True)
        if not result.cancelled:
            self.status.setText(
                self.tr("Đã gửi %1 trang tới máy in").replace("%1", str(result.painted_pages))
            )
        return not result.cancelled

    def _print(self, print_pdf: Any, printer: str | None, copies: int) -> Any:
        return print_pdf(
            self.pdf_bytes,
            printer_name=printer,
            copies=copies,
            paper=self.fmt,
            parent=self,
            dialog=True,
            doc_name=self.code,
            audit=self._printed,
        )

    def _printed(self, result: Any) -> None:
        """Record who printed this dossier's receipt (the audit log; no personal data)."""
        from kiosk_app.core.session import record

        kiosk, session, code = self.kiosk, self.session, self.code
        data = {"format": self.fmt, "pages": result.pages, "reprint": self.reprint}

        def write() -> None:
            record(kiosk.store, session, "receipt.print", code, data, clock=kiosk.intake.clock)

        if self.runner is not None:
            self.runner.run(write, lambda _r: None, lambda exc: self.status.setText(str(exc)))
        else:
            write()

    def print_to(self, printer: QPrinter) -> int:
        """Print every page on an already set-up ``printer``; returns the pages painted."""
        if self.pdf_bytes is None or self.page_count == 0:
            raise RuntimeError(self.tr("Giấy tiếp nhận chưa sẵn sàng để in"))
        from kiosk_app.ui.printing import print_on

        return print_on(printer, self.pdf_bytes).painted_pages


def show_receipt(
    parent: QWidget | None,
    kiosk: Any,
    code: str,
    reprint: bool = False,
    *,
    runner: Any = None,
    session: Any = None,
) -> ReceiptDialog:
    """Open (non-modally) the receipt preview of dossier ``code``; returns the dialog.

    A failure to render (no font, unknown code) is shown in the dialog, never raised.
    """
    dialog = ReceiptDialog(
        kiosk, code, reprint=reprint, runner=runner, parent=parent, session=session
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
