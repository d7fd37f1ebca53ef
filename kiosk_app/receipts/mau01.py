"""Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Thông tư 01/2018/TT-VPCP), A4 or A5.

Parts in the order of ``layout.yaml`` ``parts.mau01`` (DOMAIN.md's order by default), worded by
``wording.yaml``. One copy per entry of ``mau01.copies`` ("Liên 1: Lưu hồ sơ", "Liên 2: Giao
người nộp"); each copy starts on a new page. Everything is a flowing paragraph or a table whose
rows may split, so long names, addresses and document lists wrap and run onto further pages
instead of overflowing; the footer of every page names the code, the copy and its page.

The copies differ only in their copy line and footer, so the story is laid out once and each
page kept as a PDF form that every copy's page draws (:class:`_SharedCopies`): half the work of
laying out every copy, the same pages on paper.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from kiosk_app.receipts.fonts import Fonts, register_fonts
from kiosk_app.receipts.layout import PaperSpec, ReceiptLayout
from kiosk_app.receipts.model import ReceiptModel
from kiosk_app.receipts.pdfparts import (
    CopyMarker,
    Para,
    Styles,
    draw_footer,
    footer,
    lookup_lines,
    make_styles,
    office_header,
    para,
    place_date,
    reprint_mark,
    signatures,
    spacer,
    text_para,
)
from kiosk_app.receipts.qrdraw import a_paper_qr

PartFn = Callable[["_Ctx"], list[Flowable]]


class _Ctx:
    """What every part needs while one copy is laid out."""

    def __init__(
        self,
        model: ReceiptModel,
        layout: ReceiptLayout,
        spec: PaperSpec,
        styles: Styles,
        fonts: Fonts,
        qr_text: str,
        copy: str,
        shared: _SharedCopies | None = None,
    ) -> None:
        self.model, self.layout, self.spec, self.styles = model, layout, spec, styles
        self.fonts, self.qr_text, self.copy, self.shared = fonts, qr_text, copy, shared
        self.width = (spec.width_mm - spec.left_mm - spec.right_mm) * mm
        self.values = model.values(layout.wording.text("common", "empty"))
        blank = layout.wording.text("common", "blank")
        self.values["book"] = model.register_book or blank
        self.values["number"] = model.register_number or blank

    def line(self, key: str) -> list[Flowable]:
        return [para(self.layout.wording.text("mau01", key), self.values, self.styles.body)]

    def copy_paragraph(self, copy: str) -> Paragraph:
        """The line naming ``copy`` ("Liên 1: Lưu hồ sơ")."""
        values = {**self.values, "copy": copy}
        return para(self.layout.wording.text("mau01", "copy"), values, self.styles.center)

    def copy_line(self) -> Flowable:
        """This copy's line, or the room for every copy's line when the copies share a layout."""
        return _CopyLine(self.shared) if self.shared else self.copy_paragraph(self.copy)


def _header(c: _Ctx) -> list[Flowable]:
    when = c.model.received_at
    dated = place_date(c.model, c.layout, when) if when else ""
    return [
        office_header(c.model, c.layout, c.styles, c.width, c.spec.header_left_share, dated),
        spacer(2),
    ]


def _title(c: _Ctx) -> list[Flowable]:
    out: list[Flowable] = [text_para(c.layout.wording.text("mau01", "title"), c.styles.title)]
    if c.model.reprint:
        out.append(reprint_mark(c.layout, c.styles))
    return out


def _code(c: _Ctx) -> list[Flowable]:
    # the QR sits right of the code, where a scanner looks first; the room its height leaves
    # beside it takes the lookup address and hotline unless the layout lists "lookup" itself
    w = c.layout.wording
    qr = a_paper_qr(c.qr_text, c.layout, c.spec.name)
    lines: list[Flowable] = [
        para(w.text("mau01", "code"), c.values, c.styles.code),
        c.copy_line(),
    ]
    if "lookup" not in c.layout.parts["mau01"]:
        for p in lookup_lines(c.model, c.layout, c.styles):
            lines += [spacer(1.5), Para(p.text, c.styles.small_center)]
    side = qr.side + 2
    table = Table([["", lines, qr]], colWidths=[side, c.width - 2 * side, side])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table, spacer(1)]


def _documents(c: _Ctx) -> list[Flowable]:
    w, s = c.layout.wording, c.styles
    head = [text_para(t, s.cell_head) for t in w.texts("mau01", "documents_columns")]
    rows: list[list[Any]] = [head]
    for i, doc in enumerate(c.model.documents, 1):
        rows.append(
            [
                text_para(str(i), s.cell),
                text_para(doc.name, s.cell),
                text_para(doc.form_label, s.cell),
                text_para(f"{doc.count:02d}", s.cell),
            ]
        )
    if not c.model.documents:
        rows.append(["", text_para(w.text("mau01", "no_documents"), s.cell), "", ""])
    table = Table(
        rows,
        colWidths=[c.width * share for share in c.layout.documents_columns],
        repeatRows=1,
        # a document name longer than a page still splits instead of raising LayoutError
        splitInRow=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    heading = c.line("documents")[0]
    heading.keepWithNext = True
    return [heading, table, spacer(1.5)]


def _signatures(c: _Ctx) -> list[Flowable]:
    w = c.layout.wording
    hint = w.text("common", "sign_hint")
    table = signatures(
        w.text("mau01", "signer_left"),
        w.text("mau01", "signer_right"),
        hint,
        w.text("mau01", "signer_right_hint") if w.has("mau01", "signer_right_hint") else hint,
        c.styles,
        c.width,
        c.spec.signature_space_mm * mm,
    )
    return [spacer(2), table]


def _note(c: _Ctx) -> list[Flowable]:
    return [para(c.layout.wording.text("mau01", "note"), c.values, c.styles.small)]


def _lookup(c: _Ctx) -> list[Flowable]:
    return [spacer(1), *lookup_lines(c.model, c.layout, c.styles)]


def _simple(key: str) -> PartFn:
    return lambda c: c.line(key)


PARTS: dict[str, PartFn] = {
    "header": _header,
    "title": _title,
    "code": _code,
    "documents": _documents,
    "signatures": _signatures,
    "note": _note,
    "lookup": _lookup,
}
for _key in (
    "unit",
    "applicant",
    "id_number",
    "address",
    "contact",
    "request",
    "sets",
    "processing_time",
    "received",
    "appointment",
    "delivery",
    "register",
):
    PARTS[_key] = _simple(_key)


def _fees(c: _Ctx) -> list[Flowable]:
    # a free procedure has nothing to pay: print the fee alone, without "Hình thức nộp"
    w = c.layout.wording
    key = "fees_free" if not c.model.fee and w.has("mau01", "fees_free") else "fees"
    return [para(w.text("mau01", key), c.values, c.styles.body)]


PARTS["fees"] = _fees


def _payment(c: _Ctx) -> list[Flowable]:
    # The VietQR code for paying the fee by transfer, boxed and labelled so that it is not
    # taken for the lookup QR beside the dossier code at the top; nothing when no fee is due
    # by transfer or the office has no bank account (ReceiptModel.payment_qr is then "").
    if not c.model.payment_qr:
        return []
    w = c.layout.wording
    qr = a_paper_qr(c.model.payment_qr, c.layout, c.spec.name)
    lines: list[Flowable] = [
        para(w.text("mau01", key), c.values, c.styles.body)
        for key in ("payment_title", "payment_account", "payment_amount", "payment_note")
    ]
    pad = 2 * mm
    table = Table([[qr, lines]], colWidths=[qr.side + 2 * pad, c.width - qr.side - 2 * pad])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad / 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad / 2),
            ]
        )
    )
    return [spacer(1.5), KeepTogether([table]), spacer(1.5)]


PARTS["payment"] = _payment


def render_mau01(model: ReceiptModel, layout: ReceiptLayout, paper: str, qr_text: str) -> bytes:
    """The Mẫu 01 PDF of ``model`` on ``paper`` ("a4" or "a5"), its QR encoding ``qr_text``."""
    fonts = register_fonts()
    spec = layout.papers[paper]
    styles = make_styles(fonts, spec.fonts, spec.leading)
    copies = layout.wording.texts("mau01", "copies")
    try:
        return _SharedCopies(model, layout, spec, styles, fonts, qr_text, copies).render()
    except _CopiesDiffer:
        # a province's copy lines that wrap to different heights move what follows them:
        # each copy is then laid out on its own
        return _render_each_copy(model, layout, spec, styles, fonts, qr_text, copies)


def _story(ctx: _Ctx) -> list[Flowable]:
    """One copy's flowables, in the layout's order of parts."""
    story: list[Flowable] = []
    for part in ctx.layout.parts["mau01"]:
        story += PARTS[part](ctx)
    return story


class _CopiesDiffer(Exception):
    """The copies' own lines do not take the same room: they cannot share one layout."""


class _SharedCopies:
    """Every copy of one receipt from a single layout.

    The copies print the same page(s) but for the copy line ("Liên 1: Lưu hồ sơ") and the
    footer. Laying the story out — parsing paragraph markup, breaking lines, measuring tables —
    is most of what a receipt costs, so it is done once: each page platypus draws is captured
    as a PDF form XObject (``beginForm``/``endForm``), and every copy's page is that form
    (``doForm``) with the copy's own line drawn where the layout left room for it and its own
    footer. The printed pages are the ones laying each copy out separately gives (the lines of
    all copies must wrap to the same height: :class:`_CopyLine` checks, :func:`render_mau01`
    falls back otherwise); the PDF is smaller too.
    """

    def __init__(
        self,
        model: ReceiptModel,
        layout: ReceiptLayout,
        spec: PaperSpec,
        styles: Styles,
        fonts: Fonts,
        qr_text: str,
        copies: list[str],
    ) -> None:
        self.ctx = _Ctx(model, layout, spec, styles, fonts, qr_text, "", shared=self)
        self.labels = copies
        self.lines = [self.ctx.copy_paragraph(label) for label in copies]
        self.forms: list[str] = []  # one form per page of the layout
        self.line_at: dict[int, tuple[float, float, float]] = {}  # page: (x, y, width)
        self.footer_size, self.footer_y = footer_font(spec)

    def render(self) -> bytes:
        c = self.ctx
        return build_a_paper(
            _story(c),
            c.model,
            c.layout,
            c.spec,
            c.fonts,
            "Giấy tiếp nhận hồ sơ",
            on_page=self._begin_page,
            on_page_end=self._end_page,
            # the other copies' pages go in after the layout's last page, before the PDF is
            # written: reportlab's build saves the canvas as its last step
            canvasmaker=partial(_CopiesCanvas, before_save=self._other_copies),
        )

    def _begin_page(self, canvas: Canvas, doc: Any) -> None:
        self.forms.append(f"MotCuaPage{len(self.forms) + 1}")
        canvas.beginForm(self.forms[-1])

    def _end_page(self, canvas: Canvas, doc: Any) -> None:
        canvas.endForm()
        self._draw_page(canvas, len(self.forms) - 1, 0)

    def _other_copies(self, canvas: Canvas) -> None:
        for copy in range(1, len(self.labels)):
            for page in range(len(self.forms)):
                self._draw_page(canvas, page, copy)
                canvas.showPage()

    def _draw_page(self, canvas: Canvas, page: int, copy: int) -> None:
        canvas.doForm(self.forms[page])
        if page in self.line_at:
            x, y, width = self.line_at[page]
            line = self.lines[copy]
            line.wrap(width, self.ctx.spec.height_mm * mm)
            line.drawOn(canvas, x, y)
        c = self.ctx
        at = (c.spec.width_mm * mm / 2, self.footer_y)
        draw_footer(
            canvas, c.model, c.layout, c.fonts, self.footer_size, at, self.labels[copy], page + 1
        )


class _CopyLine(Flowable):
    """The room of the copy line in a shared layout: as tall as the copies' lines (all the
    same, or :class:`_CopiesDiffer`), drawing nothing into the shared page; it notes where it
    stands so that each copy's page draws its own line there."""

    def __init__(self, shared: _SharedCopies) -> None:
        super().__init__()
        self.shared = shared

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        sizes = {line.wrap(avail_width, avail_height) for line in self.shared.lines}
        if len(sizes) != 1:
            raise _CopiesDiffer
        self.width, self.height = sizes.pop()
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self.shared.lines[0].getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.shared.lines[0].getSpaceAfter()

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.shared.line_at[len(self.shared.forms) - 1] = (x, y, self.width)


class _CopiesCanvas(Canvas):
    """reportlab's canvas, calling ``before_save`` before it writes the PDF."""

    def __init__(self, *args: Any, before_save: Callable[[Canvas], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._before_save = before_save

    def save(self) -> None:
        self._before_save(self)
        super().save()


def _render_each_copy(
    model: ReceiptModel,
    layout: ReceiptLayout,
    spec: PaperSpec,
    styles: Styles,
    fonts: Fonts,
    qr_text: str,
    copies: list[str],
) -> bytes:
    """Every copy laid out on its own, one after the other, each from a new page."""
    story: list[Flowable] = []
    for i, copy in enumerate(copies):
        if i:
            story.append(PageBreak())
        story.append(CopyMarker(copy))
        story += _story(_Ctx(model, layout, spec, styles, fonts, qr_text, copy))
    return build_a_paper(story, model, layout, spec, fonts, "Giấy tiếp nhận hồ sơ")


def footer_font(spec: PaperSpec) -> tuple[float, float]:
    """Size and baseline of the footer line: small, centred in the bottom margin."""
    size = max(6.5, spec.fonts.small - 1.5)
    return size, spec.bottom_mm * mm / 2 - size / 3


def build_a_paper(
    story: list[Flowable],
    model: ReceiptModel,
    layout: ReceiptLayout,
    spec: PaperSpec,
    fonts: Fonts,
    title: str,
    *,
    on_page: Callable[[Canvas, Any], None] | None = None,
    on_page_end: Callable[[Canvas, Any], None] | None = None,
    canvasmaker: Callable[..., Canvas] = Canvas,
) -> bytes:
    """Lay ``story`` out on ``spec``'s pages; the PDF bytes. Each page ends with
    ``on_page_end`` (default: the footer naming the copy of the last :class:`CopyMarker`)."""
    out = io.BytesIO()
    width, height = spec.width_mm * mm, spec.height_mm * mm
    doc = BaseDocTemplate(
        out,
        pagesize=(width, height),
        leftMargin=spec.left_mm * mm,
        rightMargin=spec.right_mm * mm,
        topMargin=spec.top_mm * mm,
        bottomMargin=spec.bottom_mm * mm,
        title=f"{title} {model.code}",
        author=model.agency_name,
        creator="MotCua Kiosk",
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    if on_page_end is None:
        on_page_end = footer(model, layout, fonts, *footer_font(spec))
    doc.addPageTemplates(
        PageTemplate("page", frames=[frame], onPage=on_page or _nothing, onPageEnd=on_page_end)
    )
    doc.build(story, canvasmaker=canvasmaker)
    return out.getvalue()


def _nothing(canvas: Canvas, doc: Any) -> None:
    pass
