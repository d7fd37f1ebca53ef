"""The append-only, hash-chained audit trail.

Each entry's hash is sha256 over the previous entry's hash and the entry's canonical JSON, so
editing or deleting any entry breaks every hash after it (:func:`verify_chain`). Triggers in
the schema refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlite_utils

GENESIS = "0" * 64


def _entry_hash(
    prev_hash: str, at: str, actor: str | None, action: str, entity: str | None, data: str
) -> str:
    body = json.dumps(
        [prev_hash, at, actor, action, entity, data], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(
    db: sqlite_utils.Database,
    *,
    at: str,
    actor: str | None,
    action: str,
    entity: str | None = None,
    data: dict[str, Any] | None = None,
) -> str:
    """Append one entry inside the caller's write transaction; returns its hash."""
    row = db.execute("SELECT hash FROM audit ORDER BY n DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    payload = json.dumps(data or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    h = _entry_hash(prev, at, actor, action, entity, payload)
    db.execute(
        "INSERT INTO audit (at, actor, action, entity, data, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [at, actor, action, entity, payload, prev, h],
    )
    return h


def verify_chain(db: sqlite_utils.Database) -> list[str]:
    """Problems found in the chain (empty when intact)."""
    problems = []
    prev = GENESIS
    expected_n = None
    for n, at, actor, action, entity, data, prev_hash, h in db.execute(
        "SELECT n, at, actor, action, entity, data, prev_hash, hash FROM audit ORDER BY n"
    ):
        if expected_n is not None and n != expected_n:
            problems.append(f"entry {expected_n}..{n - 1} missing")
        expected_n = n + 1
        if prev_hash != prev:
            problems.append(f"entry {n}: previous hash does not match")
        if _entry_hash(prev_hash, at, actor, action, entity, data) != h:
            problems.append(f"entry {n}: content does not match its hash")
        prev = h
    return problems
