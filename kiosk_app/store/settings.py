"""Key/value settings rows (JSON values); which keys exist is declared in kiosk_app.config."""

from __future__ import annotations

import json
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
