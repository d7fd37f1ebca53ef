"""Fork server for the kill loops (tests/integration/test_kill_loops.py).

Started once per loop; imports the program once, then on each ``fork MODE DATA ACK [DEST]``
line read from stdin forks a worker and prints ``PID <pid>``; it reaps the worker when it dies
and prints ``DEAD <pid> <status>``. A worker opens the kiosk through the program's own entry
point (``kiosk_app.bootstrap.open_kiosk``, so whatever the store becomes — SQLCipher — is what
is tested), prints ``READY <pid>``, then works until it is killed:

- ``submit``: store a fresh attachment and submit a dossier naming it, again and again;
- ``sync``: submit one such dossier, then one ``sync_once`` pass to the server, again and again;
- ``backup``: submit one such dossier, then ``kiosk_app.core.backup.backup`` to DEST, again.

After each committed submission it appends ``<code> <sha256>`` to ACK and fsyncs it, so the
parent knows what must survive. ``PHASE <name>`` lines say what it is doing (for the report of
where kills landed). Forking from a warm process makes a restart cost milliseconds instead of
an interpreter start and imports; nothing is open in the fork server when it forks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

PROCEDURE = "1.001193"


def _say(line: str) -> None:
    os.write(1, (line + "\n").encode())  # one write: lines from several processes never mix


def _acker(path: str) -> Any:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def ack(code: str, sha: str) -> None:
        os.write(fd, f"{code} {sha}\n".encode())
        os.fsync(fd)

    return ack


def _submit_one(kiosk: Any, ack: Any, answers: dict, docs: list, size: int) -> None:
    _say("PHASE submit-file")
    stored = kiosk.files.put_bytes(os.urandom(size))
    _say("PHASE submit-dossier")
    result = kiosk.intake.submit(
        PROCEDURE,
        answers,
        docs,
        attachments=[{"sha256": stored.sha256, "size": stored.size, "name": "scan.jpg"}],
        actor="kill-test",
    )
    _say("PHASE submit-ack")
    ack(result.code, stored.sha256)


def _day_moving_clock(kiosk: Any) -> None:
    """A device issues at most 999 codes a day (its slot): a fast machine submits more than
    that in one loop, so the intake's day moves on every 500 dossiers (forward only, as the
    code rules require)."""
    from datetime import datetime, timedelta

    from kiosk_app.core.intake import VN_TZ

    base = datetime(2025, 3, 3, 8, 0, tzinfo=VN_TZ)
    n = [kiosk.store.query("SELECT COUNT(*) AS n FROM dossiers")[0]["n"]]

    def clock() -> datetime:
        n[0] += 1
        return base + timedelta(days=n[0] // 500, seconds=n[0])

    kiosk.intake.clock = clock


def worker(mode: str, data_dir: str, ack_path: str, dest: str | None, example: dict) -> None:
    from kiosk_app.bootstrap import open_kiosk

    kiosk = open_kiosk(Path(data_dir))
    _day_moving_clock(kiosk)
    answers, docs = example["answers"], example["documents"]
    ack = _acker(ack_path)
    _say(f"READY {os.getpid()}")
    if mode == "submit":
        while True:
            _submit_one(kiosk, ack, answers, docs, 2_000)
    elif mode == "sync":
        import sync.client as sc

        for name, label in (("push_outbox", "push"), ("upload_pending", "upload"),
                            ("pull_feeds", "feeds"), ("_publish_key", "key")):  # fmt: skip
            real = getattr(sc, name)
            setattr(
                sc, name, lambda *a, _r=real, _l=label, **k: (_say(f"PHASE {_l}"), _r(*a, **k))[1]
            )
        while True:
            _submit_one(kiosk, ack, answers, docs, 100_000)  # two upload chunks
            transport = sc.Transport(attempts=2, backoff_base=0.01, backoff_cap=0.05)
            sc.sync_once(kiosk, transport=transport)
    elif mode == "backup":
        import kiosk_app.core.backup as bk
        from kiosk_app.core.backup import backup

        for name, label in (("verify_backup", "verify"), ("_prune", "prune")):
            real = getattr(bk, name)
            setattr(
                bk,
                name,
                lambda *a, _r=real, _l=label, **k: (_say(f"PHASE backup-{_l}"), _r(*a, **k))[1],
            )
        last = [""]

        def step(phase: str, _done: int, _total: int) -> None:
            if phase != last[0]:
                last[0] = phase
                _say(f"PHASE backup-{phase}")

        for n in range(1_000_000):
            if n % 3 == 0:  # mostly backing up, with something new to back up now and then
                _submit_one(kiosk, ack, answers, docs, 2_000)
            last[0] = ""
            _say("PHASE backup-start")
            backup(Path(data_dir), Path(dest or ""), keep=3, on_step=step)
    raise SystemExit(f"unknown mode {mode}")


def _warm_up(example: dict) -> None:
    """One submission into a throwaway folder, so the per-process caches a first submission
    fills (calendar, lifecycle, unpickled forms: ~150 ms) are warm in every fork. Everything
    it opens is closed again before any fork."""
    import shutil
    import tempfile

    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk

    tmp = Path(tempfile.mkdtemp(prefix="motcua-warm-"))
    try:
        configure_office(tmp, DEMO_TEST_OFFICE)
        kiosk = open_kiosk(tmp)
        try:
            _submit_one(kiosk, lambda *_: None, example["answers"], example["documents"], 10)
        finally:
            kiosk.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    # warm: every module a worker needs, imported once here (no file, no thread opened)
    import httpx  # noqa: F401

    import kiosk_app.bootstrap  # noqa: F401
    import kiosk_app.core.backup  # noqa: F401
    import kiosk_app.core.forms  # noqa: F401
    import kiosk_app.core.intake  # noqa: F401
    import sync.client  # noqa: F401
    from kiosk_app.core.catalog import load_catalog

    # the example answers, computed once (the form engine's search for valid answers is the
    # slowest part of a worker's start)
    example = load_catalog().get(PROCEDURE).example_submission()
    _warm_up(example)
    _say("ZYGOTE")
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] != "fork":
            break
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                worker(parts[1], parts[2], parts[3], parts[4] if len(parts) > 4 else None, example)
            except BaseException as exc:  # noqa: BLE001 - reported, the parent fails the test
                import traceback

                traceback.print_exc()
                _say(f"CRASH {os.getpid()} {type(exc).__name__}: {exc}")
                code = 1
            finally:
                os._exit(code)
        _say(f"PID {pid}")
        _, status = os.waitpid(pid, 0)
        _say(f"DEAD {pid} {status}")


if __name__ == "__main__":
    main()
