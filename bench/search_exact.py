"""Bench: exact look-ups by dossier code and by CCCD number, on a million dossiers.

Goal: p95 under 1 ms over at least 1,000 look-ups mixing ``dossiers.get(db, code=...)`` (the
barcode scanner / typed code) and ``dossiers.by_id_number(db, id)`` (the citizen's card), both
taken from rows of the store, plus a few misses. Baseline, same run and store: p95 of a
primary-key point lookup (``SELECT * FROM dossiers WHERE n = ?``). ratio = value / baseline.
The reported p95 is the median over the passes.

    /work/venv/bin/python bench/search_exact.py              # 1,000,000 dossiers
    /work/venv/bin/python bench/search_exact.py --rows 100000
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

from _fixture import fixture_store, log, percentile, sample_rows  # noqa: E402

from kiosk_app.store import dossiers  # noqa: E402
from kiosk_app.store.db import open_store  # noqa: E402

GOAL_MS = 1.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--rows", type=int, default=1_000_000, help="dossiers in the store")
    ap.add_argument("--lookups", type=int, default=1200, help="look-ups per pass (≥ 1000)")
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached fixture")
    args = ap.parse_args()

    path = fixture_store(args.rows, rebuild=args.rebuild)
    sample = sample_rows(path, args.lookups // 2)
    top = max(r[0] for r in sample)
    work: list[tuple[str, str]] = []
    for _, code, id_number, _ in sample:
        work.append(("code", code.lower() if random.Random(code).random() < 0.1 else code))
        work.append(("id", id_number))
    # Misses: a mistyped code and an unknown card number (must be as fast as hits).
    work += [("code", "000.00.06.H56-991231-0001"), ("id", "046099000000")] * (args.lookups // 100)
    rng = random.Random(5)

    store = open_store(path)
    with store.read() as db:

        def lookup(item: tuple[str, str]) -> None:
            kind, key = item
            if kind == "code":
                dossiers.get(db, code=key)
            else:
                dossiers.by_id_number(db, key)

        def point(n: int) -> None:
            for r in db.query("SELECT * FROM dossiers WHERE n = ?", [n]):
                dict(r)

        for item in work[:50]:
            lookup(item)
        p95s, base95s, by_kind = [], [], {"code": [], "id": []}
        for i in range(args.passes):
            rng.shuffle(work)
            times, base = [], []
            for item in work:  # interleaved, so that machine noise hits both alike
                t = time.perf_counter()
                lookup(item)
                ms = (time.perf_counter() - t) * 1000
                times.append(ms)
                by_kind[item[0]].append(ms)
                n = rng.randint(1, top)
                t = time.perf_counter()
                point(n)
                base.append((time.perf_counter() - t) * 1000)
            p95s.append(percentile(times, 0.95))
            base95s.append(percentile(base, 0.95))
            log(
                f"pass {i + 1}: {len(work)} look-ups p50 {percentile(times, 0.5):.3f} ms, "
                f"p95 {p95s[-1]:.3f} ms, max {max(times):.3f} ms; pk p95 {base95s[-1]:.3f} ms"
            )
        for kind, ms in by_kind.items():
            log(f"  by {kind}: p50 {percentile(ms, 0.5):.3f} ms, p95 {percentile(ms, 0.95):.3f} ms")
        for sql in (
            "SELECT * FROM dossiers WHERE code = ?",
            "SELECT * FROM dossiers WHERE applicant_id_number = ? "
            "ORDER BY received_at DESC LIMIT ?",
        ):
            plan = db.execute("EXPLAIN QUERY PLAN " + sql, ["x", 20][: sql.count("?")]).fetchall()
            log(f"  plan: {sql[:60]}… -> {'; '.join(r[-1] for r in plan)}")
    store.close()

    value = statistics.median(p95s)
    baseline = statistics.median(base95s)
    print(
        json.dumps(
            {
                "bench": "search_exact",
                "value": round(value, 4),
                "unit": "ms",
                "baseline": round(baseline, 4),
                "ratio": round(value / baseline, 1),
                "goal": f"code / ID-number look-up p95 < {GOAL_MS:g} ms on {args.rows:,} dossiers",
                "met": value < GOAL_MS,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
