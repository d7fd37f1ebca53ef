"""The outbox: events waiting to be pushed to the province, in the order they were made."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils


def enqueue(
    db: sqlite_utils.Database, *, kind: str, entity_id: str, payload: dict[str, Any], at: str
) -> str:
    """Add an event inside the caller's write transaction; its id is the idempotency key."""
    import uuid6  # on first use: it imports importlib.metadata (start-up time)

    event_id = str(uuid6.uuid7())
    db.execute(
        "INSERT INTO outbox (id, kind, entity_id, payload, created_at) VALUES (?, ?, ?, ?, ?)",
        [event_id, kind, entity_id, json.dumps(payload, ensure_ascii=False, sort_keys=True), at],
    )
    return event_id


def pending(db: sqlite_utils.Database, limit: int = 100) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT seq, id, kind, entity_id, payload, created_at, attempts FROM outbox "
        "WHERE state='pending' ORDER BY seq LIMIT ?",
        [limit],
    )
    return [dict(r, payload=json.loads(r["payload"])) for r in rows]


def count_pending(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT COUNT(*) FROM outbox WHERE state='pending'").fetchone()[0]
