"""Key/value settings rows (JSON values); which keys exist is declared in kiosk_app.config."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlite_utils


def get_all(db: sqlite_utils.Database) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM settings")}


def put(db: sqlite_utils.Database, values: dict[str, Any]) -> None:
    """Upsert settings inside the caller's write transaction."""
    for key, value in values.items():
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )


def read_file(db_path: Path, names: Iterable[str]) -> dict[str, Any] | None:
    """The named settings read straight from a store file, for the entry point before the
    QApplication exists (whether to start in kiosk mode: the on-screen keyboard must be set up
    before Qt starts). Read-only: never creates, converts or migrates anything.

    ``{}`` when the file does not exist yet (a first start) or holds none of ``names``; None
    when it cannot be read (no data key, damaged file, a schema without settings): the caller
    then starts as if nothing were set and the normal opening reports the problem. Uses the
    data folder's key when there is one (cached per process, so the app's own open reuses it).
    Cost here: ~2 ms with the key in a key file.
    """
    db_path = Path(db_path)
    if not db_path.is_file():
        return {}
    from kiosk_app.store import db as store_db

    try:
        from kiosk_app.store.data_key import load_key

        key = load_key(db_path.parent)
    except Exception:  # noqa: BLE001 - no key yet (plaintext store, first start) or no access
        key = None
    wanted = list(names)
    marks = ", ".join("?" for _ in wanted)
    try:
        conn = store_db.raw_connect(db_path, key, read_only=True)
    except (store_db.StoreError, store_db.DatabaseError, OSError):
        return None
    try:
        rows = conn.execute(
            f"SELECT key, value FROM settings WHERE key IN ({marks})", wanted
        ).fetchall()
        return {k: json.loads(v) for k, v in rows}
    except (store_db.DatabaseError, ValueError):
        return None
    finally:
        conn.close()
