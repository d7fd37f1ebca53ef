"""A plain A4 intake receipt (giấy tiếp nhận hồ sơ) as PDF, rendered from the STORED dossier.

Interim layout until the Mẫu 01 template of the receipts issue: dossier code, procedure,
applicant, ID number, received time and appointment (DD/MM/YYYY HH:MM, Vietnam time), the
documents table, the fee, and a "Bản in lại" marker on reprints. All text is NFC.

Constraint: Vietnamese needs a TTF with its glyphs; the built-in PDF fonts have none. DejaVu Sans
(Debian ``fonts-dejavu-core``) is used until the receipts issue ships a font in resources/fonts;
when it is missing :class:`ReceiptFontError` says which file to install. No Qt here.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kiosk_app.core.intake import DOC_FORM_VI, VN_TZ, DossierView

FONT_NAME = "MotCuaSans"
FONT_BOLD = "MotCuaSans-Bold"
FONT_FILES = {
    FONT_NAME: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    FONT_BOLD: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}
REPRINT_MARK = "Bản in lại"


class ReceiptFontError(RuntimeError):
    """The TTF needed for Vietnamese text is not installed."""


def _register_fonts() -> tuple[str, str]:
    registered = set(pdfmetrics.getRegisteredFontNames())
    regular = FONT_FILES[FONT_NAME]
    if not regular.is_file():
        raise ReceiptFontError(
            f"Không tìm thấy phông chữ tiếng Việt {regular} (cài gói fonts-dejavu-core) — "
            "chưa thể in giấy tiếp nhận"
        )
    if FONT_NAME not in registered:
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(regular)))
    bold = FONT_FILES[FONT_BOLD]
    if not bold.is_file():
        return FONT_NAME, FONT_NAME  # bold is a nicety; the regular face covers every glyph
    if FONT_BOLD not in registered:
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
    return FONT_NAME, FONT_BOLD


def format_vn_time(value: str | datetime | None) -> str:
    """``DD/MM/YYYY HH:MM`` in Vietnam time; empty for ``None``."""
    if not value:
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is not None:
        when = when.astimezone(VN_TZ)
    return when.strftime("%d/%m/%Y %H:%M")


def format_money(amount: int | None) -> str:
    """``1.000.000 đ`` (dot thousands separator); ``Miễn phí`` for 0."""
    if not amount:
        return "Miễn phí"
    return f"{int(amount):,}".replace(",", ".") + " đ"


def _nfc(text: Any) -> str:
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def _esc(text: Any) -> str:
    return _nfc(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def receipt_lines(view: DossierView, procedure_name: str) -> list[tuple[str, str]]:
    """The labelled facts the receipt prints, in order (also handy for previews and tests)."""
    d = view.dossier
    delivery = "Tại bộ phận một cửa" if d.get("delivery", "desk") == "desk" else "Qua bưu chính"
    lines = [
        ("Mã hồ sơ", d["code"]),
        ("Thủ tục", f"{procedure_name} ({d['procedure_code']})"),
        ("Người nộp", d.get("applicant_name") or ""),
        ("Số định danh", d.get("applicant_id_number") or ""),
        ("Địa chỉ", d.get("applicant_address") or ""),
        ("Điện thoại", d.get("applicant_phone") or ""),
        ("Thời gian tiếp nhận", format_vn_time(d.get("received_at"))),
        ("Hẹn trả kết quả", format_vn_time(d.get("appointment_at")) or "Chưa hẹn"),
        ("Nơi trả kết quả", delivery),
        ("Lệ phí", format_money(d.get("fee"))),
    ]
    method = (d.get("payment") or {}).get("method")
    if method:
        lines.append(("Hình thức nộp lệ phí", PAYMENT_VI.get(method, method)))
    # an empty line ("Địa chỉ:" with nothing after it) looks like a blank to fill in by hand
    keep = {"Mã hồ sơ", "Người nộp", "Hẹn trả kết quả", "Lệ phí"}
    return [(k, _nfc(v)) for k, v in lines if k in keep or str(v).strip()]


PAYMENT_VI = {"cash": "Tiền mặt", "transfer": "Chuyển khoản", "online": "Trực tuyến"}


def render_plain_receipt(
    view: DossierView,
    procedure_name: str,
    *,
    agency_name: str = "",
    reprint: bool = False,
) -> bytes:
    """The receipt PDF for a stored dossier. Raises :class:`ReceiptFontError` without a font."""
    regular, bold = _register_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10.5, leading=14)
    head = ParagraphStyle("head", parent=base, fontName=bold, fontSize=11, alignment=TA_CENTER)
    # the agency block is narrower than the national motto: smaller so each line fits once
    agency = ParagraphStyle("agency", parent=head, fontSize=9.5, leading=13)
    title = ParagraphStyle("title", parent=head, fontSize=14, leading=20, spaceBefore=6)
    small = ParagraphStyle("small", parent=base, fontSize=9, leading=12, alignment=TA_CENTER)
    mark = ParagraphStyle("mark", parent=head, textColor=colors.HexColor("#b00020"))

    story: list[Any] = []
    header = Table(
        [
            [
                Paragraph(_esc(agency_name or "UBND"), agency),
                Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", head),
            ],
            [
                Paragraph("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", agency),
                Paragraph("Độc lập - Tự do - Hạnh phúc", head),
            ],
        ],
        colWidths=[80 * mm, 95 * mm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [header, Spacer(1, 6 * mm)]
    story.append(Paragraph("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", title))
    if reprint:
        story.append(Paragraph(f"({REPRINT_MARK})", mark))
    story.append(Spacer(1, 4 * mm))

    facts = [
        [Paragraph(_esc(k) + ":", base), Paragraph(_esc(v), base)]
        for k, v in receipt_lines(view, procedure_name)
    ]
    facts_table = Table(facts, colWidths=[45 * mm, 130 * mm])
    facts_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [facts_table, Spacer(1, 5 * mm)]

    story.append(Paragraph("Giấy tờ đã nộp:", ParagraphStyle("h2", parent=base, fontName=bold)))
    rows = [[Paragraph(t, base) for t in ("STT", "Tên giấy tờ", "Hình thức", "Số lượng")]]
    for i, doc in enumerate(view.documents, 1):
        rows.append(
            [
                Paragraph(str(i), base),
                Paragraph(_esc(doc.get("name")), base),
                Paragraph(_esc(DOC_FORM_VI.get(doc.get("form", ""), doc.get("form", ""))), base),
                Paragraph(str(doc.get("count", 1)), base),
            ]
        )
    if len(rows) == 1:
        rows.append([Paragraph("", base), Paragraph("(không có)", base), "", ""])
    docs = Table(rows, colWidths=[12 * mm, 99 * mm, 40 * mm, 24 * mm], repeatRows=1)
    docs.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [docs, Spacer(1, 10 * mm)]
    signs = Table(
        [
            [Paragraph("NGƯỜI NỘP HỒ SƠ", head), Paragraph("NGƯỜI TIẾP NHẬN HỒ SƠ", head)],
            [Paragraph("(Ký và ghi rõ họ tên)", small), Paragraph("(Ký và ghi rõ họ tên)", small)],
        ],
        colWidths=[87 * mm, 88 * mm],
    )
    story += [signs, Spacer(1, 22 * mm)]
    story.append(
        Paragraph(
            "Giấy tiếp nhận được lập thành 02 liên: 01 liên giao người nộp hồ sơ, "
            "01 liên lưu cùng hồ sơ.",
            small,
        )
    )

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=17 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_nfc(f"Giấy tiếp nhận {view.dossier['code']}"),
        author=_nfc(agency_name),
    )
    doc.build(story)
    return out.getvalue()


def plain_receipt_for(kiosk: Any, code: str, *, reprint: bool = False) -> bytes:
    """Look the dossier up in the store and render its receipt (run off the GUI thread).

    Raises ``KeyError`` when no dossier has this code.
    """
    view = kiosk.intake.lookup(code)
    if view is None:
        raise KeyError(f"Không tìm thấy hồ sơ {code}")
    proc_code = view.dossier["procedure_code"]
    proc = kiosk.catalog.procedures.get(proc_code)
    name = proc.name.vi if proc else proc_code
    return render_plain_receipt(
        view, name, agency_name=getattr(kiosk.office, "agency_name", ""), reprint=reprint
    )
