"""The back office's statistics page (``/admin/stats``) and its login form, as server-rendered
HTML: every value escaped, no script, no external resource (the Content-Security-Policy sent
with it allows none), the chart drawn as inline SVG bars.

Also the export tables (CSV / Excel) in the kiosk's shape (kiosk_app.reports.stats_table): the
same column names as the commune's own reports, one table per grouping.
"""

from __future__ import annotations

from html import escape
from typing import Any

from kiosk_app.core.stats import COUNTS, MEASURES, Figures
from kiosk_app.reports.stats_table import Column, Table, columns

HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}
_STYLE = """
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;margin:24px;color:#1b2631}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:24px 0 8px}
.muted{color:#5d6d7e;font-size:13px} form.period{margin:12px 0}
input,select,button{font-size:14px;padding:4px 8px}
table{border-collapse:collapse;font-size:13px} th,td{border:1px solid #d5dbdb;padding:4px 8px}
th{background:#eaf2f8;text-align:left} td.n{text-align:right}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #d5dbdb;border-radius:6px;padding:8px 12px;min-width:150px}
.card b{font-size:20px;display:block} .err{color:#b03a2e}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def login_page(message: str | None = None, login: str = "") -> str:
    err = f'<p class="err">{escape(message)}</p>' if message else ""
    return _page(
        "Đăng nhập — Thống kê",
        "<h1>Đăng nhập hệ thống một cửa của tỉnh</h1>"
        f"{err}"
        '<form method="post" action="/admin/login">'
        f'<p><label>Tên đăng nhập <input name="login" value="{escape(login)}" '
        'autocomplete="username" required></label></p>'
        '<p><label>Mật khẩu <input name="password" type="password" '
        'autocomplete="current-password" required></label></p>'
        "<p><button>Đăng nhập</button></p></form>",
    )


def _chart(rows: list[tuple[str, Figures]], measure: str = "on_time") -> str:
    """Horizontal bars: one share per commune (inline SVG, no script)."""
    m = next(x for x in MEASURES if x.key == measure)
    shown = rows[:40]
    if not shown:
        return ""
    bar_h, gap, label_w, width = 18, 6, 220, 420
    height = len(shown) * (bar_h + gap) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + width + 70}" '
        f'height="{height}" role="img" aria-label="{escape(m.label.vi)}">'
    ]
    for i, (name, f) in enumerate(shown):
        y = 20 + i * (bar_h + gap)
        share = f.share(m.numerator, m.denominator)
        w = 0 if share is None else round(share * width)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" text-anchor="end">'
            f"{escape(name[:34])}</text>"
            f'<rect x="{label_w}" y="{y}" width="{width}" height="{bar_h}" fill="#eef2f3"/>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#2e86c1"/>'
            f'<text x="{label_w + width + 6}" y="{y + 13}" font-size="12">{_pct(share)}</text>'
        )
    parts.append(
        f'<text x="{label_w}" y="12" font-size="12" font-weight="bold">'
        f"{escape(m.label.vi)}</text></svg>"
    )
    return "".join(parts)


def stats_page(
    report: Any, *, period_text: str, user: str, scope: str, error: str | None = None
) -> str:
    """The page: a period picker, the roll-up's shares and counts, a chart and the table per
    commune. ``report`` is a :class:`sync.server.service_stats.ProvinceReport` (None with
    ``error`` when the period could not be read)."""
    picker = (
        '<form class="period" method="get" action="/admin/stats">'
        f'<label>Kỳ báo cáo <input name="period" value="{escape(period_text)}" '
        'placeholder="2026-Q3" size="24"></label> <button>Xem</button> '
        '<span class="muted">2026, 2026-Q3, 2026-07 hoặc 2026-07-01..2026-09-30</span></form>'
    )
    head = (
        "<h1>Thống kê giải quyết thủ tục hành chính</h1>"
        f'<p class="muted">{escape(scope)} · {escape(user)} · '
        '<form method="post" action="/admin/logout" style="display:inline">'
        "<button>Đăng xuất</button></form></p>"
    )
    if report is None:
        return _page("Thống kê", head + picker + f'<p class="err">{escape(error or "")}</p>')
    f = report.province
    cards = "".join(
        f'<div class="card">{escape(m.label.vi)}<b>{_pct(f.share(m.numerator, m.denominator))}'
        f'</b><span class="muted">{getattr(f, m.numerator)} / {getattr(f, m.denominator)}'
        "</span></div>"
        for m in MEASURES
    )
    rows = sorted(
        report.by_commune.items(), key=lambda kv: report.names["commune"].get(kv[0], kv[0])
    )
    named = [(report.names["commune"].get(c, c), fig) for c, fig in rows]
    cols = ("received", "online", "digitised", "finished", "on_time", "overdue", "rated")
    labels = dict(COUNTS)
    thead = "".join(f"<th>{escape(labels[c].vi)}</th>" for c in cols)
    thead += "".join(f"<th>{escape(m.label.vi)}</th>" for m in MEASURES)
    body_rows = []
    for (code, fig), (name, _) in zip(rows, named, strict=True):
        cells = "".join(f'<td class="n">{getattr(fig, c)}</td>' for c in cols)
        cells += "".join(
            f'<td class="n">{_pct(fig.share(m.numerator, m.denominator))}</td>' for m in MEASURES
        )
        body_rows.append(f"<tr><td>{escape(code)}</td><td>{escape(name)}</td>{cells}</tr>")
    table = (
        f"<table><thead><tr><th>Mã</th><th>Xã, phường</th>{thead}</tr></thead>"
        f"<tbody>{''.join(body_rows)}</tbody></table>"
        if body_rows
        else '<p class="muted">Chưa có hồ sơ nào trong kỳ này.</p>'
    )
    exports = (
        f'<p class="muted">Tải về: <a href="/admin/stats.csv?period={escape(period_text)}">CSV</a>'
        f' · <a href="/admin/stats.xlsx?period={escape(period_text)}">Excel</a>'
        f' · <a href="/admin/stats.pdf?period={escape(period_text)}">Tải báo cáo PDF</a></p>'
    )
    return _page(
        "Thống kê",
        head
        + picker
        + f"<h2>{escape(scope)} — {escape(report.period.label())}</h2>"
        + f'<div class="cards">{cards}</div>'
        + f"<p class='muted'>Hồ sơ tiếp nhận: {f.received} · đã giải quyết: {f.finished}"
        f" · quá hạn chưa giải quyết: {f.overdue} · lượt đánh giá: {f.rated}</p>"
        + "<h2>Tỷ lệ giải quyết đúng hạn theo xã, phường</h2>"
        + _chart(named)
        + "<h2>Theo xã, phường</h2>"
        + table
        + exports,
    )


# ------------------------------------------------------------------ exports
def _row(ident: str, name: str, f: Figures) -> tuple[Any, ...]:
    counts = tuple(getattr(f, key) for key, _ in COUNTS)
    shares = tuple(f.share(m.numerator, m.denominator) for m in MEASURES)
    return (ident, name, *counts, *shares, f.mean_rating())


def export_tables(report: Any, scope: str) -> list[Table]:
    """The roll-up, then one table per commune, field and procedure (the kiosk's columns)."""
    cols: tuple[Column, ...] = columns("vi")
    out = [Table("province", scope, cols, (_row("", scope, report.province),))]
    for grouping, title in (
        ("commune", "Theo xã, phường"),
        ("field", "Theo lĩnh vực"),
        ("procedure", "Theo thủ tục"),
    ):
        groups = report.groups(grouping)
        names = report.names.get(grouping, {})
        rows = tuple(_row(k, names.get(k, k), groups[k]) for k in sorted(groups))
        out.append(Table(grouping, title, cols, rows))
    return out
