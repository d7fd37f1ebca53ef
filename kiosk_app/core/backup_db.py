"""The database part of a backup (kiosk_app.core.backup): copying the encrypted store from
one read snapshot, and the facts read in it (counts, schema version, audit head, attachment
hashes). The copy is written through a connection keyed with the same data key, page by page,
so it is exactly as unreadable without the key as the store. No Qt.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk_app.store.db import Connection, OperationalError

PAGES_PER_STEP = 1024


def _tables(conn: Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def _counts(conn: Connection) -> dict[str, Any]:
    counts: dict[str, Any] = {
        t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _tables(conn)
    }
    if "outbox" in counts:
        counts["outbox_by_state"] = dict(
            conn.execute(
                "SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state"
            ).fetchall()
        )
    return counts


def _schema_version(conn: Connection) -> int:
    try:
        return int(conn.execute("SELECT COALESCE(MAX(number), 0) FROM _migrations").fetchone()[0])
    except OperationalError:
        return 0


def _audit_summary(conn: Connection) -> dict[str, Any]:
    from kiosk_app.store.audit_verify import verify

    try:
        report = verify(conn)
    except OperationalError:
        return {
            "entries": 0,
            "head_n": None,
            "head_hash": None,
            "intact": True,
            "first_break": None,
        }
    first = report.first
    return {
        "entries": report.entries,
        "head_n": report.head_n,
        "head_hash": report.head_hash,
        "intact": report.ok,
        "first_break": first.message if first else None,
    }


def _referenced_hashes(conn: Connection) -> set[str]:
    found: set[str] = set()
    for sql in ("SELECT sha256 FROM attachments", "SELECT sha256 FROM dossier_attachments"):
        with contextlib.suppress(OperationalError):
            found |= {r[0] for r in conn.execute(sql)}
    return found


def _copy_database(
    source: Path, target: Path, key: bytes, on_step: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Copy the store at ``source`` to ``target`` from one read snapshot; the facts read in
    that snapshot (counts, schema version, audit head) are returned for the manifest.

    The source is opened through :func:`kiosk_app.store.db.connect` (the one place the store
    is opened). The copy is written through a connection keyed with the same data key, so it
    is encrypted page by page as the store is; it is left in rollback journal mode so it is
    one self-contained file.
    """
    from kiosk_app.store.db import connect, raw_connect

    src = connect(source, key)
    try:
        src.execute("BEGIN")  # deferred: the first read pins the snapshot for the whole copy
        facts = {
            "schema_version": _schema_version(src),
            "counts": _counts(src),
            "audit": _audit_summary(src),
            "referenced": sorted(_referenced_hashes(src)),
        }
        dest = raw_connect(target, key)
        try:
            src.backup(
                dest,
                pages=PAGES_PER_STEP,
                progress=(lambda _s, remaining, total: on_step(remaining, total))
                if on_step
                else None,
            )
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        src.execute("COMMIT")
    finally:
        src.close()
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())
    return facts


def _open_copy(path: Path, key: bytes) -> Connection:
    """A read-only connection to a backup's database copy (never writes it)."""
    from kiosk_app.store.db import raw_connect

    return raw_connect(path, key, read_only=True)
