"""Statistics to CSV and Excel (openpyxl), written atomically (temp file, fsync, rename) so a
power cut never leaves half a spreadsheet under the name the clerk will send.

CSV: UTF-8 with a byte-order mark (Excel on Windows then reads the Vietnamese correctly), one
section per grouping, shares as percent numbers with a dot (machine-readable). Excel: one sheet
per grouping, frozen header, shares stored as fractions with a percent format (so sums and
charts in Excel work on the real numbers).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from kiosk_app.reports.stats_table import Table


class ExportError(OSError):
    """The report could not be written (``message`` in Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _atomic_write(target: Path, data: bytes) -> None:
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise ExportError(f"Không ghi được báo cáo vào {target}: {exc.strerror or exc}") from exc


def _cell(kind: str, value: object) -> object:
    if value is None:
        return ""
    if kind == "share":
        return round(float(value) * 100, 2)
    if kind == "mean":
        return round(float(value), 2)
    return value


def csv_bytes(tables: list[Table], heading: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([heading])
    for t in tables:
        w.writerow([])
        w.writerow([t.title])
        w.writerow([c.title for c in t.columns])
        for row in t.rows:
            w.writerow([_cell(c.kind, v) for c, v in zip(t.columns, row, strict=True)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_csv(tables: list[Table], heading: str, target: Path) -> None:
    _atomic_write(target, csv_bytes(tables, heading))


def xlsx_bytes(tables: list[Table], heading: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for t in tables:
        ws = wb.create_sheet(t.title[:31])  # Excel's limit on sheet names
        ws.append([heading])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append([c.title for c in t.columns])
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in t.rows:
            ws.append([None if v is None else v for v in row])
        for i, c in enumerate(t.columns, start=1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = 42 if c.key == "name" else 14
            fmt = {"share": "0.0%", "mean": "0.00"}.get(c.kind)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=3, min_col=i, max_col=i):
                    cell.number_format = fmt
        ws.freeze_panes = "C3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(tables: list[Table], heading: str, target: Path) -> None:
    _atomic_write(target, xlsx_bytes(tables, heading))
