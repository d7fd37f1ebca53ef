"""Print a PDF (a receipt, a slip) through the operating system's print system with Qt.

The PDF's pages are rendered with QtPdf (pdfium) to images at the printer's resolution (capped at
:data:`MAX_RENDER_DPI`) and painted onto a :class:`QPrinter`, so the paper shows exactly what the
QtPdf preview shows. Qt does the rest: on Windows its print plugin talks to the spooler (GDI,
the driver's page sizes and copies), on Linux its CUPS plugin spools one job to CUPS. Nothing is
shelled out.

Copies: when the printer reports ``supportsMultipleCopies()`` (CUPS queues and most Windows
drivers) the job is sent once with ``copies=N`` and collation on, and the print system makes the
copies (one job to cancel, one document to transfer, the driver cuts between slips). Only when it
cannot (PDF output, some drivers) are the pages painted N times in collated order.

Paper: ``"a4"`` and ``"a5"`` use the standard sizes; ``"80mm"`` uses a custom page 80 mm wide and
as long as the PDF's first page (scaled to 80 mm), or the driver's own roll size of about 80 mm
width when the driver has no custom sizes. Each PDF page is fitted into the full page of the
paper, aspect ratio kept, horizontally centred and top-aligned: a page of the same size as the
paper prints 1:1.

Threading: :func:`print_pdf` may be called on any thread that may use QtGui objects (a worker
thread is fine: Qt allows painting on a QPrinter outside the GUI thread). When it is called on the
GUI thread (the clerk's window, or the ``motcua receipt print`` CLI's main thread), the
rendering and spooling run on a helper thread while a local event loop keeps the GUI responsive.
PySide keeps the GIL inside each render/paint call, so pages are done in bands of
:data:`BAND_ROWS` rows (~15 ms each): the GUI thread's Python code never waits long (measured
under ~45 ms while a 6-page A4 job prints). Callers should disable their Print button meanwhile
because events (and so re-entrant clicks) keep being processed. The
optional dialog (``dialog=True``) is modal and needs a QApplication on the GUI thread. A
QGuiApplication (for example on the offscreen platform) is enough for everything else.

On Linux, libcups reads ``CUPS_SERVER`` once per thread; set it before the first print call of
a thread (the tests' private CUPS daemon relies on that, see ``docs/printing.md``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QEventLoop,
    QIODevice,
    QMarginsF,
    QPoint,
    QRect,
    QSize,
    QSizeF,
    Qt,
    QThread,
    QTimer,
)
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk_app.ui.printing_cups import cups_accepting_jobs

Paper = Literal["a4", "a5", "80mm"]
PAPERS: tuple[str, ...] = ("a4", "a5", "80mm")
DEFAULT_COPIES = 2
#: Pages are rendered at the printer's resolution, but never above this (an A4 page at 300 dpi
#: is already a 35 MB image; printers' 600/1200 dpi modes add nothing to a raster of a receipt).
MAX_RENDER_DPI = 300
#: Rows rendered and painted per call (see _paint_page).
BAND_ROWS = 256
#: Thermal roll width and the widths accepted as "the driver's 80 mm roll" (some drivers call
#: it 79.5 mm or 80 mm with a 72 mm printable area; the page is what matters here).
THERMAL_WIDTH_MM = 80.0
_THERMAL_WIDTH_RANGE_MM = (76.0, 82.0)

T = TypeVar("T")


# ---------------------------------------------------------------------------------- errors
class PrintError(RuntimeError):
    """A print that could not be done; ``message`` is Vietnamese, for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PrinterNotFoundError(PrintError):
    """No printer of that name (or no default printer) is installed."""


class PrinterNotReadyError(PrintError):
    """The printer exists but is stopped, in error, or refuses jobs."""


class PdfLoadError(PrintError):
    """The PDF could not be read (empty, damaged, not a PDF)."""


# ---------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class PrinterInfo:
    """One installed printer as Qt's print plugin sees it."""

    name: str
    description: str
    is_default: bool
    is_remote: bool
    state: str  # "idle" | "active" | "aborted" | "error"
    page_sizes: tuple[str, ...]  # QPageSize keys as the driver names them ("A4", "Custom.80x200mm")
    supports_custom_page_sizes: bool
    resolutions: tuple[int, ...]
    make_and_model: str = ""
    location: str = ""


@dataclass(frozen=True)
class PrintResult:
    """What was sent. ``pages`` is per copy; ``copies_by`` says who made the copies."""

    printer_name: str
    paper: str
    pages: int
    copies: int
    copies_by: Literal["printer", "loop"]
    render_dpi: int
    page_size_mm: tuple[float, float]
    cancelled: bool = False

    @property
    def painted_pages(self) -> int:
        """Pages painted into the job (pages × copies when the copies were looped)."""
        return self.pages * (self.copies if self.copies_by == "loop" else 1)


_STATES = {
    QPrinter.PrinterState.Idle: "idle",
    QPrinter.PrinterState.Active: "active",
    QPrinter.PrinterState.Aborted: "aborted",
    QPrinter.PrinterState.Error: "error",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("printing", text)


def _require_gui_app() -> None:
    if QCoreApplication.instance() is None:
        raise PrintError(
            _tr("Chưa khởi tạo Qt (cần QGuiApplication hoặc QApplication) nên không in được")
        )


def available_printers() -> list[PrinterInfo]:
    """The installed printers, default first. Needs a QGuiApplication; any thread.

    On Linux this asks CUPS (the ``CUPS_SERVER`` of the calling thread), on Windows the spooler.
    """
    _require_gui_app()
    default = QPrinterInfo.defaultPrinterName()
    printers = [_info(qi, default) for qi in QPrinterInfo.availablePrinters()]
    printers.sort(key=lambda p: (not p.is_default, p.name.casefold()))
    return printers


def _info(qi: QPrinterInfo, default_name: str) -> PrinterInfo:
    return PrinterInfo(
        name=qi.printerName(),
        description=qi.description(),
        is_default=qi.isDefault() or qi.printerName() == default_name,
        is_remote=qi.isRemote(),
        state=_STATES.get(qi.state(), "error"),
        page_sizes=tuple(ps.key() for ps in qi.supportedPageSizes()),
        supports_custom_page_sizes=qi.supportsCustomPageSizes(),
        resolutions=tuple(int(r) for r in qi.supportedResolutions()),
        make_and_model=qi.makeAndModel(),
        location=qi.location(),
    )


# ---------------------------------------------------------------------------------- the PDF
def load_pdf(pdf: bytes, parent: object = None) -> QPdfDocument:
    """A QPdfDocument holding ``pdf`` (the bytes are copied into a buffer it owns).

    Raises :class:`PdfLoadError`. The document belongs to the calling thread.
    """
    if not pdf:
        raise PdfLoadError(_tr("Không đọc được tệp PDF: tệp rỗng"))
    document = QPdfDocument(parent)  # type: ignore[arg-type]
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        error = document.error()
        document.close()  # Python owns it: freed with the last reference, on any thread
        raise PdfLoadError(_tr("Không đọc được tệp PDF để in (%1)").replace("%1", str(error.name)))
    return document


def _first_page_mm(pdf: bytes) -> tuple[float, float]:
    document = load_pdf(pdf)
    try:
        size = document.pagePointSize(0)
        return size.width() * 25.4 / 72.0, size.height() * 25.4 / 72.0
    finally:
        document.close()


# ---------------------------------------------------------------------------------- printer set-up
def find_printer(
    printer_name: str | None = None, *, check_ready: bool = True, any_printer: bool = False
) -> QPrinterInfo:
    """The QPrinterInfo of ``printer_name`` (the default printer when None), checked ready.

    ``any_printer``: without a default printer take the first one (to preset a dialog).
    Raises :class:`PrinterNotFoundError` or :class:`PrinterNotReadyError`. Any thread.
    """
    _require_gui_app()
    if printer_name:
        info = QPrinterInfo.printerInfo(printer_name)
        if info.isNull():
            names = ", ".join(p.printerName() for p in QPrinterInfo.availablePrinters())
            raise PrinterNotFoundError(
                _tr("Không tìm thấy máy in “%1”. Máy in đang có: %2.")
                .replace("%1", printer_name)
                .replace("%2", names or _tr("không có máy in nào"))
            )
    else:
        info = QPrinterInfo.defaultPrinter()
        if info.isNull() and any_printer:
            info = next(iter(QPrinterInfo.availablePrinters()), info)
        if info.isNull():
            raise PrinterNotFoundError(
                _tr("Chưa có máy in mặc định. Hãy chọn máy in hoặc cài đặt máy in mặc định.")
            )
    name = info.printerName()
    if not check_ready:
        return info
    if info.state() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
        raise PrinterNotReadyError(
            _tr("Máy in “%1” chưa sẵn sàng (đang tạm dừng hoặc báo lỗi).").replace("%1", name)
        )
    if cups_accepting_jobs(name) is False:
        raise PrinterNotReadyError(
            _tr("Máy in “%1” đang từ chối lệnh in (hàng đợi bị khoá).").replace("%1", name)
        )
    return info


def page_size_for(
    paper: str, info: QPrinterInfo | None, content_mm: tuple[float, float]
) -> QPageSize:
    """The QPageSize to request for ``paper``. ``content_mm`` is the PDF's first page size.

    For ``"80mm"``: a custom 80 mm page as long as the content when the driver accepts custom
    sizes; otherwise the driver's roll size of about 80 mm width that is long enough (or the
    longest one), so the driver's own media name goes to the printer.
    """
    if paper == "a4":
        return QPageSize(QPageSize.PageSizeId.A4)
    if paper == "a5":
        return QPageSize(QPageSize.PageSizeId.A5)
    if paper != "80mm":
        raise ValueError(f"unknown paper {paper!r}; expected one of {PAPERS}")
    width, height = content_mm
    length = round(THERMAL_WIDTH_MM * height / width, 1) if width > 0 else 200.0
    if info is not None and not info.isNull() and not info.supportsCustomPageSizes():
        rolls = []
        for ps in info.supportedPageSizes():
            size = ps.size(QPageSize.Unit.Millimeter)
            w, h = min(size.width(), size.height()), max(size.width(), size.height())
            if _THERMAL_WIDTH_RANGE_MM[0] <= w <= _THERMAL_WIDTH_RANGE_MM[1]:
                rolls.append((h, ps))
        if rolls:
            long_enough = sorted((r for r in rolls if r[0] >= length - 0.5), key=lambda r: r[0])
            return (long_enough[0] if long_enough else max(rolls, key=lambda r: r[0]))[1]
    return QPageSize(
        QSizeF(THERMAL_WIDTH_MM, length),
        QPageSize.Unit.Millimeter,
        f"80 × {length:g} mm",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )


def make_printer(
    printer_name: str | None = None,
    *,
    copies: int = DEFAULT_COPIES,
    paper: str = "a4",
    content_mm: tuple[float, float] = (210.0, 297.0),
    doc_name: str = "MotCua",
    for_dialog: bool = False,
) -> QPrinter:
    """A QPrinter for ``printer_name`` (default printer when None), preset to ``copies`` and
    ``paper``, full page, no margins, collated. Raises the :class:`PrintError` subclasses.

    ``for_dialog``: only a preset for the print dialog — any printer when there is no default,
    and no readiness check yet (the clerk may pick another printer; checked after the dialog).
    Create it on the thread that shows the dialog (if any); it may be painted on another one.
    """
    if copies < 1:
        raise ValueError("copies must be at least 1")
    info = find_printer(printer_name, check_ready=not for_dialog, any_printer=for_dialog)
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setDocName(doc_name)
    printer.setFullPage(True)
    page_size = page_size_for(paper, info, content_mm)
    orientation = QPageLayout.Orientation.Portrait
    printer.setPageLayout(
        QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    )
    printer.setCopyCount(copies)
    printer.setCollateCopies(True)
    return printer


def make_print_dialog(printer: QPrinter, parent: object = None) -> Any:
    """A QPrintDialog on ``printer`` (already preset by :func:`make_printer`), not shown.

    The copies spin box starts at the printer's copy count. Qt's own (Unix) dialog resets the
    paper to the driver's default when it is accepted unless the clerk opened its
    "Properties" page; :func:`finish_print_dialog` puts the preset paper back in that case, so
    call it after an accepted ``exec()``. Needs a QApplication; GUI thread only.
    """
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog
    from PySide6.QtWidgets import QApplication, QPushButton

    if not isinstance(QCoreApplication.instance(), QApplication):
        raise PrintError(_tr("Hộp thoại in cần giao diện đồ hoạ (QApplication)"))
    dialog = QPrintDialog(printer, parent)  # type: ignore[arg-type]
    dialog.setWindowTitle(_tr("In giấy tiếp nhận"))
    option = QAbstractPrintDialog.PrintDialogOption
    dialog.setOption(option.PrintToFile, False)
    dialog.setOption(option.PrintSelection, False)
    dialog.setOption(option.PrintCurrentPage, False)
    dialog.setOption(option.PrintPageRange, True)
    dialog.setOption(option.PrintCollateCopies, True)
    dialog.setOption(option.PrintShowPageSize, True)
    dialog.setProperty(_PAPER_TOUCHED, False)
    properties = dialog.findChild(QPushButton, "properties")  # Qt's Unix dialog only
    if properties is not None:

        def touched() -> None:
            dialog.setProperty(_PAPER_TOUCHED, True)

        properties.clicked.connect(touched)
    return dialog


_PAPER_TOUCHED = "motcuaPaperTouched"


def finish_print_dialog(
    dialog: Any, paper: str, content_mm: tuple[float, float] = (210.0, 297.0)
) -> QPrinter:
    """After an accepted dialog: the printer to paint on, with the preset ``paper`` restored
    (for the printer the clerk chose) unless the clerk opened the dialog's paper settings.
    Raises :class:`PrinterNotReadyError` when the chosen printer is stopped. GUI thread.
    """
    printer: QPrinter = dialog.printer()
    info = find_printer(printer.printerName())
    if not dialog.property(_PAPER_TOUCHED):
        printer.setFullPage(True)
        printer.setPageLayout(
            QPageLayout(
                page_size_for(paper, info, content_mm),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
                QPageLayout.Unit.Millimeter,
            )
        )
    return printer


# ---------------------------------------------------------------------------------- printing
def print_pdf(
    pdf: bytes,
    *,
    printer_name: str | None = None,
    copies: int = DEFAULT_COPIES,
    paper: str = "a4",
    parent: object = None,
    dialog: bool = False,
    doc_name: str = "MotCua",
    audit: Callable[[PrintResult], None] | None = None,
) -> PrintResult:
    """Print ``pdf`` on ``printer_name`` (the default printer when None).

    ``audit`` is called with the result once the job went to the printer (not when the
    dialog was cancelled or the print failed): the caller records who printed what.

    ``copies`` copies of ``paper`` ("a4", "a5", "80mm"). With ``dialog`` a modal QPrintDialog
    preset to those values lets the clerk change printer, copies and paper first; cancelling
    returns a result with ``cancelled=True``.

    Raises :class:`PdfLoadError`, :class:`PrinterNotFoundError`, :class:`PrinterNotReadyError`
    or :class:`PrintError` (messages in Vietnamese); ``ValueError`` for a bad ``paper``/``copies``.

    Threading: any thread with QtGui allowed; on the GUI thread the work runs on a helper thread
    under a local event loop (see the module docstring). ``dialog=True`` only on the GUI thread.
    """
    _require_gui_app()
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; expected one of {PAPERS}")
    if dialog and not _on_gui_thread():
        raise PrintError(_tr("Hộp thoại in chỉ mở được trên luồng giao diện"))
    content_mm = _first_page_mm(pdf)  # also rejects a broken PDF before any printer work
    printer = make_printer(
        printer_name,
        copies=copies,
        paper=paper,
        content_mm=content_mm,
        doc_name=doc_name,
        for_dialog=dialog,
    )
    if dialog:
        from PySide6.QtWidgets import QDialog

        box = make_print_dialog(printer, parent)
        try:
            accepted = box.exec() == QDialog.DialogCode.Accepted
            if accepted:
                printer = finish_print_dialog(box, paper, content_mm)
        finally:
            box.deleteLater()
        if not accepted:
            return PrintResult(
                printer_name=printer.printerName(),
                paper=paper,
                pages=0,
                copies=0,
                copies_by="printer",
                render_dpi=0,
                page_size_mm=_page_mm(printer),
                cancelled=True,
            )
    result = _run_responsive(lambda: print_on(printer, pdf, paper=paper))
    if audit is not None:
        audit(result)
    return result


def print_on(printer: QPrinter, pdf: bytes, *, paper: str = "custom") -> PrintResult:
    """Render every page of ``pdf`` onto the configured ``printer`` and finish the job.

    Copies as set on the printer (see the module docstring). Blocks while rendering: call it on
    a worker thread, or through :func:`print_pdf`, when a GUI is on screen.
    """
    document = load_pdf(pdf)
    try:
        return _paint_document(printer, document, paper=paper)
    finally:
        # Not deleteLater(): a worker thread has no event loop to run it. The document is
        # owned by Python and freed with its last reference.
        document.close()


def _paint_document(printer: QPrinter, document: QPdfDocument, *, paper: str) -> PrintResult:
    copies = max(1, printer.copyCount())
    by_printer = printer.supportsMultipleCopies()
    rounds = 1 if by_printer else copies
    if not by_printer:
        printer.setCopyCount(1)
    dpi = max(72, min(printer.resolution(), MAX_RENDER_DPI))
    printer.setResolution(dpi)  # PDF/CUPS: device pixels = rendered pixels; GDI keeps its own
    pages = _page_indexes(printer, document.pageCount())
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(
            _tr("Không mở được máy in “%1” để in.").replace("%1", printer.printerName())
        )
    sent = 0
    try:
        for _round in range(rounds):
            for page in pages:
                if sent and not printer.newPage():
                    raise PrintError(_tr("Máy in không nhận trang tiếp theo."))
                _paint_page(painter, printer, document, page, dpi)
                sent += 1
    except BaseException:
        printer.abort()
        raise
    finally:
        painter.end()
    if printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
        raise PrintError(
            _tr("Máy in “%1” báo lỗi khi nhận lệnh in.").replace("%1", printer.printerName())
        )
    return PrintResult(
        printer_name=printer.printerName(),
        paper=paper,
        pages=len(pages),
        copies=copies,
        copies_by="printer" if by_printer else "loop",
        render_dpi=dpi,
        page_size_mm=_page_mm(printer),
    )


def _page_indexes(printer: QPrinter, count: int) -> list[int]:
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(count, printer.toPage() or count)
        if first <= last:
            return list(range(first - 1, last))
    return list(range(count))


def _page_mm(printer: QPrinter) -> tuple[float, float]:
    rect = printer.pageLayout().fullRect(QPageLayout.Unit.Millimeter)
    return round(rect.width(), 2), round(rect.height(), 2)


def _paint_page(
    painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int, dpi: int
) -> None:
    """Fit page ``page`` into the full paper (aspect kept, centred, top-aligned), at ``dpi``.

    The printer's resolution was set to ``dpi`` (PDF/CUPS: one image pixel is one device
    pixel); a device that keeps its own resolution (Windows GDI) gets a scaled painter. The
    page is rendered and painted in bands of :data:`BAND_ROWS` rows: PySide keeps the GIL
    during QPdfDocument.render and QPainter.drawImage (a whole A4 page at 300 dpi holds it
    ~150 ms in drawImage alone), a band ~15 ms, so the GUI thread's Python code runs between
    bands. Bands sit on whole pixels, so they join without seams.
    """
    scale = printer.resolution() / dpi
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    target = QSizeF(paper.width() / scale, paper.height() / scale)
    size_pt = document.pagePointSize(page)
    source = QSizeF(size_pt.width(), size_pt.height())
    if source.isEmpty() or target.isEmpty():
        return
    fitted = source.scaled(target, Qt.AspectRatioMode.KeepAspectRatio)
    width = max(1, min(int(target.width()), round(fitted.width())))
    height = max(1, min(int(target.height()), round(fitted.height())))
    left = (int(target.width()) - width) // 2
    options = QPdfDocumentRenderOptions()
    options.setScaledSize(QSize(width, height))
    painter.save()
    if abs(scale - 1.0) > 1e-6:
        painter.scale(scale, scale)
    try:
        for top in range(0, height, BAND_ROWS):
            rows = min(BAND_ROWS, height - top)
            options.setScaledClipRect(QRect(0, top, width, rows))
            band = document.render(page, QSize(width, rows), options)
            flat = QImage(band.size(), QImage.Format.Format_RGB32)
            flat.fill(QColor("white"))  # pdfium leaves the page transparent where nothing is
            flattener = QPainter(flat)
            flattener.drawImage(0, 0, band)
            flattener.end()
            painter.drawImage(QPoint(left, top), flat)
    finally:
        painter.restore()


def _on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() == app.thread()


def _run_responsive(fn: Callable[[], T]) -> T:
    """Run ``fn`` here, or, on the GUI thread, on a helper thread under a local event loop."""
    if not _on_gui_thread():
        return fn()
    outcome: dict[str, object] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 — re-raised on the calling thread
            outcome["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name="motcua-print", daemon=True)
    worker.start()
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(10)

    def poll() -> None:
        if done.is_set():
            loop.quit()

    timer.timeout.connect(poll)
    timer.start()
    if not done.is_set():
        loop.exec()
    timer.stop()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
