"""Power-cut proof: SIGKILL a submitting process at random moments, 50 times.

Afterwards the database passes ``PRAGMA integrity_check`` and every submission the child
reported as committed is present exactly once, with exactly one outbox event and one
"received" event each.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk_app.store.db import open_store

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_sigkill_during_submissions_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    rng = random.Random(20250124)
    reported: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "integration" / "crash_child.py"), str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "READY", child.stderr.read() if child.stderr else line
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate()
        reported += [
            ln.split()[1]
            for ln in out.splitlines()
            if ln.startswith("COMMITTED ") and len(ln.split()) == 2
        ]
    assert len(reported) > KILLS, "the child should have committed many submissions"

    store = open_store(tmp_path / "kiosk.sqlite")
    try:
        assert store.integrity_check() == "ok"
        counts = {
            r["code"]: r["n"]
            for r in store.query("SELECT code, COUNT(*) AS n FROM dossiers GROUP BY code")
        }
        assert all(counts.get(code) == 1 for code in reported)
        assert all(n == 1 for n in counts.values())
        per_dossier = store.query(
            "SELECT d.code, (SELECT COUNT(*) FROM outbox o WHERE o.entity_id = d.id) AS o, "
            "(SELECT COUNT(*) FROM events e WHERE e.dossier_id = d.id) AS e FROM dossiers d"
        )
        assert all(r["o"] == 1 and r["e"] == 1 for r in per_dossier)
        # no gaps inside the slot: a killed transaction gives its number back
        by_day: dict[str, list[int]] = {}
        for r in store.query("SELECT code_day, code_seq FROM dossiers ORDER BY code_seq"):
            by_day.setdefault(r["code_day"], []).append(r["code_seq"])
        for seqs in by_day.values():
            assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    finally:
        store.close()
