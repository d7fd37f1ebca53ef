"""Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Thông tư 01/2018/TT-VPCP), A4 or A5.

Parts in the order of ``layout.yaml`` ``parts.mau01`` (DOMAIN.md's order by default), worded by
``wording.yaml``. One copy per entry of ``mau01.copies`` ("Liên 1: Lưu hồ sơ", "Liên 2: Giao
người nộp"); each copy starts on a new page. Everything is a flowing paragraph or a table whose
rows may split, so long names, addresses and document lists wrap and run onto further pages
instead of overflowing; the footer of every page names the code, the copy and its page.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
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
    Styles,
    escape,
    footer,
    lookup_lines,
    make_styles,
    office_header,
    para,
    place_date,
    reprint_mark,
    signatures,
    spacer,
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
    ) -> None:
        self.model, self.layout, self.spec, self.styles = model, layout, spec, styles
        self.fonts, self.qr_text, self.copy = fonts, qr_text, copy
        self.width = (spec.width_mm - spec.left_mm - spec.right_mm) * mm
        self.values = model.values(layout.wording.text("common", "empty"))
        self.values["copy"] = copy
        blank = layout.wording.text("common", "blank")
        self.values["book"] = model.register_book or blank
        self.values["number"] = model.register_number or blank

    def line(self, key: str) -> list[Flowable]:
        return [para(self.layout.wording.text("mau01", key), self.values, self.styles.body)]


def _header(c: _Ctx) -> list[Flowable]:
    when = c.model.received_at
    dated = place_date(c.model, c.layout, when) if when else ""
    return [
        office_header(c.model, c.layout, c.styles, c.width, c.spec.header_left_share, dated),
        spacer(2),
    ]


def _title(c: _Ctx) -> list[Flowable]:
    out: list[Flowable] = [
        Paragraph(escape(c.layout.wording.text("mau01", "title")), c.styles.title)
    ]
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
        para(w.text("mau01", "copy"), c.values, c.styles.center),
    ]
    if "lookup" not in c.layout.parts["mau01"]:
        for p in lookup_lines(c.model, c.layout, c.styles):
            lines += [spacer(1.5), Paragraph(p.text, c.styles.small_center)]
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
    head = [Paragraph(escape(t), s.cell_head) for t in w.texts("mau01", "documents_columns")]
    rows: list[list[Any]] = [head]
    for i, doc in enumerate(c.model.documents, 1):
        rows.append(
            [
                Paragraph(str(i), s.cell),
                Paragraph(escape(doc.name), s.cell),
                Paragraph(escape(doc.form_label), s.cell),
                Paragraph(f"{doc.count:02d}", s.cell),
            ]
        )
    if not c.model.documents:
        rows.append(["", Paragraph(escape(w.text("mau01", "no_documents")), s.cell), "", ""])
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


def render_mau01(model: ReceiptModel, layout: ReceiptLayout, paper: str, qr_text: str) -> bytes:
    """The Mẫu 01 PDF of ``model`` on ``paper`` ("a4" or "a5"), its QR encoding ``qr_text``."""
    fonts = register_fonts()
    spec = layout.papers[paper]
    styles = make_styles(fonts, spec.fonts, spec.leading)
    story: list[Flowable] = []
    copies = layout.wording.texts("mau01", "copies")
    for i, copy in enumerate(copies):
        if i:
            story.append(PageBreak())
        ctx = _Ctx(model, layout, spec, styles, fonts, qr_text, copy)
        story.append(CopyMarker(copy))
        for part in layout.parts["mau01"]:
            story += PARTS[part](ctx)
    return build_a_paper(story, model, layout, spec, fonts, "Giấy tiếp nhận hồ sơ")


def build_a_paper(
    story: list[Flowable],
    model: ReceiptModel,
    layout: ReceiptLayout,
    spec: PaperSpec,
    fonts: Fonts,
    title: str,
) -> bytes:
    """Lay ``story`` out on ``spec``'s pages with the footer; the PDF bytes."""
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
    size = max(6.5, spec.fonts.small - 1.5)
    doc.addPageTemplates(
        PageTemplate(
            "page",
            frames=[frame],
            onPageEnd=footer(model, layout, fonts, size, spec.bottom_mm * mm / 2 - size / 3),
        )
    )
    doc.build(story)
    return out.getvalue()
