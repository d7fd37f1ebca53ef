"""Receipt preview and printing for a stored dossier (plain receipt until Mẫu 01 lands).

The PDF is rendered from the store (``kiosk_app.receipts.plain``), off the GUI thread when a
TaskRunner is given, shown with QtPdf and printed page by page as images through QPrinter, so
whatever the preview shows is exactly what the printer gets. Two copies by default (one for the
citizen, one stays with the dossier).
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

DEFAULT_COPIES = 2
PRINT_DPI = 300


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
    ) -> None:
        super().__init__(parent)
        if embedded:  # a page of the wizard, which has its own Print / Done buttons
            self.setWindowFlags(Qt.WindowType.Widget)
        self.kiosk, self.code, self.reprint = kiosk, code, reprint
        self.pdf_bytes: bytes | None = None
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
        self.print_button = QPushButton(self.tr("In (2 liên)"), self)
        self.print_button.setEnabled(False)
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.clicked.connect(self._print_clicked)  # slots return None
        self.close_button = close = QPushButton(self.tr("Đóng"), self)
        close.clicked.connect(self.accept)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        if embedded:
            self.print_button.hide()
            close.hide()

        def render() -> bytes:
            # imported here, on the worker: reportlab's import alone is ~0.1 s
            from kiosk_app.receipts.plain import plain_receipt_for

            return plain_receipt_for(kiosk, code, reprint=reprint)

        if runner is not None:
            runner.run(render, self._loaded, self._failed)
        else:
            try:
                self._loaded(render())
            except Exception as exc:  # noqa: BLE001 — shown to the clerk, never a crash
                self._failed(exc)

    # ------------------------------------------------------------------ loading
    def _loaded(self, pdf: bytes) -> None:
        if not shiboken6.isValid(self):
            return  # closed before the PDF was ready
        self.pdf_bytes = pdf
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
        """Ask for a printer (2 copies preselected) and print; False when cancelled."""
        if self.page_count == 0:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setCopyCount(DEFAULT_COPIES)
        printer.setDocName(self.code)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("In giấy tiếp nhận"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.print_to(printer)
        return True

    def print_to(self, printer: QPrinter) -> int:
        """Print every page on ``printer``; returns the number of pages sent.

        When the printer cannot make copies itself (PDF output, some drivers) the copies are
        printed one after another.
        """
        if self.page_count == 0:
            raise RuntimeError(self.tr("Giấy tiếp nhận chưa sẵn sàng để in"))
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        painter = QPainter()
        if not painter.begin(printer):
            raise RuntimeError(self.tr("Không mở được máy in"))
        sent = 0
        try:
            for _copy in range(copies):
                for page in range(self.page_count):
                    if sent:
                        printer.newPage()
                    self._paint_page(painter, printer, page)
                    sent += 1
        finally:
            painter.end()
        return sent

    def _paint_page(self, painter: QPainter, printer: QPrinter, page: int) -> None:
        size_pt = self.document.pagePointSize(page)
        scale = PRINT_DPI / 72.0
        image = self.document.render(
            page, QSize(int(size_pt.width() * scale), int(size_pt.height() * scale))
        )
        target = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
        target.moveTo(0, 0)
        fitted = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter.fillRect(target, Qt.GlobalColor.white)
        painter.drawImage(QRect(target.topLeft(), fitted), image)


def show_receipt(
    parent: QWidget | None,
    kiosk: Any,
    code: str,
    reprint: bool = False,
    *,
    runner: Any = None,
) -> ReceiptDialog:
    """Open (non-modally) the receipt preview of dossier ``code``; returns the dialog.

    A failure to render (no font, unknown code) is shown in the dialog, never raised.
    """
    dialog = ReceiptDialog(kiosk, code, reprint=reprint, runner=runner, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
