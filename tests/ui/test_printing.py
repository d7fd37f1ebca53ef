"""Printing through the real print system: kiosk_app.ui.printing against a private CUPS daemon
with cups-pdf queues (tests/cups_fixture.py), checked with poppler (pdfinfo, pdftoppm) and a
real QR decoder.

The printed PDF is a raster (pages are rendered with QtPdf, as in the preview), so there is no
text for pdftotext to find in cups-pdf's output; every test page instead carries a QR code
with a distinctive word and its page number, decoded from the printed output. That checks the
content, the page order (collated copies) and that nothing was cropped away.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.cups_fixture import CupsPdfServer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

WORD = "MOTCUAPRINTXYZZY"
MM = 72.0 / 25.4
A4_PT = (595.0, 842.0)
A5_PT = (420.9, 595.3)


def make_pdf(
    pages: int = 1, size_mm: tuple[float, float] = (210.0, 297.0), tag: str = WORD
) -> bytes:
    """A PDF of ``pages`` pages of ``size_mm``, each with a QR code "<tag>-P<n>" and text."""
    import qrcode
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    width, height = size_mm[0] * MM, size_mm[1] * MM
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(width, height))
    for n in range(1, pages + 1):
        qr = qrcode.make(f"{tag}-P{n}", box_size=10, border=4).get_image()
        side = min(width, height) * 0.6
        c.drawImage(ImageReader(qr), (width - side) / 2, height - side - 20, side, side)
        c.setFont("Helvetica-Bold", 14)
        c.drawCentredString(width / 2, height - side - 40, f"{tag} {n}")
        c.rect(4, 4, width - 8, height - 8)
        c.showPage()
    c.save()
    return out.getvalue()


def pdfinfo_pages(path: Path) -> tuple[int, list[tuple[float, float]]]:
    """Page count and each page's size in points (pdfinfo)."""
    count = 0
    for line in subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines():
        if line.startswith("Pages:"):
            count = int(line.split()[1])
    sizes = []
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(count), str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith("Page") and "size:" in line:
            parts = line.split("size:")[1].split()
            sizes.append((float(parts[0]), float(parts[2])))
    return count, sizes


def decoded_qr_per_page(path: Path, tmp_path: Path, dpi: int = 100) -> list[str]:
    """Rasterise every page with pdftoppm and decode its QR code with zxing-cpp."""
    import zxingcpp
    from PIL import Image

    prefix = tmp_path / f"r{time.monotonic_ns()}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(prefix)], check=True)
    texts = []
    for png in sorted(tmp_path.glob(prefix.name + "*.png")):
        found = zxingcpp.read_barcodes(Image.open(png))
        texts.append(found[0].text if found else "")
    return texts


# ------------------------------------------------------------------------------------ no CUPS
def test_broken_pdf_is_a_clear_error(qapp: object) -> None:
    from kiosk_app.ui.printing import PdfLoadError, PrintError, load_pdf, print_pdf

    with pytest.raises(PdfLoadError) as info:
        print_pdf(b"%PDF-1.4 not really", printer_name="whatever")
    assert "Không đọc được tệp PDF" in info.value.message
    assert isinstance(info.value, PrintError)
    with pytest.raises(PdfLoadError):
        load_pdf(b"")


def test_unknown_paper_is_rejected(qapp: object) -> None:
    from kiosk_app.ui.printing import print_pdf

    with pytest.raises(ValueError, match="paper"):
        print_pdf(make_pdf(), paper="letter")


def test_80mm_page_size_follows_the_content(qapp: object) -> None:
    from PySide6.QtGui import QPageSize

    from kiosk_app.ui.printing import page_size_for

    size = page_size_for("80mm", None, (80.0, 150.0)).size(QPageSize.Unit.Millimeter)
    assert (round(size.width(), 1), round(size.height(), 1)) == (80.0, 150.0)
    size = page_size_for("80mm", None, (72.0, 144.0)).size(QPageSize.Unit.Millimeter)
    assert (round(size.width(), 1), round(size.height(), 1)) == (80.0, 160.0)
    assert page_size_for("a5", None, (1, 1)).id() == QPageSize.PageSizeId.A5


def test_80mm_uses_the_drivers_roll_size_without_custom_sizes(qapp: object) -> None:
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QPageSize

    from kiosk_app.ui.printing import page_size_for

    def size(w: float, h: float, name: str) -> QPageSize:
        return QPageSize(QSizeF(w, h), QPageSize.Unit.Millimeter, name)

    class RollDriver:  # what a thermal printer's PPD typically offers
        def isNull(self) -> bool:
            return False

        def supportsCustomPageSizes(self) -> bool:
            return False

        def supportedPageSizes(self) -> list[QPageSize]:
            return [
                size(80, 297, "Roll 80x297"),
                size(80, 3276, "Roll 80x3276"),
                size(58, 210, "58"),
            ]

    chosen = page_size_for("80mm", RollDriver(), (80.0, 140.0))  # type: ignore[arg-type]
    assert chosen.name() == "Roll 80x297"
    chosen = page_size_for("80mm", RollDriver(), (80.0, 400.0))  # type: ignore[arg-type]
    assert chosen.name() == "Roll 80x3276"


def test_printer_without_copies_gets_collated_loop_and_scaled_painter(
    qapp: object, tmp_path: Path
) -> None:
    """A PDF-file QPrinter cannot make copies (so pages are painted twice, collated), and this
    one keeps its 1200 dpi like a Windows GDI printer does (so the painter is scaled)."""
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter

    from kiosk_app.ui.printing import print_on

    class KeepsItsResolution(QPrinter):
        def setResolution(self, dpi: int) -> None:  # noqa: N802 — Qt's name
            pass

    printer = KeepsItsResolution(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
    printer.setCopyCount(2)
    assert printer.resolution() == 1200
    result = print_on(printer, make_pdf(pages=2, size_mm=(148, 210)), paper="a5")
    assert (result.copies_by, result.copies, result.pages, result.render_dpi) == ("loop", 2, 2, 300)
    assert result.painted_pages == 4
    count, sizes = pdfinfo_pages(tmp_path / "out.pdf")
    assert count == 4
    assert all(abs(w - A5_PT[0]) < 2 and abs(h - A5_PT[1]) < 2 for w, h in sizes)
    decoded = decoded_qr_per_page(tmp_path / "out.pdf", tmp_path)
    assert decoded == [f"{WORD}-P{n}" for n in (1, 2, 1, 2)]


# ------------------------------------------------------------------------------------ real CUPS
def test_available_printers_come_from_cups(qapp: object, cups_pdf_queue: CupsPdfServer) -> None:
    from kiosk_app.ui.printing import available_printers

    printers = {p.name: p for p in available_printers()}
    queue = printers[cups_pdf_queue.queue]
    assert queue.state == "idle"
    assert {"A4", "A5"} <= set(queue.page_sizes)
    assert queue.supports_custom_page_sizes
    assert printers[cups_pdf_queue.stopped_queue].state == "error"


def test_a4_two_copies_collated(
    qapp: object, cups_pdf_queue: CupsPdfServer, tmp_path: Path
) -> None:
    from kiosk_app.ui.printing import print_pdf

    result = print_pdf(make_pdf(pages=2), printer_name=cups_pdf_queue.queue, copies=2, paper="a4")
    assert (result.pages, result.copies, result.copies_by) == (2, 2, "printer")
    assert result.painted_pages == 2  # CUPS makes the second copy
    [out] = cups_pdf_queue.new_outputs(1)
    count, sizes = pdfinfo_pages(out)
    assert count == 4, "2 pages x 2 copies"
    for w, h in sizes:
        assert abs(w - A4_PT[0]) < 2 and abs(h - A4_PT[1]) < 2
    assert decoded_qr_per_page(out, tmp_path) == [f"{WORD}-P{n}" for n in (1, 2, 1, 2)]


def test_a5_receipt_on_a5_paper(
    qapp: object, cups_pdf_queue: CupsPdfServer, tmp_path: Path
) -> None:
    from kiosk_app.ui.printing import print_pdf

    result = print_pdf(
        make_pdf(size_mm=(148, 210)), printer_name=cups_pdf_queue.queue, copies=1, paper="a5"
    )
    assert result.page_size_mm == (148.0, 210.0)
    [out] = cups_pdf_queue.new_outputs(1)
    count, [(w, h)] = pdfinfo_pages(out)
    assert count == 1
    assert abs(w - A5_PT[0]) < 2 and abs(h - A5_PT[1]) < 2
    assert decoded_qr_per_page(out, tmp_path) == [f"{WORD}-P1"]


def test_80mm_slip_is_80mm_wide(
    qapp: object, cups_pdf_queue: CupsPdfServer, tmp_path: Path
) -> None:
    from kiosk_app.ui.printing import print_pdf

    slip = make_pdf(size_mm=(80, 140), tag="SLIP80")
    result = print_pdf(slip, printer_name=cups_pdf_queue.queue, copies=2, paper="80mm")
    assert result.page_size_mm == (80.0, 140.0)
    [out] = cups_pdf_queue.new_outputs(1)
    count, sizes = pdfinfo_pages(out)
    assert count == 2
    for w, h in sizes:
        assert abs(w / MM - 80) < 1.0, f"{w / MM:.1f} mm wide"
        assert abs(h / MM - 140) < 1.0, f"{h / MM:.1f} mm long"
    assert decoded_qr_per_page(out, tmp_path, dpi=203) == ["SLIP80-P1", "SLIP80-P1"]


def test_a5_pdf_fits_a4_paper_keeping_aspect(
    qapp: object, cups_pdf_queue: CupsPdfServer, tmp_path: Path
) -> None:
    from kiosk_app.ui.printing import print_pdf

    print_pdf(make_pdf(size_mm=(148, 210)), printer_name=cups_pdf_queue.queue, copies=1)
    [out] = cups_pdf_queue.new_outputs(1)
    _count, [(w, h)] = pdfinfo_pages(out)
    assert abs(w - A4_PT[0]) < 2 and abs(h - A4_PT[1]) < 2
    assert decoded_qr_per_page(out, tmp_path) == [f"{WORD}-P1"]


def test_unknown_printer_is_a_clear_error(qapp: object, cups_pdf_queue: CupsPdfServer) -> None:
    from kiosk_app.ui.printing import PrinterNotFoundError, print_pdf

    with pytest.raises(PrinterNotFoundError) as info:
        print_pdf(make_pdf(), printer_name="khong-co-may-in-nay")
    assert "Không tìm thấy máy in “khong-co-may-in-nay”" in info.value.message
    assert cups_pdf_queue.queue in info.value.message  # names the printers there are


def test_no_default_printer_is_a_clear_error(qapp: object, cups_pdf_queue: CupsPdfServer) -> None:
    from kiosk_app.ui.printing import PrinterNotFoundError, print_pdf

    with pytest.raises(PrinterNotFoundError, match="Chưa có máy in mặc định"):
        print_pdf(make_pdf())  # the private CUPS has no default destination


def test_dialog_on_a_stopped_printer_reports_it_after_the_dialog(
    qapp: object, cups_pdf_queue: CupsPdfServer
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk_app.ui.printing import PrinterNotReadyError, print_pdf

    def accept_dialog() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, accept_dialog)
            return
        box.accept()

    QTimer.singleShot(0, accept_dialog)
    with pytest.raises(PrinterNotReadyError):
        print_pdf(make_pdf(), printer_name=cups_pdf_queue.stopped_queue, dialog=True)


def test_stopped_printer_is_not_ready(qapp: object, cups_pdf_queue: CupsPdfServer) -> None:
    from kiosk_app.ui.printing import PrinterNotReadyError, print_pdf

    with pytest.raises(PrinterNotReadyError, match="chưa sẵn sàng"):
        print_pdf(make_pdf(), printer_name=cups_pdf_queue.stopped_queue)


def test_rejecting_queue_is_not_ready(qapp: object, cups_pdf_queue: CupsPdfServer) -> None:
    from kiosk_app.ui.printing import PrinterNotReadyError, find_printer

    cups_pdf_queue.lp("cupsreject", cups_pdf_queue.queue)
    try:
        with pytest.raises(PrinterNotReadyError, match="từ chối"):
            find_printer(cups_pdf_queue.queue)
    finally:
        cups_pdf_queue.lp("cupsaccept", cups_pdf_queue.queue)
    assert find_printer(cups_pdf_queue.queue).printerName() == cups_pdf_queue.queue


def test_print_dialog_is_preset(qapp: object, cups_pdf_queue: CupsPdfServer) -> None:
    from PySide6.QtGui import QPageLayout
    from PySide6.QtWidgets import QSpinBox

    from kiosk_app.ui.printing import finish_print_dialog, make_print_dialog, make_printer

    printer = make_printer(cups_pdf_queue.queue, copies=2, paper="a5")
    dialog = make_print_dialog(printer)
    try:
        assert dialog.printer().printerName() == cups_pdf_queue.queue
        assert dialog.printer().copyCount() == 2
        spin = dialog.findChild(QSpinBox, "copies")
        if spin is not None:  # Qt's widget-based Unix dialog
            assert spin.value() == 2
        # accept() copies the dialog's widgets back into the printer, as after a real OK
        # (Qt's Unix dialog puts the driver's default paper back; finish_print_dialog fixes it).
        dialog.accept()
        chosen = finish_print_dialog(dialog, "a5")
        assert chosen.copyCount() == 2
        assert chosen.printerName() == cups_pdf_queue.queue
        size = chosen.pageLayout().fullRect(QPageLayout.Unit.Millimeter)
        assert (round(size.width()), round(size.height())) == (148, 210)
    finally:
        dialog.deleteLater()


def test_print_with_dialog_accepted(
    qapp: object, qtbot: object, cups_pdf_queue: CupsPdfServer, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk_app.ui.printing import print_pdf

    seen: list[int] = []

    def accept_dialog() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, accept_dialog)
            return
        seen.append(box.printer().copyCount())
        box.accept()

    QTimer.singleShot(0, accept_dialog)
    pdf = make_pdf(size_mm=(148, 210))
    result = print_pdf(pdf, printer_name=cups_pdf_queue.queue, dialog=True, paper="a5")
    assert seen == [2]
    assert not result.cancelled and result.copies == 2
    [out] = cups_pdf_queue.new_outputs(1)
    _count, sizes = pdfinfo_pages(out)
    assert all(abs(w - A5_PT[0]) < 2 and abs(h - A5_PT[1]) < 2 for w, h in sizes), sizes
    assert decoded_qr_per_page(out, tmp_path) == [f"{WORD}-P1", f"{WORD}-P1"]


def test_print_with_dialog_cancelled(qapp: object, cups_pdf_queue: CupsPdfServer) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk_app.ui.printing import print_pdf

    def reject_dialog() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, reject_dialog)
            return
        box.reject()

    QTimer.singleShot(0, reject_dialog)
    result = print_pdf(make_pdf(), printer_name=cups_pdf_queue.queue, dialog=True)
    assert result.cancelled and result.pages == 0
    time.sleep(0.5)
    assert not cups_pdf_queue.pending_jobs()
    assert not [p for p in cups_pdf_queue.outputs() if p not in cups_pdf_queue._seen]


def test_gui_thread_keeps_running_while_printing(
    qapp: object, cups_pdf_queue: CupsPdfServer
) -> None:
    """Rendering and spooling run off the GUI thread: a 10 ms timer keeps ticking."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    from kiosk_app.ui.printing import print_pdf

    pdf = make_pdf(pages=6)
    clock = QElapsedTimer()
    ticks: list[int] = []

    def tick() -> None:
        ticks.append(clock.elapsed())

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    started = clock.elapsed()
    print_pdf(pdf, printer_name=cups_pdf_queue.queue, copies=1)
    finished = clock.elapsed()
    timer.stop()
    cups_pdf_queue.new_outputs(1)
    during = [t for t in ticks if started <= t <= finished]
    gaps = [b - a for a, b in zip([started, *during], [*during, finished], strict=True)]
    print(f"printing took {finished - started} ms, {len(during)} ticks, max gap {max(gaps)} ms")
    # Structural, not a timing goal (bench/gui_stalls.py measures stalls): the GUI thread keeps
    # running through the print — many ticks, and no single gap holding most of the job, as
    # painting every page in one go on the GUI thread would.
    assert len(during) >= 3
    assert max(gaps) < 0.5 * (finished - started)


def test_cli_like_process_with_only_qguiapplication(
    cups_pdf_queue: CupsPdfServer, tmp_path: Path
) -> None:
    """`motcua receipt print` runs with a QGuiApplication on the offscreen platform."""
    pdf_file = tmp_path / "slip.pdf"
    pdf_file.write_bytes(make_pdf(size_mm=(80, 120), tag="CLISLIP"))
    script = textwrap.dedent(
        f"""
        import sys
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QApplication
        app = QGuiApplication([])
        assert not isinstance(app, QApplication)
        from kiosk_app.ui.printing import PrintError, print_pdf
        pdf = open({str(pdf_file)!r}, "rb").read()
        try:
            print_pdf(pdf, printer_name={cups_pdf_queue.queue!r}, dialog=True)
        except PrintError as exc:
            print("dialog refused:", exc.message)
        result = print_pdf(pdf, printer_name={cups_pdf_queue.queue!r}, copies=1, paper="80mm")
        print("printed", result.pages, result.copies_by, result.page_size_mm)
        """
    )
    env = cups_pdf_queue.env() | {"QT_QPA_PLATFORM": "offscreen"}
    root = Path(__file__).resolve().parents[2]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "dialog refused: Hộp thoại in cần giao diện đồ hoạ" in done.stdout
    assert "printed 1 printer (80.0, 120.0)" in done.stdout
    [out] = cups_pdf_queue.new_outputs(1)
    _count, [(w, _h)] = pdfinfo_pages(out)
    assert abs(w / MM - 80) < 1.0
    assert decoded_qr_per_page(out, tmp_path, dpi=203) == ["CLISLIP-P1"]
