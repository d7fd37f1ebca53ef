"""The 80 mm thermal kiosk slip: the essentials on a roll (72 mm printable, 203 dpi).

Dossier code, procedure, received, appointment, QR, lookup and hotline, in the order of
``layout.yaml`` ``parts.slip80``. Constraints: type never below 8 pt and QR modules a whole
number (≥ 3) of printer dots — both enforced by the layout validation — so a cheap thermal
head prints it legibly and scanners read it. The page is as tall as its content (a roll has
no page length), never shorter than ``min_height_mm``.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from kiosk_app.receipts.fonts import Fonts, register_fonts
from kiosk_app.receipts.layout import ReceiptLayout
from kiosk_app.receipts.model import ReceiptModel
from kiosk_app.receipts.pdfparts import (
    Para,
    Styles,
    escape,
    fill,
    make_styles,
    para,
    reprint_mark,
    spacer,
    text_para,
)
from kiosk_app.receipts.qrdraw import slip_qr

# frames refuse content that exceeds them by a hair of rounding; this much slack avoids it
_SLACK = 3 * mm


def _parts(
    model: ReceiptModel, layout: ReceiptLayout, styles: Styles, width: float, qr_text: str
) -> dict[str, Callable[[], list[Flowable]]]:
    w = layout.wording
    values = model.values(w.text("common", "empty"))

    def line(key: str, style=None) -> Callable[[], list[Flowable]]:
        return lambda: [para(w.text("slip80", key), values, style or styles.body)]

    def header() -> list[Flowable]:
        out: list[Flowable] = [
            Para(fill(t, values), styles.header_bold if b else styles.header)
            for t, b in layout.header.agency_lines
        ]
        return [
            *out,
            HRFlowable(width="40%", thickness=0.8, color=colors.black, spaceBefore=5, spaceAfter=2),
        ]

    def title() -> list[Flowable]:
        out: list[Flowable] = [text_para(w.text("slip80", "title"), styles.title)]
        if model.reprint:
            out.append(reprint_mark(layout, styles))
        return out

    def code() -> list[Flowable]:
        return [
            para(w.text("slip80", "code"), values, styles.center),
            # the code is what the citizen reads out on the phone: biggest type on the slip
            Para(f"<b>{escape(model.code)}</b>", styles.code),
            spacer(1),
        ]

    def qr() -> list[Flowable]:
        symbol = slip_qr(qr_text, layout, width)
        table = Table([[symbol]], colWidths=[width])
        table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        return [spacer(1), table]

    def lookup() -> list[Flowable]:
        if not model.lookup_address:
            return []
        return [spacer(1), para(w.text("common", "lookup"), values, styles.small_center)]

    def hotline() -> list[Flowable]:
        if not model.hotline:
            return []
        return [para(w.text("common", "hotline"), values, styles.bold_center)]

    return {
        "header": header,
        "title": title,
        "code": code,
        "procedure": line("procedure"),
        "applicant": line("applicant"),
        "received": line("received"),
        "appointment": line("appointment"),
        "delivery": line("delivery"),
        "fees": line("fees"),
        "qr": qr,
        "lookup": lookup,
        "hotline": hotline,
    }


def render_slip80(model: ReceiptModel, layout: ReceiptLayout, qr_text: str) -> bytes:
    """The slip PDF of ``model``: one page ``slip80.width_mm`` wide, as tall as needed."""
    fonts: Fonts = register_fonts()
    spec = layout.slip
    styles = make_styles(fonts, spec.fonts, spec.leading)
    width = spec.printable_mm * mm
    parts = _parts(model, layout, styles, width, qr_text)
    story: list[Flowable] = []
    for name in layout.parts["slip80"]:
        story += parts[name]()
    story.append(spacer(2))
    # where to tear the roll
    story.append(HRFlowable(width="100%", thickness=0.5, dash=[2, 2], color=colors.black))

    content = 0.0
    for flowable in story:
        _w, h = flowable.wrap(width, 10_000 * mm)
        content += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    height = max(spec.min_height_mm * mm, content + (spec.top_mm + spec.bottom_mm) * mm + _SLACK)

    out = io.BytesIO()
    page_w = spec.width_mm * mm
    doc = BaseDocTemplate(
        out,
        pagesize=(page_w, height),
        leftMargin=(page_w - width) / 2,
        rightMargin=(page_w - width) / 2,
        topMargin=spec.top_mm * mm,
        bottomMargin=spec.bottom_mm * mm,
        title=f"Phiếu hẹn {model.code}",
        author=model.agency_name,
        creator="MotCua Kiosk",
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        width,
        doc.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates(PageTemplate("roll", frames=[frame]))
    doc.build(story)
    return out.getvalue()
