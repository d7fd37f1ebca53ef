"""Opening the kiosk's SQLite database — the one place it is opened.

Every connection to the store is made here. The file is encrypted at rest with SQLCipher
(``sqlcipher3``): a raw 256-bit key (``PRAGMA key = "x'…'"``, no PBKDF2 at open: start-up time
is a measured goal) from :mod:`kiosk_app.store.data_key`; a plaintext store from an older
version is converted on first open (:mod:`kiosk_app.store.encrypt_convert`); docs/encryption.md.

The store has one writer: :meth:`Store.write` holds a process-wide
lock and an ``IMMEDIATE`` transaction, so two threads never interleave writes and another
process (the ``motcua`` command line beside the running app) waits on ``busy_timeout`` instead of
failing half-way.

Pragmas: WAL (readers never block the writer), ``foreign_keys=ON``, ``synchronous=FULL`` (a
committed submission survives a power cut: measured ~5k commits/s, affordable for one
transaction per dossier).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3
import sqlite_utils

BUSY_TIMEOUT_MS = 10_000

# The driver's exception classes, named once: code outside this module catches these, never
# ``sqlite3.*`` (sqlcipher3's classes are not subclasses of the standard module's).
Error = sqlcipher3.Error
IntegrityError = sqlcipher3.IntegrityError
DatabaseError = sqlcipher3.DatabaseError
OperationalError = sqlcipher3.OperationalError
Connection = sqlcipher3.Connection


class StoreError(RuntimeError):
    """The database cannot be used (corrupt, newer than this program, unwritable)."""


class DiskFullError(StoreError):
    """The disk (or the database's page limit) is full: the transaction was rolled back, the
    store is intact, and what the person typed is still on the screen. ``message`` is
    Vietnamese, for that person."""

    message = (
        "Ổ đĩa của máy đã đầy nên chưa lưu được. Những gì đã nhập vẫn còn trên màn hình: "
        "hãy xóa bớt tệp không cần (hoặc báo quản trị) rồi bấm lưu/nộp lại."
    )

    def __init__(self, detail: str = "") -> None:
        super().__init__(self.message + (f" ({detail})" if detail else ""))


def _is_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full"), or the OS's ENOSPC/EDQUOT."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "database or disk is full" in str(exc)


class Store:
    """A kiosk database: a sqlite-utils :class:`Database` plus the single-writer discipline.

    Thread-safety: the connection is shared (``check_same_thread=False``); every access goes
    through :meth:`write` or :meth:`read`, which serialise on one re-entrant lock.
    """

    def __init__(self, path: Path, conn: Connection, key: bytes | None = None) -> None:
        self.path = path
        self.conn = conn
        self.key = key  # the data key (None: a plaintext test/bench database)
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
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if _is_full(exc) and not isinstance(exc, DiskFullError):
                    raise DiskFullError(str(exc)) from exc
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except OperationalError as exc:
                    if not _is_full(exc):
                        raise
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise DiskFullError(str(exc)) from exc

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


def key_pragma(key: bytes) -> str:
    """The ``PRAGMA key`` statement for a raw 256-bit key (hex: never a passphrase)."""
    if len(key) != 32:
        raise ValueError("the data key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def raw_connect(path: Path, key: bytes | None, *, read_only: bool = False) -> Connection:
    """A bare connection (no pragmas but the key) — backup copies, checks, conversion.

    With ``key`` the first read proves it: a wrong key or a damaged file raises
    :class:`StoreError` here, not on some later query.
    """
    path = Path(path)
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    conn = sqlcipher3.connect(
        target,
        uri=read_only,
        isolation_level=None,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    try:
        if key is not None:
            conn.execute(key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc) and key is not None:
            raise StoreError(
                f"{path}: không giải mã được cơ sở dữ liệu (sai khóa dữ liệu hoặc tệp hỏng)"
            ) from exc
        raise StoreError(f"{path}: {exc}") from exc
    return conn


def connect(path: Path, key: bytes | None = None) -> Connection:
    """Open a raw connection with the store's pragmas (also used by backups and benches).

    ``key``: the data key; None opens an unencrypted file (only tools and tests that build a
    plaintext database on purpose, e.g. the conversion tests).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = raw_connect(path, key)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(f"{path}: cannot switch to WAL journal (got {mode})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def open_store(path: Path, *, migrate: bool = True, key: bytes | None = None) -> Store:
    """Open (creating if needed) the encrypted store at ``path`` and bring its schema up to date.

    ``key``: the data key; by default the data folder's own (``path``'s folder), made on first
    use, and a plaintext store or attachment folder left by an older version is encrypted in
    place first (:func:`kiosk_app.store.encrypt_convert.prepare`). Before any migration of an
    existing, non-empty database an (encrypted) copy of the file is written beside it (see
    :mod:`kiosk_app.store.migrations`).
    """
    path = Path(path)
    if key is None:
        from kiosk_app.store.encrypt_convert import prepare

        key = prepare(path)
    store = Store(path, connect(path, key), key)
    if migrate:
        from kiosk_app.store.migrations import migrate as run_migrations

        try:
            run_migrations(store)
        except BaseException:
            store.close()
            raise
    return store
