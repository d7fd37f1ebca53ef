"""``motcua backup`` / ``motcua restore`` (kiosk_app/core/backup.py, docs/backup.md).

A backup taken while the store is being written is one consistent snapshot and verifies;
the attachment pool is incremental and garbage-collected with ``--keep``; damage is found
before anything is restored; a SIGKILL at any point of a backup never leaves one that looks
complete, and the next backup succeeds; a full disk is a clear error with nothing left behind
and the store untouched; a restored kiosk syncs without duplicating anything on the server.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk_app.cli_trust import run
from kiosk_app.config import DB_FILE
from kiosk_app.core import backup as bk
from kiosk_app.core.backup import BackupError, backup, list_backups, verify_backup
from kiosk_app.store.db import Error as DbError
from kiosk_app.store.db import raw_connect
from kiosk_app.store.migrations import latest_version
from tests.conftest import FakeClock
from tests.server.conftest import Srv, server  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]
BIRTH = "1.001193"


def open_data(path: Path) -> Any:
    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ

    configure_office(path, DEMO_TEST_OFFICE)
    k = open_kiosk(path)
    k.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))
    return k


def submit(k: Any, files: list[bytes] | None = None) -> Any:
    ex = k.catalog.get(BIRTH).example_submission()
    atts = []
    for i, data in enumerate(files or []):
        f = k.files.put_bytes(data)
        atts.append({"sha256": f.sha256, "size": f.size, "name": f"scan{i}.jpg"})
    return k.intake.submit(BIRTH, ex["answers"], ex["documents"], attachments=atts)


@pytest.fixture
def data(tmp_path: Path) -> Any:
    k = open_data(tmp_path / "data")
    for i in range(3):
        submit(k, [os.urandom(20_000 + i)])
    yield k
    k.close()


def db_key(db_path: Path) -> bytes:
    """The data key of a store, or of a backup's copy (this test PC holds both)."""
    from kiosk_app.store.data_key import find_local_key, load_key

    manifest = db_path.parent / bk.MANIFEST
    if manifest.is_file():
        enc = json.loads(manifest.read_text(encoding="utf-8"))["encryption"]
        key = find_local_key(enc["key_id"], enc["check"])
    else:
        key = load_key(db_path.parent)
    assert key is not None
    return key


def copy_facts(db_path: Path) -> dict[str, Any]:
    conn = raw_connect(db_path, db_key(db_path), read_only=True)
    try:
        return {
            "dossiers": sorted(r[0] for r in conn.execute("SELECT code FROM dossiers")),
            "outbox": sorted(conn.execute("SELECT id, state, entity_id FROM outbox").fetchall()),
            "received": conn.execute(
                "SELECT COUNT(*) FROM outbox WHERE kind = 'dossier.submitted'"
            ).fetchone()[0],
            "audit": conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0],
        }
    finally:
        conn.close()


def cli(*argv: str) -> tuple[int, Any]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run([*argv, "--json"])
    text = out.getvalue()
    return code, json.loads(text) if text.strip() else None


# ------------------------------------------------------------------ backup
def test_backup_while_writing_is_one_consistent_snapshot(
    data: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk_app.core import backup_db

    monkeypatch.setattr(backup_db, "PAGES_PER_STEP", 4)  # many steps: writes land between them
    dest = tmp_path / "usb"
    stop = threading.Event()
    written = []

    def writer() -> None:  # another connection writing all the time, like the running app
        k2 = open_data(tmp_path / "data")
        try:
            while not stop.is_set():
                written.append(submit(k2, [os.urandom(3000)]).code)
        finally:
            k2.close()

    t = threading.Thread(target=writer)
    t.start()
    try:
        results = []
        for _ in range(6):
            time.sleep(0.02)
            results.append(backup(data.data_dir, dest, keep=10))
    finally:
        stop.set()
        t.join()
    assert len(written) > 3
    counts = []
    for r in results:
        assert verify_backup(r.path) == []
        f = copy_facts(r.path / DB_FILE)
        # every dossier with exactly its outbox event and audit entry: no torn snapshot
        assert len(f["dossiers"]) == f["received"] == f["audit"]
        assert r.manifest["counts"]["dossiers"] == len(f["dossiers"])
        assert r.manifest["audit"]["intact"] and r.manifest["audit"]["head_n"] == f["audit"]
        counts.append(len(f["dossiers"]))
    assert counts == sorted(counts) and counts[-1] > 3


def test_incremental_pool_keep_and_garbage_collection(data: Any, tmp_path: Path) -> None:
    dest = tmp_path / "usb"
    first = backup(data.data_dir, dest, keep=2)
    assert (first.copied_files, first.reused_files) == (3, 0)
    second = backup(data.data_dir, dest, keep=2)
    assert (second.copied_files, second.reused_files) == (3 - 3, 3)  # copies only what is missing
    lone = submit(data, [b"only in the third backup " * 100])
    sha = data.intake.lookup(lone.code).attachments[0]["sha256"]
    third = backup(data.data_dir, dest, keep=2)
    assert (third.copied_files, third.reused_files) == (1, 3)
    assert third.pruned == [first.path.name]
    assert list_backups(dest) == [second.path, third.path]
    # a pool file no kept backup names is removed with the last backup that named it
    data.files.path(sha).unlink()
    fourth = backup(data.data_dir, dest, keep=1)
    assert fourth.warnings and "not in the data folder" in fourth.warnings[0]
    assert not bk._pool_path(dest / bk.POOL, sha).exists()
    assert len(list(bk._walk_pool(dest / bk.POOL))) == 3
    assert list_backups(dest) == [fourth.path]


def test_cli_backup_and_bad_input(data: Any, tmp_path: Path) -> None:
    code, out = cli("backup", "--to", str(tmp_path / "usb"), "--data-dir", str(data.data_dir))
    assert code == 0 and out["verified"] and out["counts"]["dossiers"] == 3
    assert out["audit"]["head_n"] == 3 and out["attachments"] == 3
    m = json.loads((Path(out["path"]) / bk.MANIFEST).read_text())
    assert m["app_version"] and m["schema_version"] >= 4
    assert m["encryption"]["scheme"] == bk.ENCRYPTION_SCHEME and m["encryption"]["key_id"]
    assert m["database"]["sha256"] == bk._hash_file(Path(out["path"]) / DB_FILE)[0]
    assert run(["backup", "--to", str(tmp_path / "u2"), "--data-dir", str(tmp_path / "no")]) == 2
    assert run(["backup", "--to", str(tmp_path / "u2"), "--data-dir", str(data.data_dir),
                "--keep", "0"]) == 2  # fmt: skip
    inside = str(data.data_dir / "bk")
    assert run(["backup", "--to", inside, "--data-dir", str(data.data_dir)]) == 2


def test_damage_is_found_and_the_next_backup_repairs_the_pool(data: Any, tmp_path: Path) -> None:
    dest = tmp_path / "usb"
    r = backup(data.data_dir, dest)
    victim = bk._pool_path(dest / bk.POOL, r.manifest["attachments"][0]["sha256"])
    victim.write_bytes(b"bit rot")
    problems = verify_backup(r.path)
    assert len(problems) == 1 and "damaged" in problems[0]
    code = run(["restore", "--from", str(dest), "--data-dir", str(tmp_path / "new")])
    assert code == 1 and not (tmp_path / "new" / DB_FILE).exists()
    again = backup(data.data_dir, dest)
    assert again.copied_files == 1 and verify_backup(r.path) == []
    # a damaged database copy: refused too
    with open(r.path / DB_FILE, "r+b") as fh:
        fh.seek(5000)
        fh.write(b"\xff" * 64)
    assert "sha256" in verify_backup(r.path)[0]


# ------------------------------------------------------------------ restore
def test_restore_onto_fresh_folder_keeps_ids_states_and_audit(data: Any, tmp_path: Path) -> None:
    dest = tmp_path / "usb"
    data.store.conn.execute("UPDATE outbox SET state = 'sent' WHERE seq = 1")  # as after a sync
    r = backup(data.data_dir, dest)
    before = copy_facts(data.store.path)
    target = tmp_path / "new"
    code, out = cli("restore", "--from", str(dest), "--data-dir", str(target))
    assert code == 0, out
    assert out["counts"]["dossiers"] == 3 and out["attachments"] == 3
    assert out["migrations_applied"] == [] and any(
        "not in this backup" in w for w in out["warnings"]
    )
    after = copy_facts(target / DB_FILE)
    assert after["outbox"] == before["outbox"]  # same UUIDv7 ids, same states
    assert after["dossiers"] == before["dossiers"]
    assert after["audit"] == before["audit"] + 1  # + the backup.restore entry
    # the manifest's audit head is an anchor the restored chain still carries
    head = r.manifest["audit"]
    assert run(["audit", "verify", "--data-dir", str(target),
                "--anchor", f"{head['head_n']}:{head['head_hash']}"]) == 0  # fmt: skip
    from kiosk_app.bootstrap import open_kiosk

    k = open_kiosk(target)
    try:
        for code_ in before["dossiers"]:
            for a in k.intake.lookup(code_).attachments:
                assert k.files.verify(a["sha256"])
    finally:
        k.close()
    # a non-empty folder is refused without --force; with it the old store is moved aside
    assert run(["restore", "--from", str(dest), "--data-dir", str(target)]) == 1
    code, out = cli("restore", "--from", str(r.path), "--data-dir", str(target), "--force")
    assert code == 0 and any(n.startswith(DB_FILE + ".before-restore-") for n in out["moved_aside"])
    assert run(["restore", "--from", str(tmp_path), "--data-dir", str(tmp_path / "x")]) == 2


# ------------------------------------------------------------------ SIGKILL
CHILD = r"""
import os, signal, sys
from pathlib import Path
from kiosk_app.core import backup as bk
from kiosk_app.core import backup_db
data, dest, where = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
backup_db.PAGES_PER_STEP = 1
die = lambda: os.kill(os.getpid(), signal.SIGKILL)
def step(phase, done, total):
    if where == phase and done >= total // 2:
        die()
if where == "before-rename":
    real = bk.verify_backup
    def verify_then_die(*a, **k):
        assert real(*a, **k) == []
        die()
    bk.verify_backup = verify_then_die
if where == "manifest":
    def half_manifest(folder, manifest):
        (folder / "manifest.json").write_text('{"format": "motcua-b')
        die()
    bk._write_manifest = half_manifest
bk.backup(data, dest, on_step=step)
print("finished")
"""


def killed_backup(data_dir: Path, dest: Path, where: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), str(dest), where],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    return out.returncode


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("where", ["database", "attachments", "manifest", "before-rename"])
def test_sigkill_mid_backup_leaves_nothing_that_looks_complete(
    data: Any, tmp_path: Path, where: str
) -> None:
    dest = tmp_path / "usb"
    good = backup(data.data_dir, dest)
    submit(data, [os.urandom(10_000), os.urandom(10_000)])
    assert killed_backup(data.data_dir, dest, where) == -signal.SIGKILL
    assert [p.name for p in dest.iterdir() if p.name.startswith(bk.PARTIAL)]  # it was killed there
    assert list_backups(dest) == [good.path]  # nothing else looks complete
    # restore finds the last complete one
    assert run(["restore", "--from", str(dest), "--data-dir", str(tmp_path / "r")]) == 0
    assert (
        copy_facts(tmp_path / "r" / DB_FILE)["dossiers"]
        == copy_facts(good.path / DB_FILE)["dossiers"]
    )
    nxt = backup(data.data_dir, dest)
    assert verify_backup(nxt.path) == [] and nxt.manifest["counts"]["dossiers"] == 4
    assert not [p for p in dest.iterdir() if p.name.startswith(bk.PARTIAL)]
    assert not list((dest / bk.POOL).rglob(".incoming-*"))
    assert data.store.integrity_check() == "ok"


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_sigkill_of_the_cli_at_random_moments(data: Any, tmp_path: Path) -> None:
    rng = random.Random(7)
    for _ in range(8):
        submit(data, [os.urandom(1_500_000)])
    dest = tmp_path / "usb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "kiosk_app.cli_trust", "backup", "--to", str(dest)]
    cmd += ["--data-dir", str(data.data_dir)]
    interrupted = 0
    for i in range(6):
        if i % 2:  # a fresh attachment each other round, so there is something to copy
            submit(data, [os.urandom(1_500_000)])
        child = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while child.poll() is None and time.monotonic() < deadline:
            if dest.is_dir() and any(p.name.startswith(bk.PARTIAL) for p in dest.iterdir()):
                break  # it has started writing: kill it somewhere in the copy
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.03))
        child.send_signal(signal.SIGKILL)
        interrupted += child.wait() == -signal.SIGKILL
        for p in list_backups(dest):  # whatever looks complete is complete
            assert verify_backup(p) == [], p
    assert interrupted >= 3  # most kills landed while it was writing
    assert run(["backup", "--to", str(dest), "--data-dir", str(data.data_dir)]) == 0
    assert all(verify_backup(p) == [] for p in list_backups(dest))
    assert not [p for p in dest.iterdir() if p.name.startswith(bk.PARTIAL)]


# ------------------------------------------------------------------ disk full
def _snapshot(k: Any) -> tuple[Any, ...]:
    f = copy_facts(k.store.path)
    return f["dossiers"], f["outbox"], f["audit"], k.store.integrity_check()


def _assert_nothing_left(dest: Path) -> None:
    assert list_backups(dest) == []
    left = [p for p in dest.rglob("*") if p.is_file() and p.name != bk.LOCK]
    assert left == []


def test_disk_full_simulated(data: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "usb"
    before = _snapshot(data)
    real = bk._copy_stream
    calls = []

    def full_on_second(src: Any, dst: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            dst.write(src.read(1000))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(bk, "_copy_stream", full_on_second)
    with pytest.raises(BackupError) as err:
        backup(data.data_dir, dest)
    assert "disk is full" in str(err.value) and "store was not changed" in str(err.value)
    _assert_nothing_left(dest)
    assert _snapshot(data) == before
    monkeypatch.setattr(bk, "_copy_stream", real)
    assert verify_backup(backup(data.data_dir, dest).path) == []


def _tmpfs(path: Path, size: str) -> bool:
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    path.mkdir()
    out = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    return out.returncode == 0


@pytest.mark.parametrize(
    ("size", "fails_in"),
    [("96k", DbError), ("400k", OSError)],  # full in the database copy / the attachments
)
def test_disk_full_on_a_tiny_tmpfs(data: Any, tmp_path: Path, size: str, fails_in: type) -> None:
    for _ in range(3):
        submit(data, [os.urandom(60_000)])
    dest = tmp_path / "tiny"
    if not _tmpfs(dest, size):
        pytest.skip("cannot mount a tmpfs here (needs root); the simulated test covers it")
    try:
        before = _snapshot(data)
        code = run(["backup", "--to", str(dest), "--data-dir", str(data.data_dir)])
        assert code == 1
        with pytest.raises(BackupError, match="disk is full") as err:
            backup(data.data_dir, dest)
        assert isinstance(err.value.__cause__, fails_in)
        _assert_nothing_left(dest)
        assert _snapshot(data) == before
    finally:
        subprocess.run(["umount", str(dest)], check=False)
    assert verify_backup(backup(data.data_dir, tmp_path / "big").path) == []


# ------------------------------------------------------------------ restore, then sync
@pytest.mark.parametrize("server", ["sqlite"], indirect=True)  # the kiosk side is the point
def test_restored_kiosk_syncs_without_duplicates(tmp_path: Path, server: Srv) -> None:  # noqa: F811
    from kiosk_app.bootstrap import open_kiosk
    from kiosk_app.core.intake import VN_TZ
    from sync.client import enrol, sync_once
    from tests.integration.test_sync_client import open_enrolled, server_list

    k = open_enrolled(tmp_path / "kiosk", server)
    a = submit(k, [os.urandom(30_000)])
    assert sync_once(k).ok
    b = submit(k, [os.urandom(30_000)])  # waiting when the backup is taken
    r = backup(k.data_dir, tmp_path / "usb")
    assert r.manifest["counts"]["outbox_by_state"] == {"pending": 1, "sent": 1}
    c = submit(k)
    report = sync_once(k)
    assert report.ok and report.pushed == 2
    agency = k.office.agency_id
    device = k.store.query("SELECT device_id, slot FROM sync_device")[0]
    k.close()

    # the PC dies; a new one gets the backup and is enrolled again for the same slot
    target = tmp_path / "new"
    code, out = cli("restore", "--from", str(tmp_path / "usb"), "--data-dir", str(target))
    assert code == 0 and any("enrol again" in w for w in out["warnings"])
    server.service.revoke(device["device_id"], "máy hỏng, khôi phục từ bản sao")
    k2 = open_kiosk(target)
    try:
        k2.intake.clock = FakeClock(datetime(2025, 3, 12, 10, 0, tzinfo=VN_TZ))
        ids_restored = copy_facts(target / DB_FILE)["outbox"]
        ids_backup = copy_facts(r.path / DB_FILE)["outbox"]
        assert ids_restored == ids_backup  # ids and states as they were
        fresh = server.service.create_enrolment(
            commune=k2.office.commune_code, agency_id=agency, slot=device["slot"]
        )["code"]
        enrol(k2, server.url, fresh, device_name="Máy thay thế", force=True)
        report = sync_once(k2)
        assert report.ok, report.errors
        assert (report.pushed, report.duplicates, report.rejected) == (0, 1, 0)
    finally:
        k2.close()
    codes = [d["code"] for d in server_list(server, agency)]
    assert sorted(codes) == sorted([a.code, b.code, c.code])  # each exactly once


def test_restore_of_an_older_schema_runs_the_migrations(data: Any, tmp_path: Path) -> None:
    r = backup(data.data_dir, tmp_path / "usb")
    # make the copy look like a backup taken by the version before migration 4 (ratings)
    conn = raw_connect(r.path / DB_FILE, db_key(r.path / DB_FILE))
    conn.execute("DROP TABLE ratings")
    conn.execute("DROP TABLE IF EXISTS accounts")  # migration 5, when present
    conn.execute("DELETE FROM _migrations WHERE number >= 4")
    conn.close()
    m = json.loads((r.path / bk.MANIFEST).read_text())
    copy = bk._open_copy(r.path / DB_FILE, db_key(r.path / DB_FILE))
    m["counts"], m["schema_version"] = bk._counts(copy), bk._schema_version(copy)
    copy.close()
    m["database"]["sha256"], m["database"]["size"] = bk._hash_file(r.path / DB_FILE)
    (r.path / bk.MANIFEST).write_text(json.dumps(m))
    assert verify_backup(r.path) == [] and m["schema_version"] == 3
    code, out = cli("restore", "--from", str(r.path), "--data-dir", str(tmp_path / "new"))
    assert code == 0 and out["migrations_applied"] == list(range(4, latest_version() + 1))
    restored = tmp_path / "new" / DB_FILE
    assert bk._schema_version(bk._open_copy(restored, db_key(restored))) == latest_version()
    assert run(["audit", "verify", "--data-dir", str(tmp_path / "new")]) == 0
