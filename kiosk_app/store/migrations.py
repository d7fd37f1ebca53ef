"""Numbered, forward-only schema migrations.

Each migration is a function registered with :func:`migration`; :func:`migrate` applies the
missing ones in order, each in its own transaction together with its row in ``_migrations``,
so a crash leaves the database at a whole step. Before touching a database that already holds
data, the file is copied aside with SQLite's online backup API (``<name>.pre-<N>-<stamp>.sqlite``)
— the upgrade path the installer relies on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

from kiosk_app.store.db import Store, StoreError

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(number: int, name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        if MIGRATIONS and MIGRATIONS[-1][0] != number - 1:
            raise RuntimeError(f"migration {number} registered out of order")
        MIGRATIONS.append((number, name, fn))
        return fn

    return register


def latest_version() -> int:
    _load()
    return MIGRATIONS[-1][0]


def current_version(store: Store) -> int:
    rows = store.query("SELECT name FROM sqlite_master WHERE type='table' AND name='_migrations'")
    if not rows:
        return 0
    return store.query("SELECT COALESCE(MAX(number), 0) AS v FROM _migrations")[0]["v"]


def backup_copy(store: Store, label: str) -> str:
    """Copy the database aside with the online backup API; returns the copy's path.

    The copy is encrypted with the store's own key (the destination connection is keyed
    before the first page is written), so it is no easier to read than the store.
    """
    from kiosk_app.store.db import raw_connect

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = store.path.with_name(f"{store.path.stem}.{label}-{stamp}.sqlite")
    with store.read():
        dest = raw_connect(target, store.key)  # keyed before its first page is written
        try:
            store.conn.backup(dest)
        finally:
            dest.close()
    return str(target)


def migrate(store: Store) -> list[int]:
    """Apply every missing migration; returns the numbers applied."""
    _load()
    have = current_version(store)
    want = latest_version()
    if have > want:
        raise StoreError(
            f"{store.path}: database schema v{have} is newer than this program (v{want}); "
            "install the newer MotCua Kiosk"
        )
    if have == want:
        return []
    has_data = bool(
        store.query("SELECT 1 FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    )
    if has_data:
        backup_copy(store, f"pre-{have + 1}")
    applied = []
    for number, name, fn in MIGRATIONS:
        if number <= have:
            continue
        with store.write() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS _migrations "
                "(number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            fn(db)
            db.execute(
                "INSERT INTO _migrations (number, name, applied_at) VALUES (?, ?, ?)",
                [number, name, datetime.now(UTC).isoformat()],
            )
        applied.append(number)
    return applied


def _load() -> None:
    # The schema modules register themselves on import; importing here keeps the order fixed.
    from kiosk_app.store import schema  # noqa: F401
