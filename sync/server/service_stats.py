"""The figures the province judges communes by, for every commune with a province roll-up (a
mixin of :class:`sync.server.service.Service`; docs/statistics.md "On the server").

The definitions are kiosk_app.core.stats's, applied to the facts each dossier row keeps
(sync.server.stats_facts): one aggregate query over ``dossiers`` grouped by commune and
procedure, and one over ``ratings`` grouped by commune, procedure and level, both run by the
database on either engine. Everything else — per field, per commune, the province — is sums
of those few hundred groups in Python, never a pass over dossiers.

Read-only (one read transaction), except the first call after migration 4 on a database with
older dossiers, which derives their facts first (:func:`sync.server.stats_facts.backfill`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk_app.core.stats import COUNTS, MEASURES, Figures, Period
from sync.server import stats_facts
from sync.server.service_common import ApiError

GROUPINGS = ("commune", "procedure", "field")
_COUNTED = (
    "received",
    "online",
    "fully_online",
    "digitised",
    "finished",
    "on_time",
    "results_digitised",
    "overdue",
    "with_fee",
    "paid_cashless",
)


@dataclass
class ProvinceReport:
    """A period's figures: the province (or the one commune asked for), per commune, per
    procedure and per field; ``names[grouping][id]`` names what the ids stand for."""

    period: Period
    province: Figures
    by_commune: dict[str, Figures]
    by_procedure: dict[str, Figures]
    by_field: dict[str, Figures]
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    computed_at: datetime | None = None

    def groups(self, by: str) -> dict[str, Figures]:
        return {
            "commune": self.by_commune,
            "procedure": self.by_procedure,
            "field": self.by_field,
        }[by]


def _conditions(start: int, end: int) -> dict[str, str]:
    """SQL conditions, one per count, on a dossier's facts (``start``/``end``: microseconds,
    trusted integers). The same definitions as kiosk_app.core.stats._classify."""
    r = f"t_received >= {start} AND t_received < {end}"
    f = f"t_finished >= {start} AND t_finished < {end}"
    cashless = "pay_method IN ('transfer', 'online')"
    return {
        "received": r,
        "online": f"{r} AND channel = 'kiosk'",
        "fully_online": f"{r} AND channel = 'kiosk' AND (COALESCE(fee, 0) <= 0 OR {cashless})"
        " AND delivery = 'post'",
        "digitised": f"{r} AND digitised = 1",
        "finished": f,
        "on_time": f"{f} AND t_due IS NOT NULL AND t_finished <= t_due",
        "results_digitised": f"{f} AND result_scanned = 1",
        "overdue": f"t_received < {end} AND (t_finished IS NULL OR t_finished >= {end})"
        f" AND (t_ended IS NULL OR t_ended >= {end}) AND t_due IS NOT NULL AND t_due < {end}",
        "with_fee": f"{r} AND fee > 0",
        "paid_cashless": f"{r} AND fee > 0 AND {cashless}",
    }


def figures_sql(period: Period, commune: bool) -> str:
    """The dossiers' aggregate for ``period`` (one ``?``: the commune, when ``commune``)."""
    start = stats_facts.micros(period.start.isoformat())
    end = stats_facts.micros(period.end.isoformat())
    assert start is not None and end is not None
    sums = ", ".join(
        f"COUNT(*) FILTER (WHERE {cond}) AS {name}"
        for name, cond in _conditions(start, end).items()
    )
    where = f"(t_received < {end} OR t_finished < {end})"
    if commune:
        where += " AND commune = ?"
    return (
        f"SELECT commune, procedure_code, {sums} FROM dossiers WHERE {where}"
        " GROUP BY commune, procedure_code"
    )


def ratings_sql(period: Period, commune: bool) -> str:
    start = stats_facts.micros(period.start.isoformat())
    end = stats_facts.micros(period.end.isoformat())
    where = f"r.t_rated >= {start} AND r.t_rated < {end} AND r.level BETWEEN 1 AND 5"
    if commune:
        where += " AND r.commune_code = ?"
    return (
        "SELECT r.commune_code AS commune, d.procedure_code, r.level, COUNT(*) AS n"
        f" FROM ratings r LEFT JOIN dossiers d ON d.code = r.dossier_code WHERE {where}"
        " GROUP BY r.commune_code, d.procedure_code, r.level"
    )


def _add(target: Figures, counts: dict[str, Any]) -> None:
    for name in _COUNTED:
        setattr(target, name, getattr(target, name) + int(counts[name] or 0))


def commune_name(code: str) -> str:
    from kiosk_app.core import admin_units

    try:
        unit = admin_units.commune(code)
    except (ValueError, LookupError):
        unit = None
    return unit.name if unit else code


class StatsMixin:
    """Statistics over every commune's dossiers and ratings."""

    def stats(self, period: Period, *, commune: str | None = None) -> ProvinceReport:
        """The figures of ``period`` for the whole province, or one ``commune`` only (a
        commune officer's view): ``province`` is then that commune's figures."""
        from kiosk_app.core.intake import VN_TZ

        with self.db.tx(write=False) as tx:
            todo = tx.one("SELECT id FROM dossiers WHERE facts_version IS NULL LIMIT 1") or tx.one(
                "SELECT id FROM ratings WHERE t_rated IS NULL LIMIT 1"
            )
        if todo:
            self.derive_missing_facts()
        params = [commune] if commune else []
        with self.db.tx(write=False) as tx:
            groups = tx.all(figures_sql(period, bool(commune)), params)
            rated = tx.all(ratings_sql(period, bool(commune)), params)
            procs = tx.all("SELECT code, name_vi, field_id, field_name_vi FROM procedures")
        field_of = {p["code"]: p["field_id"] for p in procs}
        report = ProvinceReport(period, Figures(), {}, {}, {}, computed_at=datetime.now(VN_TZ))

        def targets(commune_code: str, proc: str | None) -> list[Figures]:
            out = [report.province, report.by_commune.setdefault(commune_code, Figures())]
            if proc:
                out.append(report.by_procedure.setdefault(proc, Figures()))
                fid = field_of.get(proc)
                if fid:
                    out.append(report.by_field.setdefault(fid, Figures()))
            return out

        for g in groups:
            for t in targets(g["commune"], g["procedure_code"]):
                _add(t, g)
        for r in rated:
            for t in targets(r["commune"], r["procedure_code"]):
                t.ratings[int(r["level"]) - 1] += int(r["n"])
        report.names = {
            "commune": {c: commune_name(c) for c in report.by_commune},
            "procedure": {p["code"]: p["name_vi"] for p in procs},
            "field": {
                p["field_id"]: p["field_name_vi"] or p["field_id"] for p in procs if p["field_id"]
            },
        }
        return report

    def derive_missing_facts(self) -> int:
        """Facts of dossiers and ratings stored before migration 4 (idempotent)."""
        with self.db.tx() as tx:
            n = stats_facts.backfill(tx)
            old = tx.all("SELECT id, rated_at FROM ratings WHERE t_rated IS NULL")
            tx.executemany(
                "UPDATE ratings SET t_rated = ? WHERE id = ?",
                [(stats_facts.micros(r["rated_at"]) or 0, r["id"]) for r in old],
            )
        return n + len(old)


def parse_period(text: str | None) -> Period:
    from kiosk_app.core.stats import StatsError

    try:
        return Period.parse(text or "")
    except StatsError as exc:
        raise ApiError("bad_request", exc.message) from None


def figures_json(f: Figures) -> dict[str, Any]:
    """Counts, shares (0–1 or null) and the mean rating of one group, under the kiosk's names."""
    out: dict[str, Any] = {key: getattr(f, key) for key, _ in COUNTS}
    out["ratings"] = list(f.ratings)
    out["shares"] = {m.key: f.share(m.numerator, m.denominator) for m in MEASURES}
    out["mean_rating"] = f.mean_rating()
    return out


def report_json(report: ProvinceReport, by: str) -> dict[str, Any]:
    if by not in GROUPINGS:
        raise ApiError("bad_request", f"'by' phải là một trong {', '.join(GROUPINGS)}")
    names = report.names.get(by, {})
    groups = report.groups(by)
    return {
        "period": {
            "first": report.period.first.isoformat(),
            "last": report.period.last.isoformat(),
            "label": report.period.label(),
        },
        "by": by,
        "computed_at": report.computed_at.isoformat() if report.computed_at else None,
        "province": figures_json(report.province),
        "rows": [
            {"id": key, "name": names.get(key, key), **figures_json(groups[key])}
            for key in sorted(groups)
        ],
    }
