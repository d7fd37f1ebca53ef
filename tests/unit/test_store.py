"""The store: pragmas, migrations with a backup copy, one writer, audit chain, attachments."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kiosk_app.store import audit
from kiosk_app.store.attachments import AttachmentError, AttachmentStore
from kiosk_app.store.db import DatabaseError, StoreError, open_store, raw_connect
from kiosk_app.store.migrations import MIGRATIONS, current_version, latest_version, migrate


def test_new_store_has_wal_fk_full_sync_and_latest_schema(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite")
    c = store.conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert current_version(store) == latest_version() == MIGRATIONS[-1][0]
    assert store.integrity_check() == "ok"
    store.close()


def test_reopen_applies_nothing_and_makes_no_copy(tmp_path: Path) -> None:
    open_store(tmp_path / "k.sqlite").close()
    store = open_store(tmp_path / "k.sqlite")
    assert migrate(store) == []
    store.close()
    assert not list(tmp_path.glob("k.pre-*.sqlite"))


def test_migration_copies_database_aside_first(tmp_path: Path, monkeypatch) -> None:
    store = open_store(tmp_path / "k.sqlite")
    with store.write() as db:
        db.execute("INSERT INTO settings (key, value) VALUES ('agency_id', '\"x\"')")
    n = latest_version() + 1

    def add_column(db) -> None:
        db.execute("ALTER TABLE settings ADD COLUMN note TEXT")

    monkeypatch.setattr(
        "kiosk_app.store.migrations.MIGRATIONS", [*MIGRATIONS, (n, "test", add_column)]
    )
    assert migrate(store) == [n]
    copies = list(tmp_path.glob(f"k.pre-{n}-*.sqlite"))
    assert len(copies) == 1
    assert b"SQLite format 3" not in copies[0].read_bytes()[:16]  # encrypted like the store
    with pytest.raises(StoreError):
        raw_connect(copies[0], None)
    old = raw_connect(copies[0], store.key)
    assert old.execute("SELECT value FROM settings").fetchone()[0] == '"x"'
    assert "note" not in [r[1] for r in old.execute("PRAGMA table_info(settings)")]
    store.close()


def test_failing_migration_leaves_previous_version(tmp_path: Path, monkeypatch) -> None:
    store = open_store(tmp_path / "k.sqlite")
    n = latest_version() + 1

    def broken(db) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(
        "kiosk_app.store.migrations.MIGRATIONS", [*MIGRATIONS, (n, "broken", broken)]
    )
    with pytest.raises(RuntimeError):
        migrate(store)
    assert current_version(store) == n - 1
    assert "half_done" not in store.db.table_names()
    store.close()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite")
    with store.write() as db:
        db.execute("INSERT INTO _migrations VALUES (999, 'future', 'x')")
    store.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(tmp_path / "k.sqlite")


def test_garbage_file_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        open_store(path)


def test_writes_from_threads_are_serialised(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite")
    errors = []

    def writer(i: int) -> None:
        try:
            for j in range(50):
                with store.write() as db:
                    db.execute("INSERT INTO settings (key, value) VALUES (?, '1')", [f"{i}-{j}"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.query("SELECT COUNT(*) AS n FROM settings")[0]["n"] == 200
    store.close()


def test_audit_chain_detects_edit_and_delete(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite")
    with store.write() as db:
        for i in range(5):
            audit.append(db, at=f"2025-01-0{i + 1}", actor="clerk", action="x", data={"i": i})
    assert audit.verify_chain(store.db) == []
    with pytest.raises(DatabaseError, match="append-only"), store.write() as db:
        db.execute("UPDATE audit SET actor='mallory' WHERE n=2")
    # someone bypasses the triggers with a raw copy of the file
    store.conn.execute("DROP TRIGGER audit_no_update")
    store.conn.execute("DROP TRIGGER audit_no_delete")
    store.conn.execute("UPDATE audit SET data='{\"i\":9}' WHERE n=2")
    assert any("entry 2" in p for p in audit.verify_chain(store.db))
    store.conn.execute("UPDATE audit SET data='{\"i\":1}' WHERE n=2")
    store.conn.execute("DELETE FROM audit WHERE n=4")
    assert audit.verify_chain(store.db)
    store.close()


def test_attachments_are_content_addressed_and_deduplicated(tmp_path: Path) -> None:
    files = AttachmentStore(tmp_path / "att")
    a = files.put_bytes(b"scan of a birth certificate")
    b = files.put_bytes(b"scan of a birth certificate")
    assert a == b and a.size == 27
    assert files.read_bytes(a.sha256) == b"scan of a birth certificate"
    assert b"birth" not in files.path(a.sha256).read_bytes()  # encrypted on disk
    assert files.verify(a.sha256)
    assert len([p for p in (tmp_path / "att").rglob("*") if p.is_file()]) == 1
    files.path(a.sha256).write_bytes(b"tampered")
    assert not files.verify(a.sha256)
    with pytest.raises(AttachmentError):
        files.path("../../etc/passwd")
    with pytest.raises(AttachmentError):
        files.put_file(tmp_path / "missing.pdf")
