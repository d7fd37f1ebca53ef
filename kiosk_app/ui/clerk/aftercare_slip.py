"""Preview and print one of the desk's related slips: Mẫu 02 (request to supplement), the
refusal (Mẫu 03) or the apology (Mẫu 04), A4 or A5.

The PDF comes from :func:`slip_pdf` — the stored dossier plus the data the clerk just recorded,
with the same signed QR as the receipt — rendered on the TaskRunner, shown with QtPdf and printed
through :mod:`kiosk_app.ui.printing` exactly as previewed; each print is audited
(``slip.print``: the kind and pages, never personal data).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

PAPERS = ("a4", "a5")


def slip_pdf(
    kiosk: Any, code: str, kind: str, extra: Mapping[str, Any], paper: str = "a4"
) -> bytes:
    """The PDF of dossier ``code``'s ``kind`` slip (``mau02``, ``refusal``, ``apology``) on
    ``paper``, its QR signed by this device like the receipt's. Slow (reportlab): worker thread.
    Raises ``ReceiptError`` (Vietnamese)."""
    from kiosk_app.receipts import qr_payload
    from kiosk_app.receipts.errors import DossierNotFoundError, ReceiptError
    from kiosk_app.receipts.issued import printed_address
    from kiosk_app.receipts.render import render_pdf

    try:
        qr_text = qr_payload.qr_text_for(kiosk, code)
        with kiosk.store.read() as db:
            lookup = qr_payload.lookup_url_for(db)
    except qr_payload.DossierNotFound:
        raise DossierNotFoundError(code) from None
    except qr_payload.QrError as exc:
        raise ReceiptError(f"Không tạo được mã QR của phiếu: {exc}") from exc
    return render_pdf(
        kiosk,
        code,
        kind=kind,
        paper=paper,
        qr_text=qr_text,
        extra=dict(extra),
        lookup_address=printed_address(lookup),
    )


class SlipDialog(QDialog):
    """Preview of one slip with a Print button. ``ready`` fires once the PDF is shown."""

    ready = Signal()
    failed = Signal(str)

    def __init__(
        self,
        kiosk: Any,
        code: str,
        kind: str,
        extra: Mapping[str, Any],
        *,
        runner: Any,
        session: Any = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.kiosk, self.code, self.kind, self.extra = kiosk, code, kind, dict(extra)
        self.runner, self.session = runner, session
        self.paper = "a5" if getattr(kiosk.office, "receipt_format", "") == "a5" else "a4"
        self.pdf_bytes: bytes | None = None
        self.printer_name = ""
        self._buffer: QBuffer | None = None
        titles = {
            "mau02": self.tr("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) — {code}"),
            "refusal": self.tr("Phiếu từ chối tiếp nhận hồ sơ (Mẫu 03) — {code}"),
            "apology": self.tr("Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) — {code}"),
        }
        self.setWindowTitle(titles.get(kind, "{code}").format(code=code))
        self.resize(820, 700)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        pal = self.view.palette()
        pal.setColor(QPalette.ColorRole.Dark, QColor("#8a8f98"))
        self.view.setPalette(pal)
        self.status = QLabel(self.tr("Đang tạo phiếu…"))
        self.paper_box = QComboBox()
        self.paper_box.addItem(self.tr("Khổ A4"), "a4")
        self.paper_box.addItem(self.tr("Khổ A5"), "a5")
        self.paper_box.setCurrentIndex(PAPERS.index(self.paper))
        self.paper_box.currentIndexChanged.connect(
            lambda _i: self.set_paper(self.paper_box.currentData())
        )
        self.print_button = QPushButton(self.tr("In…"))
        self.print_button.setEnabled(False)
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.clicked.connect(self._print_clicked)
        self.close_button = QPushButton(self.tr("Đóng"))
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.paper_box)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._render()

    def set_paper(self, paper: str) -> None:
        if paper in PAPERS and paper != self.paper:
            self.paper = paper
            self._render()

    def _render(self) -> None:
        self.pdf_bytes = None
        self.print_button.setEnabled(False)
        self.status.setText(self.tr("Đang tạo phiếu…"))
        kiosk, code, kind, extra, paper = self.kiosk, self.code, self.kind, self.extra, self.paper

        def render() -> tuple[str, bytes, str]:
            from kiosk_app.core.desk import PRINTER_SETTING, Desk

            printer = Desk(kiosk.store, kiosk.intake).office_settings().get(PRINTER_SETTING)
            return paper, slip_pdf(kiosk, code, kind, extra, paper), str(printer or "")

        self.runner.run(render, self._loaded, self._failed)

    def _loaded(self, result: tuple[str, bytes, str]) -> None:
        if not shiboken6.isValid(self):
            return
        paper, pdf, self.printer_name = result
        if paper != self.paper:
            return  # another paper was picked meanwhile; its render follows
        self.pdf_bytes = pdf
        self.document.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.status.setText(self.tr("Mã hồ sơ: {code}").format(code=self.code))
        self.print_button.setEnabled(True)
        self.print_button.setFocus()
        self.ready.emit()

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        message = getattr(exc, "message", None) or str(exc)
        self.status.setText(self.tr("Không tạo được phiếu: {e}").format(e=message))
        self.failed.emit(message)

    def _print_clicked(self) -> None:
        self.print_dialog()

    def print_dialog(self, *, dialog: bool = True, printer: str | None = None) -> bool:
        """Print (Qt's printer dialog first, preset to the office printer and the paper);
        False when cancelled or refused (the reason is shown beside the buttons).
        ``dialog=False`` with ``printer`` prints straight there (tests, a private queue)."""
        if self.pdf_bytes is None:
            return False
        from kiosk_app.core.permissions import RECEIPT, PermissionDenied, require
        from kiosk_app.ui.printing import PrinterNotFoundError, PrintError, print_pdf

        if self.session is not None:
            try:
                require(self.session, RECEIPT)
            except PermissionDenied as exc:
                self.status.setText(str(exc))
                return False
        name = printer or self.printer_name or None

        def send(target: str | None) -> Any:
            return print_pdf(
                self.pdf_bytes,
                printer_name=target,
                copies=1,
                paper=self.paper,
                parent=self,
                dialog=dialog,
                doc_name=f"{self.code}-{self.kind}",
                audit=self._printed,
            )

        self.print_button.setEnabled(False)
        try:
            try:
                result = send(name)
            except PrinterNotFoundError:
                if not name or not dialog:
                    raise
                result = send(None)  # the configured printer is gone: let the clerk pick
        except PrintError as exc:
            self.status.setText(exc.message)
            return False
        finally:
            if shiboken6.isValid(self):
                self.print_button.setEnabled(True)
        if not result.cancelled:
            self.status.setText(
                self.tr("Đã gửi {n} trang tới máy in").format(n=result.painted_pages)
            )
        return not result.cancelled

    def _printed(self, result: Any) -> None:
        from kiosk_app.core.session import record

        kiosk, session, code = self.kiosk, self.session, self.code
        data = {"kind": self.kind, "paper": self.paper, "pages": result.pages}
        self.runner.run(
            lambda: record(
                kiosk.store, session, "slip.print", code, data, clock=kiosk.intake.clock
            ),
            lambda _r: None,
            lambda exc: self.status.setText(str(exc)),
        )


def show_slip(
    parent: Any,
    kiosk: Any,
    code: str,
    kind: str,
    extra: Mapping[str, Any],
    *,
    runner: Any,
    session: Any = None,
) -> SlipDialog:
    """Open (non-modally) the preview of a slip; returns the dialog (closed → deleted)."""
    dialog = SlipDialog(kiosk, code, kind, extra, runner=runner, session=session, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
