"""Rows of ``device_keys``: the Ed25519 public keys that may sign receipt QR codes.

Write functions take the ``db`` of an open :meth:`Store.write` transaction and never commit;
the caller owns the transaction (DESIGN.md "Store layout"). Read functions work inside
:meth:`Store.read` or a write. No crypto here: :mod:`kiosk_app.core.device_key` makes and checks
keys; this module only stores what it is given.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import sqlite_utils

SOURCES = ("self", "server", "import")


@dataclass(frozen=True)
class KnownKey:
    """One row of ``device_keys``. ``public_key`` is the raw 32-byte Ed25519 key."""

    kid: str
    public_key: bytes
    agency_id: str | None
    slot: int | None
    source: str
    added_at: str
    revoked_at: str | None = None
    revoked_reason: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


_COLUMNS = "kid, public_key, agency_id, slot, source, added_at, revoked_at, revoked_reason"


def _row(values: tuple[Any, ...]) -> KnownKey:
    kid, pub, agency, slot, source, added, revoked, reason = values
    return KnownKey(kid, base64.b64decode(pub), agency, slot, source, added, revoked, reason)


def insert(db: sqlite_utils.Database, key: KnownKey) -> None:
    """Add a key row inside the caller's write transaction (raises on a duplicate kid/key)."""
    if key.source not in SOURCES:
        raise ValueError(f"unknown key source {key.source!r}")
    db.execute(
        f"INSERT INTO device_keys ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            key.kid,
            base64.b64encode(key.public_key).decode("ascii"),
            key.agency_id,
            key.slot,
            key.source,
            key.added_at,
            key.revoked_at,
            key.revoked_reason,
        ],
    )


def get(db: sqlite_utils.Database, kid: str) -> KnownKey | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM device_keys WHERE kid=?", [kid]).fetchone()
    return _row(row) if row else None


def by_public_key(db: sqlite_utils.Database, public_key: bytes) -> KnownKey | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM device_keys WHERE public_key=?",
        [base64.b64encode(public_key).decode("ascii")],
    ).fetchone()
    return _row(row) if row else None


def all_keys(db: sqlite_utils.Database) -> dict[str, KnownKey]:
    """Every known key by kid, revoked ones included (a verdict says *why* it fails)."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM device_keys ORDER BY added_at, kid").fetchall()
    return {r[0]: _row(r) for r in rows}


def current_self(db: sqlite_utils.Database, agency_id: str) -> KnownKey | None:
    """This device's newest unrevoked key for ``agency_id`` (None: one must be made)."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM device_keys WHERE source='self' AND agency_id=? "
        "AND revoked_at IS NULL ORDER BY rowid DESC LIMIT 1",  # newest made, whatever the clock
        [agency_id],
    ).fetchone()
    return _row(row) if row else None


def revoke(db: sqlite_utils.Database, kid: str, at: str, reason: str | None = None) -> bool:
    """Mark ``kid`` revoked (the first revocation time is kept); False if no such key."""
    cur = db.execute(
        "UPDATE device_keys SET revoked_at=COALESCE(revoked_at, ?), "
        "revoked_reason=COALESCE(revoked_reason, ?) WHERE kid=?",
        [at, reason, kid],
    )
    return cur.rowcount > 0
