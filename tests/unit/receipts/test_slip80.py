"""The 80 mm thermal slip: 80 mm wide, essentials only, legible at 203 dpi, QR decodes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PIL import Image

from kiosk_app.receipts.errors import ReceiptArgumentError
from kiosk_app.receipts.layout import load_layout
from kiosk_app.receipts.qrdraw import QRFlowable, slip_qr
from kiosk_app.receipts.render import render_pdf

from .conftest import (
    SIGNED_LIKE,
    URL_LIKE,
    flat,
    needs_poppler,
    page_texts,
    rasterise,
    submit,
    words_with_boxes,
)

pytestmark = needs_poppler
MM = 72 / 25.4


@pytest.mark.parametrize("qr_text", [SIGNED_LIKE, URL_LIKE, None])
def test_slip_decodes_at_203_dpi(kiosk, tmp_path, decoded, qr_text):
    code = submit(kiosk, "1.004873")
    pdf = render_pdf(kiosk, code, kind="slip80", qr_text=qr_text)
    png = rasterise(pdf, tmp_path, 203)[0]
    with Image.open(png) as image:
        assert abs(image.width - round(80 / 25.4 * 203)) <= 1  # an 80 mm roll at 203 dpi
    expected = qr_text or code
    assert decoded(png) == ([expected], [expected])


def test_slip_has_the_essentials_and_nothing_personal_beyond(kiosk, tmp_path):
    kiosk.office = replace(kiosk.office, hotline="0234 3876 543")
    code = submit(kiosk, "1.004873")
    pdf = render_pdf(kiosk, code, kind="slip80", paper="80mm", reprint=True)
    pages = page_texts(pdf, tmp_path)
    assert len(pages) == 1
    text = flat(pages[0])
    for value in (
        code,
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "09 giờ 30 phút, ngày 12 tháng 3 năm 2025",
        "Hẹn trả:",
        "0234 3876 543",
        "Bản in lại",
        "UBND XÃ NAM ĐÔNG",
    ):
        assert value in text, value
    assert "001090012345" not in text  # the ID number stays off a slip that may be dropped
    sizes, words = words_with_boxes(pdf, tmp_path)
    assert abs(sizes[0][0] - 80 * MM) < 0.5
    # printable band: 4 mm each side of the 72 mm the head can reach
    assert all(x0 >= 4 * MM - 0.5 and x1 <= 76 * MM + 0.5 for _, _, x0, _, x1, _ in words)
    # text at least 8 pt: a word box of Noto Sans is 1.362 × its size (ascent + descent),
    # so 8 pt gives 10.9 pt and 7.5 pt would give 10.2
    assert min(y1 - y0 for *_, y0, _x1, y1 in words) >= 8 * 1.362 - 0.1


def test_qr_modules_are_whole_printer_dots(kiosk):
    layout = load_layout()
    spec = layout.slip
    module = spec.qr_module_dots * 72 / spec.dpi
    qr = QRFlowable(SIGNED_LIKE, module, border=layout.qr_border, ec=layout.qr_error_correction)
    dots = qr.side / (72 / spec.dpi)
    assert spec.qr_module_dots >= 3
    assert abs(dots - round(dots)) < 1e-6
    assert qr.side < 60 * MM  # fits the 72 mm band with its quiet zone


def test_long_payload_keeps_whole_dots_and_fits_the_roll() -> None:
    layout = load_layout()
    width = layout.slip.printable_mm * MM
    for text in (SIGNED_LIKE, "X" * 1500, "x" * 1200):
        qr = slip_qr(text, layout, width)
        dots = qr.module / (72 / layout.slip.dpi)
        assert abs(dots - round(dots)) < 1e-6 and round(dots) >= 3
        assert qr.side <= width


def test_payload_beyond_a_qr_is_a_clear_error(kiosk) -> None:
    code = submit(kiosk)
    for kind in ("slip80", "mau01"):
        with pytest.raises(ReceiptArgumentError, match="mã QR quá dài"):
            render_pdf(kiosk, code, kind=kind, qr_text="x" * 3000)
