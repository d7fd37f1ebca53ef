"""The ``accounts`` table (migration 5): rows in, rows out; rules live in core/accounts.py.

Every function runs inside the caller's transaction (``store.write()`` / ``store.read()``).
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

COLUMNS = (
    "username",
    "display_name",
    "role",
    "password_hash",
    "pin_hash",
    "active",
    "failed_count",
    "locked_until",
    "last_login_at",
    "created_at",
    "updated_at",
)
_UPDATABLE = frozenset(COLUMNS) - {"username", "created_at"}


def _row(values: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(COLUMNS, values, strict=True))


def get(db: sqlite_utils.Database, username: str) -> dict[str, Any] | None:
    row = db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM accounts WHERE username = ?", [username]
    ).fetchone()
    return _row(row) if row else None


def all_accounts(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return [
        _row(r) for r in db.execute(f"SELECT {', '.join(COLUMNS)} FROM accounts ORDER BY username")
    ]


def count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT COUNT(*) FROM accounts").fetchone()[0]


def count_active(db: sqlite_utils.Database, role: str) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM accounts WHERE role = ? AND active = 1", [role]
    ).fetchone()[0]


def insert(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    """Insert one account; the driver's IntegrityError when the username is taken."""
    names = [c for c in COLUMNS if c in row]
    db.execute(
        f"INSERT INTO accounts ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [row[c] for c in names],
    )


def update(db: sqlite_utils.Database, username: str, values: dict[str, Any]) -> None:
    bad = set(values) - _UPDATABLE
    if bad:
        raise ValueError(f"accounts: cannot update {sorted(bad)}")
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE accounts SET {sets} WHERE username = ?", [*values.values(), username])
