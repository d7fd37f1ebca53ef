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
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaFrag

from kiosk_app.receipts.fonts import Fonts
from kiosk_app.receipts.layout import TAG_RE, FontSizes, ReceiptLayout
from kiosk_app.receipts.model import ReceiptModel
from kiosk_app.receipts.qrdraw import QRFlowable

_GAP = re.compile(r" {2,}")
_MARKUP = re.compile("[<&]")
# text reportlab's paragraph cleaner leaves as it is: words (no whitespace, no zero-width
# space: the characters it strips and splits on) one plain space apart
_CLEAN = re.compile(r"[^\s\u200b]+(?: [^\s\u200b]+)*")
REPRINT_COLOUR = colors.HexColor("#b00020")
FOOTER_COLOUR = colors.HexColor("#444444")


def escape(text: str) -> str:
    """``text`` safe inside reportlab paragraph markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Escaped:
    """``values`` as a template reads them: escaped, "" when missing. Only the placeholders a
    template names are escaped (a receipt fills ~20 templates from ~30 values)."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values

    def __getitem__(self, key: str) -> str:
        return escape(self.values.get(key, ""))


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with escaped values; a placeholder without a value prints nothing."""
    text = template.format_map(_Escaped(values))
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


@lru_cache(maxsize=16)
def make_styles(fonts: Fonts, sizes: FontSizes, leading: float) -> Styles:
    """The styles for ``sizes``; ``leading`` is the line height as a multiple of the size.

    Cached (the same objects for every receipt of a paper): their fragments are cached too,
    see :class:`Para`. Never change a returned style; derive one (:func:`resized`).
    """

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


@lru_cache(maxsize=64)
def resized(style: ParagraphStyle, name: str, size: float) -> ParagraphStyle:
    """``style`` at ``size`` (leading 1.3 × size), cached like :func:`make_styles`."""
    return ParagraphStyle(name, parent=style, fontSize=size, leading=size * 1.3)


class Para(Paragraph):
    """reportlab's Paragraph with two shortcuts that leave the output exactly as it was.

    - Text without markup (no ``<`` or ``&``: most receipt lines) skips reportlab's markup
      parser, built on ``html.parser`` and the largest part of making a paragraph: its one
      fragment is the fragment the parser makes for the style (:func:`_plain_fragment`, parsed
      once per style) holding the text, cleaned by reportlab's own cleaner as before (unless
      there is nothing to clean).
    - ``wrap`` at the width it last broke the lines for returns the same size without breaking
      them again: platypus wraps a table's cells two or three times at one width (measuring
      the table, keeping a heading with it, drawing it), and the lines depend on the width
      only.
    """

    def __init__(
        self,
        text: str | None,
        style: ParagraphStyle | None = None,
        bulletText: str | None = None,  # reportlab's names: split() passes them
        frags: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self._wrapped: tuple[float, Any, tuple[float, float]] | None = None
        if frags is None and bulletText is None and _is_plain(text, style):
            if not _CLEAN.fullmatch(text):  # else already clean: words one space apart
                text = cleanBlockQuotedText(text)
            if text:  # the parser makes no fragment at all of blank text
                # lists of its own, as each parse makes (reportlab only reads them)
                frags = [_plain_fragment(style).clone(text=text, link=[], us_lines=[])]
                textTransformFrags(frags, style)
        super().__init__(text, style, bulletText, frags, **kwargs)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # the remembered lines must still be the paragraph's own: split() deletes them when
        # the paragraph moves on whole to the next frame
        memo = self._wrapped
        if memo and memo[0] == availWidth and memo[1] is getattr(self, "blPara", None):
            return memo[2]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, getattr(self, "blPara", None), size)
        return size


def _is_plain(text: str | None, style: ParagraphStyle | None) -> bool:
    """Text the parser would make one fragment of: no tag, no entity, no bullet."""
    return (
        bool(text)
        and style is not None
        and not _MARKUP.search(text)
        and not getattr(style, "bulletText", None)
    )


@lru_cache(maxsize=256)
def _plain_fragment(style: ParagraphStyle) -> ParaFrag:
    """The fragment reportlab's parser makes of plain text in ``style`` (copied before use)."""
    (fragment,) = Paragraph("x", style).frags
    return fragment


def para(template: str, values: Mapping[str, str], style: ParagraphStyle) -> Paragraph:
    """A paragraph of a wording template filled with (escaped) values."""
    return Para(fill(template, values), style)


def text_para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph printing ``text`` as it is (no markup)."""
    return Para(escape(text), style)


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
        left.append(Para(line, resized(style, "agency", size)))
    left.append(HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=4))
    # the national name is one line on every paper: shrink it rather than wrap it
    national = w.text("common", "national_name")
    bold = styles.header_bold
    size = fit_size(national, bold.fontName, bold.fontSize, right_w - 6)
    right: list[Flowable] = [
        text_para(national, resized(bold, "national", size)),
        text_para(w.text("common", "national_motto"), styles.header_bold),
        HRFlowable(width="45%", thickness=0.6, color=colors.black, spaceBefore=4, spaceAfter=3),
        text_para(place_date, styles.header),
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
        text_para(left, styles.bold_center),
        text_para(hint, styles.small_center),
    ]
    cells_r = [
        text_para(right, styles.bold_center),
        text_para(right_hint or hint, styles.small_center),
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
    return [Para(" ".join(texts), styles.small)] if texts else []


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
    texts.append(text_para(model.code, styles.small))
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
    return text_para(f"({layout.wording.text('common', 'reprint_mark')})", styles.mark)


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
    """A page-end callback writing code, copy, page within the copy and the reprint mark
    (the copy as the last :class:`CopyMarker` drawn set it)."""

    def draw(canvas: Any, doc: Any) -> None:
        label, first = getattr(canvas, "_motcua_copy", ("", 1))
        page = canvas.getPageNumber() - first + 1
        draw_footer(canvas, model, layout, fonts, size, (doc.pagesize[0] / 2, bottom), label, page)

    return draw


def draw_footer(
    canvas: Any,
    model: ReceiptModel,
    layout: ReceiptLayout,
    fonts: Fonts,
    size: float,
    at: tuple[float, float],
    label: str,
    page: int,
) -> None:
    """The footer line of one page, centred on ``at``: code · copy · "Trang n" (the page within
    the copy) · reprint mark."""
    page_text = layout.wording.text("common", "page").format(page=page)
    parts = [model.code, label, page_text]
    if model.reprint:
        parts.append(layout.wording.text("common", "reprint_mark"))
    canvas.saveState()
    canvas.setFont(fonts.regular, size)
    canvas.setFillColor(FOOTER_COLOUR)
    canvas.drawCentredString(*at, " · ".join(p for p in parts if p))
    canvas.restoreState()


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)
