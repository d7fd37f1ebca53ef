"""A statistics report as plain tables: the one shape every export (CSV, Excel, PDF) and the
desk's statistics screen read, so the four always show the same numbers under the same names.

Shares are fractions 0–1 (None when there is nothing to divide); each output formats them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk_app.core.stats import COUNTS, MEASURES, Figures, Report

GROUPINGS = ("office", "field", "procedure")
GROUP_TITLES = {
    "office": ("Toàn đơn vị", "Whole office"),
    "field": ("Theo lĩnh vực", "By field"),
    "procedure": ("Theo thủ tục", "By procedure"),
}


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str  # "text" | "count" | "share" | "mean"


@dataclass(frozen=True)
class Table:
    grouping: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]


def share_key(measure: str) -> str:
    """The column key of a measure's share (its count column may have the measure's own key)."""
    return f"{measure}_share"


def columns(lang: str = "vi") -> tuple[Column, ...]:
    head = (
        Column("id", "Mã" if lang == "vi" else "Code", "text"),
        Column("name", "Tên" if lang == "vi" else "Name", "text"),
    )
    counts = tuple(Column(key, label.get(lang), "count") for key, label in COUNTS)
    shares = tuple(Column(share_key(m.key), f"{m.label.get(lang)} (%)", "share") for m in MEASURES)
    mean = Column(
        "mean_rating", "Điểm hài lòng TB (1–5)" if lang == "vi" else "Mean rating", "mean"
    )
    return head + counts + shares + (mean,)


def _row(ident: str, name: str, f: Figures) -> tuple[Any, ...]:
    counts = tuple(getattr(f, key) for key, _ in COUNTS)
    shares = tuple(f.share(m.numerator, m.denominator) for m in MEASURES)
    return (ident, name, *counts, *shares, f.mean_rating())


def tables(report: Report, name_of: Callable[[str, str], str], lang: str = "vi") -> list[Table]:
    """One table per grouping. ``name_of(grouping, id)`` names a field or a procedure."""
    cols = columns(lang)
    lang_i = 0 if lang == "vi" else 1
    office = Table(
        "office",
        GROUP_TITLES["office"][lang_i],
        cols,
        (_row("", GROUP_TITLES["office"][lang_i], report.office),),
    )
    out = [office]
    for grouping, figures in (("field", report.by_field), ("procedure", report.by_procedure)):
        rows = tuple(
            _row(ident, name_of(grouping, ident), figures[ident]) for ident in sorted(figures)
        )
        out.append(Table(grouping, GROUP_TITLES[grouping][lang_i], cols, rows))
    return out


def catalog_names(catalog: Any, lang: str = "vi") -> Callable[[str, str], str]:
    """``name_of`` for :func:`tables` from a loaded catalogue (unknown ids keep their code)."""

    def name_of(grouping: str, ident: str) -> str:
        if grouping == "field":
            f = catalog.fields.get(ident)
            return f.name.get(lang) if f else ident
        proc = catalog.procedures.get(ident)
        return proc.name.get(lang) if proc else ident

    return name_of


def format_share(value: float | None) -> str:
    """A share as Vietnamese readers write it: ``83,3`` (percent, one decimal); ``–`` if none."""
    if value is None:
        return "–"
    return f"{value * 100:.1f}".replace(".", ",")


def short_label(label: str) -> str:
    """A measure's label without its leading "Tỷ lệ", capitalised (narrow column headers)."""
    rest = label.removeprefix("Tỷ lệ ")
    return rest[:1].upper() + rest[1:]
