"""A year of a province's figures on the provincial server, against a plain count.

Rows: ``--communes`` (100) communes × ``--per-day`` (50) dossiers a day × ``--days`` (365),
written straight into a migrated server database in bulk (what pushes would have stored,
with each dossier's statistics facts as sync.server.stats_facts derives them: a realistic mix
of desk/kiosk, fees and payment methods, scans, results on time and late, apologies,
withdrawals, open dossiers), plus ratings for about one dossier in five.

Measured, alternating, ``--runs`` times each: ``Service.stats(Period.year(Y))`` — the whole
report: the figures per commune, procedure and field and the province roll-up — and the
baseline, a plain count over the same rows in the same database: ``SELECT COUNT(*) FROM dossiers
WHERE fee >= 0`` (true of every row, so each row is read once; a bare ``COUNT(*)``, which SQLite
answers without reading rows, is timed and reported on stderr too).
Medians; the last line is the JSON object of bench/README.md.

    /work/venv/bin/python bench/stats.py                      # SQLite, 1,825,000 dossiers
    /work/venv/bin/python bench/stats.py --communes 10        # quick try
    /work/venv/bin/python bench/stats.py --engine postgresql --db postgresql://…/empty_db
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL = 20.0  # a year's figures in at most this many plain counts
# The baseline: a plain count that reads each row once. SQLite answers a bare COUNT(*) from the
# b-tree's page headers without reading a row (reported too, on stderr).
COUNT_ROWS = "SELECT COUNT(*) AS n FROM dossiers WHERE fee >= 0"
PROCEDURES = [("1.001193", "ho_tich"), ("2.000884", "chung_thuc"), ("1.000656", "ho_tich"),
              ("1.004227", "dat_dai"), ("2.001035", "xay_dung"), ("1.003005", "bao_tro")]  # fmt: skip


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _rows(commune: str, agency: str, year: int, days: int, per_day: int, rnd: random.Random):
    """(dossier row, rating row or None) for one commune's year."""
    from kiosk_app.core.intake import VN_TZ
    from sync.server.stats_facts import micros

    hour = 3_600_000_000
    day0 = date(year, 1, 1)
    seq = 0
    for d in range(days):
        day = day0 + timedelta(days=d)
        for i in range(per_day):
            seq += 1
            at = datetime(day.year, day.month, day.day, 8 + i % 9, i % 60, tzinfo=VN_TZ)
            t = micros(at.isoformat())
            kiosk = rnd.random() < 0.3
            code, field = PROCEDURES[rnd.randrange(len(PROCEDURES))]
            fee = 0 if field == "ho_tich" else rnd.choice((10_000, 50_000, 100_000))
            method = rnd.choice(("cash", "transfer", "online")) if fee else None
            due = t + rnd.choice((8, 24, 72, 240)) * hour
            finished = t + rnd.randrange(1, 300) * hour if rnd.random() < 0.85 else None
            ended = t + hour if finished is None and rnd.random() < 0.3 else None
            if finished is not None and rnd.random() < 0.05:  # an apology kept the old due
                due -= 4 * hour
            dossier_id = f"{agency}-{seq}"
            row = (
                dossier_id, f"{agency}-{day:%y%m%d}-{i + 1001:04d}", agency, commune,
                "bench-device", code, "bench", "kiosk" if kiosk else "desk",
                10 if finished else 2, at.isoformat(), None, "0" * 64, 1, "{}",
                at.isoformat(), at.isoformat(),
                fee, "post" if rnd.random() < 0.2 else "desk", method,
                int(rnd.random() < 0.6), int(finished is not None and rnd.random() < 0.5),
                t + (rnd.randrange(1, 48) * hour if kiosk else 0), finished, ended, due, 1,
            )  # fmt: skip
            rating = None
            if rnd.random() < 0.2:
                rating = (
                    f"r-{dossier_id}", "bench-device", agency, commune, at.isoformat(),
                    rnd.choice((1, 2, 3, 4, 4, 5, 5, 5)), "[]", row[1], "kiosk",
                    at.isoformat(), t + hour,
                )  # fmt: skip
            yield row, rating


def load(db, communes: int, per_day: int, days: int, year: int) -> int:
    from sync.server.service_push import _DOSSIER_SQL

    rating_sql = (
        "INSERT INTO ratings (id, device_id, agency_id, commune_code, rated_at, level, reasons,"
        " dossier_code, channel, received_at, t_rated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    from kiosk_app.core import admin_units

    units = admin_units.communes()[:communes]
    rnd = random.Random(7)
    total = 0
    for n, unit in enumerate(units):
        agency = f"{n:03d}.99.06.H56"
        dossiers, ratings = [], []
        for row, rating in _rows(unit.code, agency, year, days, per_day, rnd):
            dossiers.append(row)
            if rating:
                ratings.append(rating)
        with db.tx() as tx:
            tx.executemany(_DOSSIER_SQL, dossiers)
            tx.executemany(rating_sql, ratings)
        total += len(dossiers)
        if n % 10 == 9:
            log(f"  {n + 1} communes, {total:,} dossiers")
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--db", help="PostgreSQL URL of an empty database (--engine postgresql)")
    ap.add_argument("--communes", type=int, default=100)
    ap.add_argument("--per-day", type=int, default=50)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if args.engine == "postgresql" and not args.db:
        ap.error("--engine postgresql needs --db postgresql://… (an empty database)")

    from kiosk_app.core.stats import Period
    from sync.server.db import Database
    from sync.server.service import Service

    work = Path(tempfile.mkdtemp(prefix="motcua-bench-stats-"))
    db = Database.for_data_dir(work, args.db if args.engine == "postgresql" else None)
    try:
        db.migrate()
        t0 = time.perf_counter()
        n = load(db, args.communes, args.per_day, args.days, 2025)
        with db.tx() as tx:
            tx.execute("ANALYZE")
        log(f"loaded {n:,} dossiers in {time.perf_counter() - t0:.1f} s ({args.engine})")
        service = Service(db, work)
        period = Period.year(2025)
        report = service.stats(period)  # warm the caches once, and check what it found
        assert report.province.received > 0 and len(report.by_commune) == args.communes
        took, base, bare_t = [], [], []
        for i in range(args.runs):
            t = time.perf_counter()
            report = service.stats(period)
            took.append(time.perf_counter() - t)
            t = time.perf_counter()
            with db.tx(write=False) as tx:
                count = tx.scalar(COUNT_ROWS)
            base.append(time.perf_counter() - t)
            t = time.perf_counter()
            with db.tx(write=False) as tx:
                bare = tx.scalar("SELECT COUNT(*) AS n FROM dossiers")
            bare_t.append(time.perf_counter() - t)
            assert count == bare == n
            log(
                f"run {i + 1}: figures {took[-1] * 1000:.0f} ms, count reading the rows "
                f"{base[-1] * 1000:.1f} ms, bare COUNT(*) {bare_t[-1] * 1000:.1f} ms"
            )
        value, baseline = statistics.median(took), statistics.median(base)
        log(
            f"median bare COUNT(*): {statistics.median(bare_t) * 1000:.1f} ms "
            f"(figures = {value / statistics.median(bare_t):.0f} x)"
        )
        f = report.province
        log(
            f"province 2025: received {f.received:,}, finished {f.finished:,}, "
            f"on time {f.on_time:,}, overdue {f.overdue:,}, ratings {f.rated:,}"
        )
    finally:
        db.close()
        shutil.rmtree(work, ignore_errors=True)
    print(
        json.dumps(
            {
                "bench": "stats",
                "value": round(value * 1000, 1),
                "unit": "ms",
                "baseline": round(baseline * 1000, 2),
                "ratio": round(value / baseline, 2),
                "goal": f"a year's figures (per commune, procedure, field + province) "
                f"<= {GOAL:.0f} x a plain COUNT(*) reading the same {n:,} dossiers "
                f"({args.engine}; a bare COUNT(*) that reads no row: see stderr)",
                "met": value <= GOAL * baseline,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
