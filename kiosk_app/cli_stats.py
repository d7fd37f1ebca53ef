"""``motcua stats``: the commune's figures for a period (docs/statistics.md).

    motcua stats [--period P] [--by office|field|procedure] [--lang vi|en]
    motcua stats --period 2026-Q3 --format xlsx --out bao-cao-q3.xlsx

``P`` is ``2026``, ``2026-Q3``, ``2026-07`` or ``2026-07-01..2026-09-30`` (default: this month).
Without ``--out`` the chosen grouping is printed as a table (or JSON with ``--json``); with it
the whole report is written as CSV, Excel or PDF (``--format``, else from the file's extension)
and the export is recorded in the audit trail. Exit codes: 0 done, 1 failed to write, 2 bad input.
No Qt.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk_app.cli_common import CommandError, emit, guarded

FORMATS = ("csv", "xlsx", "pdf")


def _period(text: str | None, now: datetime) -> Any:
    from kiosk_app.core.stats import Period, StatsError

    if not text:
        return Period.month(now.year, now.month)
    try:
        return Period.parse(text)
    except StatsError as exc:
        raise CommandError(exc.message) from exc


def _format(args: argparse.Namespace) -> str:
    fmt = args.format or Path(args.out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise CommandError(
            f"định dạng báo cáo {fmt or '(không rõ)'!r} không hỗ trợ: chọn {', '.join(FORMATS)}"
        )
    return fmt


def _text_table(table: Any) -> str:
    from kiosk_app.reports.stats_table import format_share, share_key

    keys = ("id", "name", "received", "finished", "on_time", "overdue")
    shares = ("online", "digitised", "on_time", "paid_cashless", "satisfaction")
    idx = {c.key: i for i, c in enumerate(table.columns)}
    share_idx = [idx[share_key(k)] for k in shares]
    head = [table.columns[idx[k]].title for k in keys] + [table.columns[i].title for i in share_idx]
    lines = ["\t".join(head)]
    for row in table.rows:
        cells = [str(row[idx[k]]) for k in keys] + [format_share(row[i]) for i in share_idx]
        lines.append("\t".join(cells))
    return "\n".join(lines)


def cmd_stats(args: argparse.Namespace) -> int:
    from kiosk_app.bootstrap import open_kiosk
    from kiosk_app.core import stats
    from kiosk_app.core.intake import now_vn
    from kiosk_app.reports import stats_table

    now = now_vn()
    period = _period(args.period, now)
    fmt = _format(args) if args.out else None
    kiosk = open_kiosk(Path(args.data_dir) if args.data_dir else None)
    try:
        report = stats.for_kiosk(kiosk, period)
        tables = stats_table.tables(
            report, stats_table.catalog_names(kiosk.catalog, args.lang), args.lang
        )
        office_name = kiosk.office.agency_name or kiosk.office.agency_id
        if args.out:
            _write(fmt, report, tables, office_name, period, Path(args.out))
            stats.record_export(kiosk.store, actor=args.actor, period=period, fmt=fmt, at=now)
            emit(args, {"written": args.out, "format": fmt}, f"đã ghi báo cáo: {args.out}")
            return 0
    finally:
        kiosk.close()
    table = next(t for t in tables if t.grouping == args.by)
    data = {
        "period": {"first": period.first.isoformat(), "last": period.last.isoformat()},
        "grouping": table.grouping,
        "rows": [dict(zip([c.key for c in table.columns], row, strict=True)) for row in table.rows],
    }
    emit(args, data, f"{table.title} · {period.label()}\n{_text_table(table)}")
    return 0


def _write(fmt: str, report: Any, tables: list[Any], office: str, period: Any, out: Path) -> None:
    from kiosk_app.reports import stats_export

    heading = f"{office} · {period.label()}"
    try:
        if fmt == "csv":
            stats_export.write_csv(tables, heading, out)
        elif fmt == "xlsx":
            stats_export.write_xlsx(tables, heading, out)
        else:
            from kiosk_app.reports.stats_pdf import write_pdf

            write_pdf(report, tables, office, out)
    except stats_export.ExportError as exc:
        raise CommandError(exc.message, code=1) from exc


def add_commands(subparsers: Any) -> None:
    """Register ``stats`` on ``motcua``'s subcommand parsers."""
    from kiosk_app.reports.stats_table import GROUPINGS

    s = subparsers.add_parser("stats", help="the commune's figures for a period; exports")
    s.add_argument("--data-dir", help="the kiosk's data folder (default: user data folder)")
    s.add_argument("--json", action="store_true", help="print machine-readable JSON")
    s.add_argument("--period", help="2026, 2026-Q3, 2026-07 or 2026-07-01..2026-09-30")
    s.add_argument("--by", choices=GROUPINGS, default="office", help="grouping to print")
    s.add_argument("--lang", choices=("vi", "en"), default="vi")
    s.add_argument("--out", metavar="FILE", help="write the whole report (CSV, Excel or PDF)")
    s.add_argument("--format", choices=FORMATS, help="default: from --out's extension")
    s.add_argument("--actor", help="who asked for the export (recorded in the audit trail)")
    s.set_defaults(func=guarded(cmd_stats))
