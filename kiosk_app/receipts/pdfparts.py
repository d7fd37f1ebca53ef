"""Building blocks shared by the receipt renderers: styles, worded paragraphs, the office
header, signatures, the lookup block and the page footer (the QR is in :mod:`.qrdraw`). reportlab only, no Qt.

Constraint: every value from the dossier goes through :func:`escape` before it meets a
template, so a name with "<" or "&" prints as typed and cannot inject markup; templates come
from wording.yaml and may use the few tags :mod:`.layout` allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from kiosk_app.receipts.fonts import Fonts
from kiosk_app.receipts.layout import TAG_RE, FontSizes, ReceiptLayout
from kiosk_app.receipts.model import ReceiptModel
from kiosk_app.receipts.qrdraw import QRFlowable

_GAP = re.compile(r" {2,}")
REPRINT_COLOUR = colors.HexColor("#b00020")


def escape(text: str) -> str:
    """``text`` safe inside reportlab paragraph markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with escaped values; a placeholder without a value prints nothing."""
    text = template.format_map(_Blank({k: escape(v) for k, v in values.items()}))
    # paragraphs collapse runs of spaces; a template's deliberate gap must survive
    return _GAP.sub(lambda m: "&nbsp;" * (len(m.group(0)) - 1) + " ", text)


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of one paper, from the layout's type sizes."""

    body: ParagraphStyle
    small: ParagraphStyle
    small_center: ParagraphStyle
    header: ParagraphStyle
    header_bold: ParagraphStyle
    title: ParagraphStyle
    code: ParagraphStyle
    center: ParagraphStyle
    bold_center: ParagraphStyle
    mark: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle


def make_styles(fonts: Fonts, sizes: FontSizes, leading: float) -> Styles:
    """The styles for ``sizes``; ``leading`` is the line height as a multiple of the size."""

    def st(name: str, size: float, bold: bool = False, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=fonts.bold if bold else fonts.regular,
            fontSize=size,
            leading=size * leading,
            # a long word (an e-mail, a run of digits) must break rather than run off the page
            splitLongWords=1,
            **kw,
        )

    return Styles(
        body=st("body", sizes.body, alignment=TA_LEFT, spaceAfter=sizes.body * 0.25),
        small=st("small", sizes.small),
        small_center=st("small_center", sizes.small, alignment=TA_CENTER),
        header=st("header", sizes.header, alignment=TA_CENTER),
        header_bold=st("header_bold", sizes.header, True, alignment=TA_CENTER),
        title=st("title", sizes.title, True, alignment=TA_CENTER, spaceBefore=sizes.title * 0.6),
        code=st("code", sizes.code, alignment=TA_CENTER),
        center=st("center", sizes.body, alignment=TA_CENTER),
        bold_center=st("bold_center", sizes.body, True, alignment=TA_CENTER),
        mark=st("mark", sizes.code, True, alignment=TA_CENTER, textColor=REPRINT_COLOUR),
        cell=st("cell", sizes.small),
        cell_head=st("cell_head", sizes.small, True, alignment=TA_CENTER),
    )


def para(template: str, values: Mapping[str, str], style: ParagraphStyle) -> Paragraph:
    """A paragraph of a wording template filled with (escaped) values."""
    return Paragraph(fill(template, values), style)


# ------------------------------------------------------------------ header, signatures
def fit_size(text: str, font: str, size: float, width: float) -> float:
    """``size``, shrunk so ``text`` fits ``width`` on one line (never below 6 pt)."""
    need = stringWidth(text, font, size)
    return size if need <= width else max(6.0, size * width / need * 0.98)


def office_header(
    model: ReceiptModel,
    layout: ReceiptLayout,
    styles: Styles,
    width: float,
    left_share: float,
    place_date: str,
) -> Table:
    """Agency block (left) and national name, motto, place and date (right), as Mẫu 01 has."""
    w = layout.wording
    values = model.values()
    left_w, right_w = width * left_share, width * (1 - left_share)
    left: list[Flowable] = []
    for text, bold in layout.header.agency_lines:
        style = styles.header_bold if bold else styles.header
        line = fill(text, values)
        # a short fixed line ("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ") reads better shrunk a little
        # than broken; a long agency name still wraps at 85 % of the size
        plain = TAG_RE.sub("", line)
        size = max(
            style.fontSize * 0.85, fit_size(plain, style.fontName, style.fontSize, left_w - 6)
        )
        left.append(
            Paragraph(
                line, ParagraphStyle("agency", parent=style, fontSize=size, leading=size * 1.3)
            )
        )
    left.append(HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=4))
    # the national name is one line on every paper: shrink it rather than wrap it
    national = w.text("common", "national_name")
    bold = styles.header_bold
    size = fit_size(national, bold.fontName, bold.fontSize, right_w - 6)
    national_style = ParagraphStyle("national", parent=bold, fontSize=size, leading=size * 1.3)
    right: list[Flowable] = [
        Paragraph(escape(national), national_style),
        Paragraph(escape(w.text("common", "national_motto")), styles.header_bold),
        HRFlowable(width="45%", thickness=0.6, color=colors.black, spaceBefore=4, spaceAfter=3),
        Paragraph(escape(place_date), styles.header),
    ]
    table = Table([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                # the short rules under each block are centred like the text above them
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def place_date(model: ReceiptModel, layout: ReceiptLayout, when: Any) -> str:
    """ "Nam Đông, ngày 12 tháng 03 năm 2025" for the header (place left out when unknown)."""
    from kiosk_app.receipts.model import date_parts

    text = layout.wording.text("common", "place_date").format(place=model.place, **date_parts(when))
    return text.lstrip(", ") if not model.place else text


def signatures(
    left: str, right: str, hint: str, right_hint: str, styles: Styles, width: float, gap: float
) -> Table:
    """Two signature blocks side by side (an empty ``left`` leaves its column blank)."""
    cells_l = [
        Paragraph(escape(left), styles.bold_center),
        Paragraph(escape(hint), styles.small_center),
    ]
    cells_r = [
        Paragraph(escape(right), styles.bold_center),
        Paragraph(escape(right_hint or hint), styles.small_center),
    ]
    if not left:
        cells_l = []
    table = Table(
        [[cells_l, cells_r], ["", ""]],
        colWidths=[width / 2, width / 2],
        rowHeights=[None, gap],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def lookup_lines(model: ReceiptModel, layout: ReceiptLayout, styles: Styles) -> list[Flowable]:
    """The lookup address and hotline as one small paragraph (each left out when the office
    has none): one paragraph, because on A5 every line decides whether a copy fits a page."""
    w = layout.wording
    values = model.values()
    texts = []
    if model.lookup_address:
        texts.append(fill(w.text("common", "lookup"), values))
    if model.hotline:
        texts.append(fill(w.text("common", "hotline"), values))
    return [Paragraph(" ".join(texts), styles.small)] if texts else []


def lookup_block(
    model: ReceiptModel,
    layout: ReceiptLayout,
    styles: Styles,
    qr: QRFlowable,
    width: float,
) -> Table:
    """The QR with the lookup address and hotline beside it."""
    w = layout.wording
    values = model.values()
    texts: list[Flowable] = []
    if model.lookup_address:
        texts.append(para(w.text("common", "lookup"), values, styles.small))
    if model.hotline:
        texts.append(para(w.text("common", "hotline"), values, styles.small))
    texts.append(Paragraph(escape(model.code), styles.small))
    table = Table([[qr, texts]], colWidths=[qr.side + 4, width - qr.side - 4])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )
    return table


def reprint_mark(layout: ReceiptLayout, styles: Styles) -> Paragraph:
    """ "(Bản in lại)" in red under the title."""
    return Paragraph(f"({escape(layout.wording.text('common', 'reprint_mark'))})", styles.mark)


class CopyMarker(Flowable):
    """Zero-size marker: the copy ("Liên 1: …") whose pages follow, read by the page footer."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._motcua_copy = (self.label, self.canv.getPageNumber())


def footer(
    model: ReceiptModel, layout: ReceiptLayout, fonts: Fonts, size: float, bottom: float
) -> Callable[[Any, Any], None]:
    """A page-end callback writing code, copy, page within the copy and the reprint mark."""

    def draw(canvas: Any, doc: Any) -> None:
        label, first = getattr(canvas, "_motcua_copy", ("", 1))
        page = canvas.getPageNumber() - first + 1
        page_text = layout.wording.text("common", "page").format(page=page)
        parts = [model.code, label, page_text]
        if model.reprint:
            parts.append(layout.wording.text("common", "reprint_mark"))
        canvas.saveState()
        canvas.setFont(fonts.regular, size)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawCentredString(doc.pagesize[0] / 2, bottom, " · ".join(p for p in parts if p))
        canvas.restoreState()

    return draw


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)
