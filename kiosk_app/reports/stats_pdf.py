"""The printable statistics report (A4 landscape PDF, reportlab, the receipts' embedded Noto Sans).

Page 1: the office's measures as a table (count / base / share) and a bar chart of the shares;
then one table per grouping with the measures the province compares communes by. Long tables
split across pages with their header repeated (platypus ``repeatRows``).

The provincial server prints the same report (``GET /v1/admin/stats?format=pdf``): its roll-up
as the ``Report``'s office and an extra per-commune table among ``tables``; only the closing
note, saying where the figures come from, differs.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from kiosk_app.core.stats import MEASURES, Report
from kiosk_app.reports.stats_export import _atomic_write
from kiosk_app.reports.stats_table import Table, format_share, share_key, short_label

# The columns of the per-field and per-procedure tables: the ones in DOMAIN.md's list.
PDF_SHARES = ("online", "digitised", "on_time", "paid_cashless", "satisfaction")


def _styles(fonts: Any) -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=fonts.regular, fontSize=9, leading=11)
    return {
        "base": base,
        "title": ParagraphStyle(
            "title", base, fontName=fonts.bold, fontSize=14, leading=18, alignment=1, spaceAfter=4
        ),
        "sub": ParagraphStyle("sub", base, fontSize=10, leading=13, alignment=1, spaceAfter=10),
        "h2": ParagraphStyle(
            "h2", base, fontName=fonts.bold, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4
        ),
        "cell": base,
        "head": ParagraphStyle("head", base, fontName=fonts.bold),
    }


def _grid(data: list[list[Any]], widths: list[float], fonts: Any):
    from reportlab.lib import colors
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    t = RLTable(data, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.regular, 9),
                ("FONT", (0, 0), (-1, 0), fonts.bold, 9),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.93, 0.97)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return t


def _chart(report: Report, fonts: Any):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    f = report.office
    values = [(f.share(m.numerator, m.denominator) or 0.0) * 100 for m in MEASURES]
    d = Drawing(360, 150)
    c = HorizontalBarChart()
    c.x, c.y, c.width, c.height = 170, 10, 180, 130
    c.data = [list(reversed(values))]
    c.valueAxis.valueMin, c.valueAxis.valueMax, c.valueAxis.valueStep = 0, 100, 25
    c.valueAxis.labels.fontName = fonts.regular
    c.categoryAxis.categoryNames = [m.label.vi for m in reversed(MEASURES)]
    c.categoryAxis.labels.fontName = fonts.regular
    c.categoryAxis.labels.fontSize = 7
    c.categoryAxis.labels.boxAnchor = "e"
    c.bars[0].fillColor = colors.Color(0.16, 0.38, 0.66)
    d.add(c)
    return d


LOCAL_NOTE = "Số liệu tính từ hồ sơ lưu tại máy của xã."


def pdf_bytes(
    report: Report, tables: list[Table], office_name: str, *, note: str = LOCAL_NOTE
) -> bytes:
    """The report as PDF bytes. ``tables`` as :func:`kiosk_app.reports.stats_table.tables`
    gives them (the first, the office's own row, is the summary and is not repeated); each
    further table needs the ``id``, ``name``, ``received``, ``finished`` and share columns.
    ``note``: where the figures come from (closing line)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RLTable

    from kiosk_app.receipts.fonts import register_fonts

    fonts = register_fonts()
    st = _styles(fonts)
    f = report.office
    story: list[Any] = [
        Paragraph(office_name.upper(), st["sub"]),
        Paragraph("BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", st["title"]),
        Paragraph(
            f"Kỳ báo cáo: {report.period.label()} · lập lúc {report.computed_at:%H:%M %d/%m/%Y}",
            st["sub"],
        ),
    ]
    rows = [["Chỉ số", "Số hồ sơ / lượt", "Trên tổng", "Tỷ lệ (%)"]]
    for m in MEASURES:
        rows.append(
            [
                Paragraph(m.label.vi, st["cell"]),
                getattr(f, m.numerator),
                getattr(f, m.denominator),
                format_share(f.share(m.numerator, m.denominator)),
            ]
        )
    rows.append(
        [Paragraph("Hồ sơ quá hạn chưa giải quyết (cuối kỳ)", st["cell"]), f.overdue, "", ""]
    )
    summary = _grid(rows, [70 * mm, 30 * mm, 25 * mm, 22 * mm], fonts)
    story.append(RLTable([[summary, _chart(report, fonts)]], colWidths=[150 * mm, 120 * mm]))
    by_key = {m.key: m for m in MEASURES}
    for t in tables[1:]:
        story.append(Paragraph(t.title, st["h2"]))
        if not t.rows:
            story.append(Paragraph("Không có hồ sơ trong kỳ.", st["cell"]))
            continue
        idx = {c.key: i for i, c in enumerate(t.columns)}
        head = ["Mã", "Tên", "Tiếp nhận", "Đã giải quyết"] + [
            short_label(by_key[k].label.vi) + " (%)" for k in PDF_SHARES
        ]
        data = [[Paragraph(h, st["head"]) for h in head]]
        for row in t.rows:
            data.append(
                [
                    Paragraph(str(row[idx["id"]]), st["cell"]),
                    Paragraph(str(row[idx["name"]]), st["cell"]),
                    row[idx["received"]],
                    row[idx["finished"]],
                    *(format_share(row[idx[share_key(k)]]) for k in PDF_SHARES),
                ]
            )
        story.append(_grid(data, [24 * mm, 78 * mm, 20 * mm, 22 * mm] + [25 * mm] * 5, fonts))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            f"Định nghĩa các chỉ số: docs/statistics.md. {note}",
            st["cell"],
        ),
    ]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title="Báo cáo thống kê TTHC",
        author=office_name,
    )
    doc.build(story)
    return buf.getvalue()


def write_pdf(report: Report, tables: list[Table], office_name: str, target: Path) -> None:
    _atomic_write(target, pdf_bytes(report, tables, office_name))
