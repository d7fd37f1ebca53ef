"""Encryption at rest, the proof (issue 7): after a real submission, the raw bytes of every file
the kiosk wrote — database, ``-wal``, ``-shm``, attachments, the pre-migration copy, a backup —
hold no name (with diacritics or folded), ID number, phone, address or scan, in UTF-8 or
UTF-16; a backup restores on "another PC" only with the office recovery passphrase."""

from __future__ import annotations

import contextlib
import io
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk_app.config import ATTACHMENTS_DIR, DB_FILE
from kiosk_app.core import backup as bk
from kiosk_app.core.textfold import fold
from kiosk_app.store import data_key, recovery
from kiosk_app.store.db import StoreError, raw_connect
from kiosk_app.store.migrations import backup_copy
from tests.conftest import FakeClock

BIRTH = "1.001193"
NAME = "Đặng Thị Huyền Trâm"
MOTHER_ID = "001190054321"
FATHER_ID = "079085123456"
REQUESTER_ID = "001090012345"
PHONE = "0912345678"
ADDRESS = "Số 17 ngõ Hoàng Hoa Thám"
CHILD = "Đặng Minh Khôi"
SCAN_MARKER = b"SCAN-MARKER-7f3a9c-"
PASSPHRASE = "Cụm mật khẩu khôi phục của xã Nam Đông"


def secrets_to_find() -> list[bytes]:
    """Every form a personal value could take on disk."""
    texts = [NAME, MOTHER_ID, FATHER_ID, REQUESTER_ID, PHONE, ADDRESS, CHILD]
    texts += [fold(t) for t in texts] + [fold(t).lower() for t in texts]
    texts += ["Hoàng Hoa Thám", "Huyền Trâm", "huyen tram", "Dang Thi"]
    out = {SCAN_MARKER}
    for t in texts:
        for enc in ("utf-8", "utf-16-le", "utf-16-be"):
            out.add(t.encode(enc))
    return sorted(out)


def leaks(root: Path) -> list[str]:
    """``file: value`` for each secret found in any file under ``root``."""
    found = []
    needles = secrets_to_find()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            raw = p.read_bytes()
            found += [f"{p.relative_to(root)}: {n[:30]!r}" for n in needles if n in raw]
    return found


def open_data(path: Path) -> Any:
    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ

    configure_office(path, DEMO_TEST_OFFICE)
    k = open_kiosk(path)
    k.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))
    return k


def submit(k: Any, scan: bytes) -> Any:
    ex = k.catalog.get(BIRTH).example_submission()
    answers = json.loads(json.dumps(ex["answers"]))
    answers["requester"]["full_name"] = NAME
    answers["requester"]["phone"] = PHONE
    answers["requester"]["residence"]["detail"] = ADDRESS
    answers["mother"]["full_name"] = NAME
    answers["child_full_name"] = CHILD
    f = k.files.put_bytes(scan)
    atts = [{"sha256": f.sha256, "size": f.size, "name": "giay-chung-sinh.jpg"}]
    # a draft being typed keeps what the clerk entered, phone included (this form does not
    # ask for one, so the submitted dossier drops it)
    draft = k.intake.start_draft(BIRTH)
    k.intake.save_step(draft, answers={"requester": dict(answers["requester"])})
    return k.intake.submit(BIRTH, answers, ex["documents"], attachments=atts)


def scan_bytes() -> bytes:
    return (SCAN_MARKER + os.urandom(64)) * 30_000  # ~2.5 MB: several chunks


@pytest.fixture
def kiosk_with_dossier(tmp_path: Path) -> Any:
    k = open_data(tmp_path / "data")
    scan = scan_bytes()
    sub = submit(k, scan)
    yield k, sub, scan
    k.close()


def test_raw_files_after_a_submission_hold_no_personal_data(kiosk_with_dossier, tmp_path) -> None:
    k, sub, scan = kiosk_with_dossier
    data_dir = k.data_dir
    # the store really holds them (the test could not pass on an empty store)
    d = k.intake.lookup(sub.code)
    text = json.dumps(d.dossier, ensure_ascii=False, default=str)
    assert NAME in text and ADDRESS in text and MOTHER_ID in text and CHILD in text
    drafts = json.dumps(k.store.query("SELECT answers FROM drafts"), ensure_ascii=False)
    assert PHONE in drafts
    sha = d.attachments[0]["sha256"]
    assert k.files.read_bytes(sha) == scan
    assert [r["code"] for r in k.intake.search(fold(NAME).lower()[:10])] == [sub.code]
    # while the desk is open: the WAL holds the latest pages
    backup_copy(k.store, "pre-test")  # what a migration writes beside the store
    wal = data_dir / (DB_FILE + "-wal")
    assert wal.is_file() and wal.stat().st_size > 0
    assert list(data_dir.glob("kiosk.pre-test-*.sqlite"))
    r = bk.backup(data_dir, tmp_path / "usb")
    assert leaks(data_dir) == [], "open"
    assert leaks(tmp_path / "usb") == [], "backup"
    # the raw DB is no SQLite file to a plain reader, nor to SQLCipher without the key
    assert (data_dir / DB_FILE).read_bytes()[:16] != b"SQLite format 3\x00"
    for p in [data_dir / DB_FILE, r.path / DB_FILE, *data_dir.glob("kiosk.pre-test-*.sqlite")]:
        with pytest.raises(StoreError):
            raw_connect(p, None)
    k.close()
    assert leaks(data_dir) == [], "closed"


def test_plaintext_install_is_converted_and_a_kill_at_each_point_loses_nothing(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    data_dir = tmp_path / "data"
    k = open_data(data_dir)
    scans = [scan_bytes() for _ in range(3)]
    codes = [submit(k, s).code for s in scans]
    backup_copy(k.store, "pre-9")
    k.close()
    make_plaintext(data_dir)
    assert leaks(data_dir), "the old install must start in plaintext"
    assert (data_dir / (DB_FILE + "-wal")).stat().st_size > 0  # un-checkpointed plaintext WAL

    def open_once(kill: str | None) -> subprocess.CompletedProcess:
        env = dict(os.environ)
        env.pop("MOTCUA_CONVERT_KILL", None)
        if kill:
            env["MOTCUA_CONVERT_KILL"] = kill
        code = f"from kiosk_app.bootstrap import open_kiosk; open_kiosk({str(data_dir)!r}).close()"
        return subprocess.run(
            [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
        )

    for point in ("db-exported", "db", "attachment:1", "attachment:2"):
        got = open_once(point)
        assert got.returncode == -9, (point, got.stderr)
        assert (data_dir / "keys" / "converting").exists(), point
    got = open_once(None)
    assert got.returncode == 0, got.stderr
    assert not (data_dir / "keys" / "converting").exists()
    assert leaks(data_dir) == []
    assert not list(data_dir.rglob("*.encrypting")) and not list(data_dir.rglob(".incoming-*"))
    k = open_data(data_dir)
    try:
        assert sorted(r["code"] for r in k.store.query("SELECT code FROM dossiers")) == sorted(
            codes
        )
        assert k.store.query("SELECT value FROM settings WHERE key = 'hotline'")[0]["value"] == (
            '"1900-WAL"'
        )
        for code, scan in zip(codes, scans, strict=True):
            sha = k.intake.lookup(code).attachments[0]["sha256"]
            assert k.files.verify(sha) and k.files.read_bytes(sha) == scan
        assert k.store.integrity_check() == "ok"
        copy = next(data_dir.glob("kiosk.pre-9-*.sqlite"))
        conn = raw_connect(copy, k.store.key)  # the old migration copy: encrypted too
        assert conn.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0] == 3
        conn.close()
    finally:
        k.close()


def make_plaintext(data_dir: Path) -> None:
    """Turn an encrypted folder back into what a version without encryption left: plaintext
    database files (one with an un-checkpointed WAL), plaintext attachments, no key."""
    import sqlite3
    import subprocess
    import sys

    from kiosk_app.store.attachments import AttachmentStore

    key = data_key.load_key(data_dir)
    assert key is not None
    for db in [data_dir / DB_FILE, *data_dir.glob("kiosk.pre-*.sqlite")]:
        plain = db.with_name(db.name + ".plain")
        conn = raw_connect(db, key)
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", [str(plain)])
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
        conn.close()
        for suffix in ("-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        os.replace(plain, db)
    files = AttachmentStore(data_dir / ATTACHMENTS_DIR, key)
    for p in (data_dir / ATTACHMENTS_DIR).glob("??/??/*"):
        p.write_bytes(files.read_bytes(p.name))
    ref = data_key.read_ref(data_dir)
    assert ref is not None
    data_key.key_file(ref.key_id).unlink()
    data_key.ref_path(data_dir).unlink()
    for p in (data_dir / "keys").glob("*.key"):  # the device key: an old version's was a PEM
        p.unlink()
    data_key.forget_cache()
    # a last write left in the WAL by an old version that was switched off at the wall
    code = (
        "import sqlite3, os; c = sqlite3.connect(os.environ['DB'], isolation_level=None); "
        "c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0'); "
        "c.execute(\"INSERT OR REPLACE INTO settings (key, value) VALUES ('hotline', '\\\"1900-WAL\\\"')\"); "
        "os._exit(0)"
    )
    subprocess.run(
        [sys.executable, "-c", code], env=dict(os.environ, DB=str(data_dir / DB_FILE)), check=True
    )
    assert sqlite3.connect(data_dir / DB_FILE).execute("SELECT 1").fetchone() == (1,)


def run_cli(*argv: str, stdin: str = "") -> tuple[int, Any, str]:
    from kiosk_app.cli_trust import run

    out, err = io.StringIO(), io.StringIO()
    old = os.sys.stdin
    os.sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run([*argv, "--json"])
    finally:
        os.sys.stdin = old
    text = out.getvalue()
    return code, (json.loads(text) if text.strip() else None), err.getvalue()


def test_backup_restores_on_another_pc_only_with_the_recovery_passphrase(
    tmp_path: Path, monkeypatch
) -> None:
    k = open_data(tmp_path / "pc1")
    scans = [scan_bytes(), os.urandom(5000)]
    codes = [submit(k, s).code for s in scans]
    pending = k.store.query("SELECT id, kind, entity_id, state FROM outbox ORDER BY id")
    assert pending and all(r["state"] == "pending" for r in pending)
    k.close()
    code, out, err = run_cli("key", "status", "--data-dir", str(tmp_path / "pc1"))
    assert code == 0 and out["source"] == "file" and out["recovery_set"] is False
    code, out, err = run_cli(
        "key", "set-recovery", "--data-dir", str(tmp_path / "pc1"), "--passphrase-stdin",
        stdin=PASSPHRASE + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert run_cli("key", "status", "--data-dir", str(tmp_path / "pc1"))[1]["recovery_set"]
    code, out, err = run_cli(
        "backup", "--data-dir", str(tmp_path / "pc1"), "--to", str(tmp_path / "usb")
    )
    assert code == 0, err
    assert leaks(tmp_path / "usb") == []

    # "PC 2": another key store; the first PC is gone
    monkeypatch.setenv("MOTCUA_KEY_DIR", str(tmp_path / "pc2-keys"))
    monkeypatch.delenv("MOTCUA_RECOVERY_PASSPHRASE", raising=False)
    data_key.forget_cache()
    target = tmp_path / "pc2"
    code, out, err = run_cli("restore", "--from", str(tmp_path / "usb"), "--data-dir", str(target))
    assert code == 1 and "Không giải mã được bản sao lưu" in err and "cụm mật khẩu" in err
    assert not target.exists()
    code, out, err = run_cli(
        "restore", "--from", str(tmp_path / "usb"), "--data-dir", str(target),
        "--passphrase-stdin", stdin="sai mật khẩu rồi, thử lại\n",
    )  # fmt: skip
    assert code == 1 and "Sai cụm mật khẩu" in err and not target.exists()
    monkeypatch.setenv("MOTCUA_RECOVERY_PASSPHRASE", PASSPHRASE)
    code, out, err = run_cli("restore", "--from", str(tmp_path / "usb"), "--data-dir", str(target))
    assert code == 0, err
    monkeypatch.delenv("MOTCUA_RECOVERY_PASSPHRASE")
    data_key.forget_cache()
    k2 = open_data(target)
    try:
        assert sorted(r["code"] for r in k2.store.query("SELECT code FROM dossiers")) == sorted(
            codes
        )
        again = k2.store.query("SELECT id, kind, entity_id, state FROM outbox ORDER BY id")
        assert again == pending  # every unsynced event, same ids: the server dedupes on them
        for c, scan in zip(codes, scans, strict=True):
            sha = k2.intake.lookup(c).attachments[0]["sha256"]
            assert k2.files.read_bytes(sha) == scan
    finally:
        k2.close()
    status = run_cli("key", "status", "--data-dir", str(target))[1]
    assert status["present"] and status["recovery_set"]  # the passphrase came along
    assert str(tmp_path / "pc2-keys") in status["location"]
    assert leaks(target) == []


def test_key_recover_after_the_key_store_was_lost(tmp_path: Path, monkeypatch) -> None:
    k = open_data(tmp_path / "data")
    code = submit(k, scan_bytes()).code
    k.close()
    assert recovery.set_passphrase(tmp_path / "data", PASSPHRASE)
    monkeypatch.setenv("MOTCUA_KEY_DIR", str(tmp_path / "reinstalled"))
    data_key.forget_cache()
    with pytest.raises(StoreError, match="motcua key recover"):
        open_data(tmp_path / "data")
    got = run_cli("key", "recover", "--data-dir", str(tmp_path / "data"), "--passphrase-stdin",
                  stdin="wrong passphrase here\n")  # fmt: skip
    assert got[0] == 1 and "Sai cụm mật khẩu" in got[2]
    got = run_cli("key", "recover", "--data-dir", str(tmp_path / "data"), "--passphrase-stdin",
                  stdin=PASSPHRASE + "\n")  # fmt: skip
    assert got[0] == 0, got[2]
    data_key.forget_cache()
    k = open_data(tmp_path / "data")
    try:
        assert k.intake.lookup(code) is not None
    finally:
        k.close()
