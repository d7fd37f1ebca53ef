"""Kill loops: 200 random SIGKILLs during submission, during sync and during backup.

A fork server (kill_child.py) keeps the program imported, so each of the 200 restarts of a
worker costs milliseconds; the parent waits until the worker has opened the kiosk, lets it
work for a random time drawn from a seeded RNG (so kills land in every phase: attachment
write, submission transaction, push, upload, feeds, database copy, attachment copy, verify),
SIGKILLs it, and forks the next one. Afterwards:

- the store passes ``PRAGMA integrity_check`` and its audit chain verifies
  (``motcua audit verify``);
- every submission the worker acknowledged (written to a side file and fsynced after the
  commit) is present exactly once, with its attachment intact; no dossier code twice; one
  outbox event and one "received" event per dossier;
- sync: after one clean pass the server holds exactly the kiosk's dossiers, once each, with
  byte-identical files, and each outbox event once (tests/integration/test_sync_faults.py's
  ``assert_converged``);
- backup: every backup that looks complete verifies, and a last clean backup leaves nothing
  partial.

``MOTCUA_KILLS`` changes the number of kills per loop (default 200).
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.server.conftest import Srv, server  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]
CHILD = ROOT / "tests" / "integration" / "kill_child.py"
KILLS = int(os.environ.get("MOTCUA_KILLS", "200"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork"),
]


class ForkServer:
    """kill_child.py running as a fork server; lines it prints arrive on a queue."""

    def __init__(self, log: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("wb"),
            env=env,
            cwd=ROOT,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.startup: list[float] = []  # seconds from "fork" to the worker's READY
        threading.Thread(target=self._read, daemon=True).start()
        while (line := self.next(60)) != "ZYGOTE":  # the warm-up's PHASE lines
            assert line.startswith("PHASE "), f"{line}\n{self._tail()}"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.lines.put(raw.decode().strip())
        self.lines.put("EOF")

    def next(self, timeout: float = 30) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no answer from the fork server: {self._tail()}") from None

    def round(self, args: list[str], delay: float) -> str:
        """Fork a worker, let it work ``delay`` seconds after READY, SIGKILL it; returns the
        phase it was in when killed."""
        assert self.proc.stdin is not None
        t0 = time.monotonic()
        self.proc.stdin.write(("fork " + " ".join(args) + "\n").encode())
        self.proc.stdin.flush()
        pid, ready, phase = None, False, "open"
        while pid is None or not ready:
            line = self.next()
            if line.startswith("PID "):
                pid = int(line.split()[1])
            elif line.startswith("READY "):
                ready = True
            elif line.startswith(("CRASH", "DEAD", "EOF")):
                raise AssertionError(f"worker died by itself: {line}\n{self._tail()}")
        self.startup.append(time.monotonic() - t0)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        while True:
            line = self.next()
            if line.startswith("PHASE "):
                phase = line.split(" ", 1)[1]
            elif line.startswith("DEAD "):
                status = int(line.split()[2])
                assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                    f"worker ended with status {status}, not by our SIGKILL\n{self._tail()}"
                )
                return phase
            elif line.startswith(("CRASH", "EOF")):
                raise AssertionError(f"worker crashed: {line}\n{self._tail()}")

    def _tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(30)


def kill_loop(tmp: Path, mode: str, args: list[str], max_delay: float, seed: int) -> Counter:
    """KILLS rounds of fork / work / SIGKILL; returns where the kills landed."""
    rng = random.Random(seed)
    forks = ForkServer(tmp / f"{mode}-stderr.log")
    landed: Counter = Counter()
    try:
        for _ in range(KILLS):
            landed[forks.round([mode, *args], rng.uniform(0.0, max_delay))] += 1
    finally:
        forks.close()
    s = sorted(forks.startup)
    print(
        f"{mode}: {KILLS} kills, worker start median {s[len(s) // 2] * 1000:.0f} ms, "
        f"max {s[-1] * 1000:.0f} ms; killed in {dict(landed)}"
    )
    return landed


# ------------------------------------------------------------------ checks
def acknowledged(ack: Path) -> list[tuple[str, str]]:
    """(code, sha256) of every acknowledged submission (a torn last line is ignored: the kill
    can land inside the acknowledgement's own write)."""
    out = []
    for line in ack.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and len(parts[1]) == 64:
            out.append((parts[0], parts[1]))
    return out


def check_store(data_dir: Path, ack: Path) -> int:
    """Integrity, nothing lost, nothing twice, the audit chain intact; returns the count."""
    from kiosk_app.bootstrap import open_kiosk

    acked = acknowledged(ack)
    assert len(acked) > KILLS // 2, f"only {len(acked)} acknowledged submissions"
    codes = [c for c, _ in acked]
    assert len(set(codes)) == len(codes), "a code acknowledged twice"
    k = open_kiosk(data_dir)
    try:
        assert k.store.integrity_check() == "ok"
        rows = k.store.query(
            "SELECT d.id, d.code, (SELECT COUNT(*) FROM outbox o WHERE o.entity_id = d.id "
            "AND o.kind = 'dossier.submitted') AS o, (SELECT COUNT(*) FROM events e WHERE "
            "e.dossier_id = d.id AND e.kind = 'received') AS e FROM dossiers d"
        )
        by_code = Counter(r["code"] for r in rows)
        assert all(n == 1 for n in by_code.values()), "a dossier code twice in the store"
        missing = [c for c in codes if by_code.get(c) != 1]
        assert not missing, f"acknowledged but lost: {missing[:5]}"
        assert all(r["o"] == 1 and r["e"] == 1 for r in rows), "an event missing or twice"
        for code, sha in acked:
            view = k.intake.lookup(code)
            assert view is not None and [a["sha256"] for a in view.attachments] == [sha]
            assert k.files.verify(sha), f"{code}: attachment {sha[:12]} damaged or missing"
        count = len(rows)
    finally:
        k.close()
    audit = subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", "audit", "verify", "--data-dir", str(data_dir)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )  # fmt: skip
    assert audit.returncode == 0, audit.stdout + audit.stderr
    return count


def _office(tmp: Path) -> Path:
    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office

    data = tmp / "kiosk"
    configure_office(data, DEMO_TEST_OFFICE)
    return data


# ------------------------------------------------------------------ the three loops
def test_kills_during_submission(tmp_path: Path) -> None:
    data, ack = _office(tmp_path), tmp_path / "acks.txt"
    landed = kill_loop(tmp_path, "submit", [str(data), str(ack)], 0.1, seed=71)
    # kills in the file write and in the transaction, not only between submissions
    assert landed["submit-file"] >= KILLS // 10 and landed["submit-dossier"] >= KILLS // 4, landed
    check_store(data, ack)


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_kills_during_sync(tmp_path: Path, server: Srv) -> None:  # noqa: F811
    from kiosk_app.bootstrap import open_kiosk
    from sync.client import sync_once
    from tests.integration.test_sync_client import open_enrolled
    from tests.integration.test_sync_faults import assert_converged

    data, ack = tmp_path / "kiosk", tmp_path / "acks.txt"
    open_enrolled(data, server).close()
    landed = kill_loop(tmp_path, "sync", [str(data), str(ack)], 0.3, seed=72)
    assert sum(landed[p] for p in ("push", "upload", "feeds", "key")) >= KILLS // 3, landed
    n = check_store(data, ack)
    k = open_kiosk(data)
    try:
        report = sync_once(k)  # the one clean pass after the kills
        assert report.ok, report.errors
        facts = assert_converged(server, k)
        assert facts["dossiers"] == n and facts["files"] == n
    finally:
        k.close()


def test_kills_during_backup(tmp_path: Path) -> None:
    from kiosk_app.core import backup as bk

    data, ack, dest = _office(tmp_path), tmp_path / "acks.txt", tmp_path / "usb"
    landed = kill_loop(tmp_path, "backup", [str(data), str(ack), str(dest)], 0.2, seed=73)
    assert sum(n for p, n in landed.items() if p.startswith("backup")) >= KILLS // 3, landed
    for folder in bk.list_backups(dest):  # whatever looks complete is complete
        assert bk.verify_backup(folder) == [], folder
    n = check_store(data, ack)
    last = bk.backup(data, dest)
    assert bk.verify_backup(last.path) == [] and last.manifest["counts"]["dossiers"] == n
    assert not [p for p in dest.iterdir() if p.name.startswith(bk.PARTIAL)]
