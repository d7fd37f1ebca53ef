"""The sync client's rows: enrolment, feed cursors, upload progress, province settings, and
the outbox state changes (``pending`` → ``sent`` / ``rejected``) that pushing makes.

Write functions take the ``db`` of an open :meth:`Store.write` transaction and never commit;
the caller (``sync/client_*.py``) owns the transaction — one per pushed batch, per applied feed
page (with its cursor), per upload chunk. Read functions work inside :meth:`Store.read` or a
write. No network and no secrets here: the device's tokens are a file of the data folder
(``sync/client_enrol.py``).
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

# ------------------------------------------------------------------ enrolment
DEVICE_COLUMNS = (
    "server_url",
    "device_id",
    "device_name",
    "commune",
    "agency_id",
    "slot",
    "token_expires_at",
    "enrolled_at",
    "key_kid",
)


def device(db: sqlite_utils.Database) -> dict[str, Any] | None:
    """This data folder's enrolment (no secrets), or None when it was never enrolled."""
    rows = list(db.query(f"SELECT {', '.join(DEVICE_COLUMNS)} FROM sync_device WHERE id = 1"))
    return rows[0] if rows else None


def save_device(db: sqlite_utils.Database, values: dict[str, Any]) -> None:
    """Record (replacing) the enrolment; a new enrolment starts every feed from zero."""
    row = {c: values.get(c) for c in DEVICE_COLUMNS}
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute("DELETE FROM sync_device")
    db.execute(f"INSERT INTO sync_device (id, {cols}) VALUES (1, {marks})", list(row.values()))
    db.execute("DELETE FROM sync_cursors")


def update_device(db: sqlite_utils.Database, **values: Any) -> None:
    for key in values:
        if key not in DEVICE_COLUMNS:
            raise ValueError(f"unknown sync_device column {key!r}")
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE sync_device SET {sets} WHERE id = 1", list(values.values()))


# ------------------------------------------------------------------ outbox (push)
def pending_events(db: sqlite_utils.Database, limit: int) -> list[dict[str, Any]]:
    """The oldest ``limit`` pending outbox rows in order, payload as its stored JSON text."""
    return list(
        db.query(
            "SELECT seq, id, kind, entity_id, payload, created_at, attempts FROM outbox "
            "WHERE state = 'pending' ORDER BY seq LIMIT ?",
            [limit],
        )
    )


def mark_sent(db: sqlite_utils.Database, event_id: str) -> None:
    db.execute(
        "UPDATE outbox SET state = 'sent', attempts = attempts + 1, last_error = NULL "
        "WHERE id = ? AND state = 'pending'",
        [event_id],
    )


def mark_rejected(db: sqlite_utils.Database, event_id: str, reason: dict[str, Any]) -> None:
    """Keep the event, never drop it: ``rejected`` with the server's reason (shown to the clerk)."""
    db.execute(
        "UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_error = ? "
        "WHERE id = ? AND state = 'pending'",
        [json.dumps(reason, ensure_ascii=False, sort_keys=True), event_id],
    )


def note_attempt(db: sqlite_utils.Database, event_id: str, reason: dict[str, Any]) -> None:
    """A transient failure of one event: it stays pending, its attempt and reason recorded."""
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ? "
        "WHERE id = ? AND state = 'pending'",
        [json.dumps(reason, ensure_ascii=False, sort_keys=True), event_id],
    )


def requeue_rejected(db: sqlite_utils.Database, event_ids: list[str] | None = None) -> int:
    """Make rejected events pending again (after the province fixed the cause)."""
    if event_ids is None:
        cur = db.execute("UPDATE outbox SET state = 'pending' WHERE state = 'rejected'")
    else:
        marks = ", ".join("?" for _ in event_ids)
        cur = db.execute(
            f"UPDATE outbox SET state = 'pending' WHERE state = 'rejected' AND id IN ({marks})",
            event_ids,
        )
    return cur.rowcount


def resend_all(db: sqlite_utils.Database) -> None:
    """Enrolled with another server: every sent event goes again (the files that server
    lacks are queued from its answers, :func:`want_upload`)."""
    db.execute("UPDATE outbox SET state = 'pending' WHERE state = 'sent'")


def outbox_counts(db: sqlite_utils.Database) -> dict[str, int]:
    counts = {"pending": 0, "sent": 0, "rejected": 0}
    for state, n in db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state"):
        counts[state] = n
    return counts


def rejected_events(db: sqlite_utils.Database, limit: int = 200) -> list[dict[str, Any]]:
    """Rejected events with the dossier code they concern and the server's reason."""
    rows = db.query(
        "SELECT o.seq, o.id, o.kind, o.entity_id, o.created_at, o.attempts, o.last_error, "
        "d.code FROM outbox o LEFT JOIN dossiers d ON d.id = o.entity_id "
        "WHERE o.state = 'rejected' ORDER BY o.seq LIMIT ?",
        [limit],
    )
    out = []
    for r in rows:
        reason = json.loads(r.pop("last_error") or "{}")
        out.append({**r, "reason": reason})
    return out


# ------------------------------------------------------------------ uploads
def want_upload(db: sqlite_utils.Database, sha256: str, at: str) -> bool:
    """Queue an attachment the server reported missing (its size from the local table).

    A file the client thought complete but the server lacks again (restored from a backup)
    is queued afresh. Returns False when no such attachment is stored on this kiosk.
    """
    row = db.execute("SELECT size FROM attachments WHERE sha256 = ?", [sha256]).fetchone()
    if row is None:
        return False
    db.execute(
        "INSERT INTO sync_uploads (sha256, size, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (sha256) DO UPDATE SET state = 'pending', confirmed = 0, "
        "last_error = NULL, updated_at = excluded.updated_at WHERE state = 'complete'",
        [sha256, row[0], at],
    )
    return True


def pending_uploads(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT sha256, size, confirmed, attempts FROM sync_uploads WHERE state = 'pending' "
            "ORDER BY updated_at, sha256"
        )
    )


def upload_progress(
    db: sqlite_utils.Database,
    sha256: str,
    confirmed: int,
    at: str,
    *,
    state: str = "pending",
    error: dict[str, Any] | None = None,
    attempt: bool = False,
) -> None:
    db.execute(
        "UPDATE sync_uploads SET confirmed = ?, state = ?, last_error = ?, updated_at = ?, "
        "attempts = attempts + ? WHERE sha256 = ?",
        [
            confirmed,
            state,
            json.dumps(error, ensure_ascii=False, sort_keys=True) if error else None,
            at,
            1 if attempt else 0,
            sha256,
        ],
    )


def requeue_failed_uploads(db: sqlite_utils.Database) -> int:
    """Try failed uploads again (after the cause was fixed); the server's offset is asked."""
    cur = db.execute(
        "UPDATE sync_uploads SET state = 'pending', attempts = attempts + 1 WHERE state = 'failed'"
    )
    return cur.rowcount


def upload_counts(db: sqlite_utils.Database) -> dict[str, Any]:
    out: dict[str, Any] = {"pending": 0, "complete": 0, "failed": 0, "pending_bytes": 0}
    for state, n, left in db.execute(
        "SELECT state, COUNT(*), SUM(size - confirmed) FROM sync_uploads GROUP BY state"
    ):
        out[state] = n
        if state == "pending":
            out["pending_bytes"] = left or 0
    return out


def failed_uploads(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT sha256, size, confirmed, attempts, last_error FROM sync_uploads "
        "WHERE state = 'failed' ORDER BY updated_at"
    )
    return [dict(r, last_error=json.loads(r["last_error"] or "{}")) for r in rows]


# ------------------------------------------------------------------ feeds
def cursor(db: sqlite_utils.Database, feed: str) -> str | None:
    row = db.execute("SELECT cursor FROM sync_cursors WHERE feed = ?", [feed]).fetchone()
    return row[0] if row else None


def set_cursor(
    db: sqlite_utils.Database, feed: str, value: str | None, items: int, at: str
) -> None:
    """Store a feed's cursor — in the transaction that applied the items it covers."""
    db.execute(
        "INSERT INTO sync_cursors (feed, cursor, items, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (feed) DO UPDATE SET cursor = excluded.cursor, "
        "items = sync_cursors.items + excluded.items, updated_at = excluded.updated_at",
        [feed, value, items, at],
    )


def reset_cursor(db: sqlite_utils.Database, feed: str, at: str) -> None:
    """The server said ``reset``: forget the cursor; the feed is read again from zero."""
    db.execute(
        "INSERT INTO sync_cursors (feed, cursor, items, resets, updated_at) "
        "VALUES (?, NULL, 0, 1, ?) ON CONFLICT (feed) DO UPDATE SET cursor = NULL, items = 0, "
        "resets = sync_cursors.resets + 1, updated_at = excluded.updated_at",
        [feed, at],
    )


def cursors(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    rows = db.query("SELECT feed, cursor, items, resets, updated_at FROM sync_cursors")
    return {r["feed"]: r for r in rows}


def status_applied(db: sqlite_utils.Database, dossier_id: str, province_event_id: str) -> bool:
    """True when this province status entry was applied before (feeds are replayed on reset)."""
    row = db.execute(
        "SELECT 1 FROM events WHERE dossier_id = ? AND origin = 'province' "
        "AND json_extract(data, '$.province_event_id') = ? LIMIT 1",
        [dossier_id, province_event_id],
    ).fetchone()
    return row is not None


def put_province_setting(
    db: sqlite_utils.Database, name: str, scope: str, value: Any, at: str
) -> None:
    db.execute(
        "INSERT INTO sync_settings (name, scope, value, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (name, scope) DO UPDATE SET value = excluded.value, at = excluded.at",
        [name, scope, json.dumps(value, ensure_ascii=False), at],
    )


def province_setting(db: sqlite_utils.Database, name: str, scopes: list[str]) -> tuple[bool, Any]:
    """The value of ``name`` from the most specific scope present (``scopes``: most specific
    first); ``(False, None)`` when the province never set it."""
    rows = dict(
        db.execute("SELECT scope, value FROM sync_settings WHERE name = ?", [name]).fetchall()
    )
    for scope in scopes:
        if scope in rows:
            return True, json.loads(rows[scope])
    return False, None


# ------------------------------------------------------------------ meta
def get_meta(db: sqlite_utils.Database, key: str, default: Any = None) -> Any:
    row = db.execute("SELECT value FROM sync_meta WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else default


def put_meta(db: sqlite_utils.Database, values: dict[str, Any]) -> None:
    for key, value in values.items():
        db.execute(
            "INSERT INTO sync_meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)],
        )


def all_meta(db: sqlite_utils.Database) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM sync_meta")}
