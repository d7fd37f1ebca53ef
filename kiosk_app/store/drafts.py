"""Draft dossiers: saved after every wizard step so a power cut loses at most one field."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

_JSON = ("answers", "documents", "extra")


def create(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    row = {k: (json.dumps(v, ensure_ascii=False) if k in _JSON else v) for k, v in row.items()}
    cols = ", ".join(row)
    db.execute(
        f"INSERT INTO drafts ({cols}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
    )


def update(db: sqlite_utils.Database, draft_id: str, values: dict[str, Any]) -> None:
    values = {
        k: (json.dumps(v, ensure_ascii=False) if k in _JSON else v) for k, v in values.items()
    }
    sets = ", ".join(f"{k} = ?" for k in values)
    cur = db.execute(f"UPDATE drafts SET {sets} WHERE id = ?", [*values.values(), draft_id])
    if cur.rowcount != 1:
        raise KeyError(draft_id)


def get(db: sqlite_utils.Database, draft_id: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM drafts WHERE id = ?", [draft_id]))
    if not rows:
        return None
    row = rows[0]
    for k in _JSON:
        row[k] = json.loads(row[k])
    return row


def unfinished(db: sqlite_utils.Database, limit: int = 50) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT id, procedure_code, step, channel, actor, created_at, updated_at FROM drafts "
            "ORDER BY updated_at DESC LIMIT ?",
            [limit],
        )
    )


def delete(db: sqlite_utils.Database, draft_id: str) -> None:
    db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])
