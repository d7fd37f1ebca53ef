"""Opening the kiosk's SQLite database — the one place it is opened.

Every connection to the store is made here, so encryption at rest (SQLCipher, the trust issue)
can be added in one function. The store has one writer: :meth:`Store.write` holds a process-wide
lock and an ``IMMEDIATE`` transaction, so two threads never interleave writes and another
process (the ``motcua`` command line beside the running app) waits on ``busy_timeout`` instead of
failing half-way.

Pragmas: WAL (readers never block the writer), ``foreign_keys=ON``, ``synchronous=FULL`` (a
committed submission survives a power cut: measured ~5k commits/s, affordable for one
transaction per dossier).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

BUSY_TIMEOUT_MS = 10_000

# The driver's exception classes, named once: code outside this module catches these, never
# ``sqlite3.*`` directly, so swapping the driver (SQLCipher for encryption at rest) is local.
IntegrityError = sqlite3.IntegrityError
DatabaseError = sqlite3.DatabaseError
OperationalError = sqlite3.OperationalError


class StoreError(RuntimeError):
    """The database cannot be used (corrupt, newer than this program, unwritable)."""


class Store:
    """A kiosk database: a sqlite-utils :class:`Database` plus the single-writer discipline.

    Thread-safety: the connection is shared (``check_same_thread=False``); every access goes
    through :meth:`write` or :meth:`read`, which serialise on one re-entrant lock.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        # execute_plugins=False: sqlite-utils would otherwise scan every installed
        # distribution's entry points for its plugins on the first Database (importing
        # importlib.metadata: ~25 ms of the desk's start-up, bench/startup.py); the kiosk's
        # store uses none, and must not change with whatever else is installed beside it.
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self._lock = threading.RLock()

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction (``BEGIN IMMEDIATE`` … ``COMMIT``); rolled back on any error.

        Nested calls join the outer transaction through a savepoint, so a use-case can call
        helpers that also write without splitting its transaction.
        """
        with self._lock:
            if self.conn.in_transaction:
                with self.db.atomic():
                    yield self.db
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """Consistent reads under the store's lock (WAL snapshots need no transaction here)."""
        with self._lock:
            yield self.db

    def query(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        """Run a read query and return rows as dicts."""
        with self.read() as db:
            return list(db.query(sql, params or ()))

    def integrity_check(self) -> str:
        with self.read():
            return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(path: Path) -> sqlite3.Connection:
    """Open a raw connection with the store's pragmas (also used by backups and benches)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(f"{path}: cannot switch to WAL journal (got {mode})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: {exc}") from exc
    return conn


def open_store(path: Path, *, migrate: bool = True) -> Store:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date.

    Before any migration of an existing, non-empty database a copy of the file is written
    beside it (see :mod:`kiosk_app.store.migrations`).
    """
    store = Store(Path(path), connect(Path(path)))
    if migrate:
        from kiosk_app.store.migrations import migrate as run_migrations

        try:
            run_migrations(store)
        except BaseException:
            store.close()
            raise
    return store
