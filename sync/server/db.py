"""The server's storage layer: one small API over SQLite (default) and PostgreSQL (psycopg).

Why a portable SQL subset rather than an ORM or two sets of SQL files
    The server's SQL is a few dozen plain statements (inserts, keyed updates, ordered reads),
    and the subset of SQL that SQLite ≥ 3.35 and PostgreSQL ≥ 12 both run unchanged covers
    all of it: ``TEXT``/``INTEGER``/``BIGINT`` columns, ``INSERT … ON CONFLICT … DO NOTHING``,
    ``RETURNING``-free statements and ISO-8601 UTC timestamps stored as text (they sort
    correctly as text on both). So the code writes ``?`` placeholders once, and this module
    turns them into ``%s`` for psycopg. The migrations are one text per step with two tokens,
    ``{serial_pk}`` (a never-reused increasing key: ``INTEGER PRIMARY KEY AUTOINCREMENT`` /
    ``BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY``) and ``{bigint}``; nothing else
    differs. Reviewing one schema text is easier for a provincial IT team than two that drift,
    and an ORM would be a large dependency for a few tables. Each migration runs in one
    transaction together with its ``schema_migrations`` row (both engines have transactional
    DDL), under a lock so two server processes starting at once do not race.

Transactions
    :meth:`Database.tx` hands out a pooled connection in an explicit transaction:
    ``BEGIN IMMEDIATE`` on SQLite (one writer at a time; WAL lets readers on), ``BEGIN`` (read
    committed) on PostgreSQL, committed on leaving the block and rolled back on an exception.
    Rows come back as dicts. Connections are pooled per process (a LIFO queue); a
    connection that failed is thrown away rather than returned. SQLite writers of one
    process take an in-process lock before ``BEGIN IMMEDIATE`` (they would otherwise poll
    SQLite's busy handler, which sleeps between tries). :meth:`Tx.savepoint` nests a unit
    that can fail alone (a push applies each lifecycle event under one).

Concurrency: a unique index backs every idempotency rule (event ids, dossier codes), so two
processes delivering the same event at once leave one row whatever the engine; feed writers
lock their feed's row first (:meth:`Tx.lock_feed`) so sequence numbers become visible in order.
"""

from __future__ import annotations

import queue
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

DB_FILE = "server.sqlite3"
# Connections kept for reuse: as many as the threads that may hold one at once (anyio's
# default thread pool has 40), so a busy server does not open and close a connection per
# transaction. A connection beyond this is closed when its transaction ends.
POOL_SIZE = 40


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class DatabaseError(Exception):
    """The database cannot be opened or migrated (the message says which and why)."""


class IntegrityError(Exception):
    """A unique or check constraint refused a write (engine-neutral)."""


# ------------------------------------------------------------------ migrations
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "devices, enrolment, events, dossiers, attachments, feeds, catalogue, keys, settings",
        """
        CREATE TABLE enrolment_codes (
            code_hash TEXT PRIMARY KEY,
            commune TEXT NOT NULL,
            agency_id TEXT NOT NULL,
            slot INTEGER NOT NULL,
            device_name TEXT,
            replace_device TEXT,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            device_id TEXT
        );
        CREATE TABLE devices (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('device', 'operator')),
            token_hash TEXT NOT NULL UNIQUE,     -- sha256 of the current access token
            token_expires_at TEXT,               -- NULL: never (operators)
            refresh_hash TEXT UNIQUE,            -- sha256 of the refresh token (devices)
            name TEXT,
            commune TEXT,
            agency_id TEXT,
            slot INTEGER,
            created_at TEXT NOT NULL,
            last_seen_at TEXT,
            revoked_at TEXT,
            revoked_reason TEXT
        );
        CREATE INDEX devices_slot ON devices (agency_id, slot);
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            entity_id TEXT,
            payload_hash TEXT NOT NULL,
            dossier_id TEXT,
            received_at TEXT NOT NULL
        );
        CREATE TABLE dossiers (
            n {serial_pk},
            id TEXT NOT NULL UNIQUE,
            code TEXT NOT NULL UNIQUE,
            agency_id TEXT NOT NULL,
            commune TEXT NOT NULL,
            device_id TEXT NOT NULL,
            procedure_code TEXT NOT NULL,
            catalog_version TEXT NOT NULL,
            channel TEXT NOT NULL,
            status INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            appointment_at TEXT,
            content_hash TEXT NOT NULL,
            complete INTEGER NOT NULL DEFAULT 0,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX dossiers_commune ON dossiers (commune, status);
        CREATE TABLE dossier_attachments (
            dossier_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            name TEXT NOT NULL,
            size {bigint} NOT NULL,
            mime TEXT,
            added_at TEXT NOT NULL,
            PRIMARY KEY (dossier_id, sha256, name)
        );
        CREATE INDEX dossier_attachments_sha ON dossier_attachments (sha256);
        CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY,
            size {bigint} NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('partial', 'complete')),
            created_at TEXT NOT NULL,
            completed_at TEXT
        );
        CREATE TABLE status_history (
            id TEXT PRIMARY KEY,
            dossier_id TEXT NOT NULL,
            event TEXT NOT NULL,
            from_status INTEGER,
            to_status INTEGER NOT NULL,
            origin TEXT NOT NULL,
            actor TEXT,
            note TEXT,
            appointment_at TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX status_history_dossier ON status_history (dossier_id, at);
        CREATE TABLE feeds (
            name TEXT PRIMARY KEY,
            epoch TEXT NOT NULL,
            head {bigint} NOT NULL DEFAULT 0,
            floor {bigint} NOT NULL DEFAULT 0
        );
        CREATE TABLE feed_entries (
            seq {serial_pk},
            feed TEXT NOT NULL,
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            at TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX feed_entries_read ON feed_entries (feed, seq);
        CREATE UNIQUE INDEX feed_entries_key ON feed_entries (feed, scope, key);
        CREATE TABLE catalog_versions (
            version TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            published_at TEXT NOT NULL,
            files TEXT NOT NULL
        );
        CREATE TABLE procedures (
            code TEXT PRIMARY KEY,
            name_vi TEXT NOT NULL,
            catalog_version TEXT NOT NULL
        );
        CREATE TABLE calendar_files (
            year INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            version TEXT NOT NULL,
            published_at TEXT NOT NULL,
            PRIMARY KEY (year, sha256)
        );
        CREATE TABLE device_keys (
            kid TEXT PRIMARY KEY,
            public_key TEXT NOT NULL UNIQUE,
            agency_id TEXT NOT NULL,
            slot INTEGER,
            device_id TEXT,
            added_at TEXT NOT NULL,
            revoked_at TEXT,
            revoked_reason TEXT
        );
        CREATE TABLE settings (
            name TEXT NOT NULL,
            scope TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (name, scope)
        );
        """,
    ),
    (
        2,
        "ratings: citizens' satisfaction ratings pushed by kiosks",
        """
        CREATE TABLE ratings (
            id TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            agency_id TEXT NOT NULL,
            commune_code TEXT NOT NULL,
            rated_at TEXT NOT NULL,
            level INTEGER NOT NULL,
            reasons TEXT NOT NULL,
            dossier_code TEXT,
            channel TEXT NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE INDEX ratings_agency ON ratings (agency_id, rated_at);
        """,
    ),
    (
        3,
        "back-office users with roles and short-lived sessions (replace operator tokens)",
        # Operators used to be 'operator' rows of devices with a never-expiring token. Each
        # becomes a province_admin user without a password (set one with `user passwd`); the
        # old token keeps working as a session until {grace} so scripts can move to /v1/login.
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            login TEXT NOT NULL UNIQUE,
            name TEXT,
            role TEXT NOT NULL
                CHECK (role IN ('province_admin', 'province_viewer', 'commune_officer')),
            commune TEXT,
            password_hash TEXT,                  -- argon2id (argon2-cffi), NULL: cannot log in
            created_at TEXT NOT NULL,
            disabled_at TEXT,
            disabled_reason TEXT
        );
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,         -- sha256 of the bearer token
            user_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX sessions_user ON sessions (user_id);
        INSERT INTO users (id, login, name, role, created_at, disabled_at)
            SELECT id, 'operator-' || id, name, 'province_admin', created_at, revoked_at
            FROM devices WHERE kind = 'operator';
        INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
            SELECT token_hash, id, created_at, '{grace}'
            FROM devices WHERE kind = 'operator' AND revoked_at IS NULL;
        DELETE FROM devices WHERE kind = 'operator'
        """,
    ),
    (
        4,
        "statistics: per-dossier facts, event data, procedure fields, payment confirmations",
        # The t_* columns are instants in microseconds since 1970 UTC, derived from the stored
        # ISO times (which carry different UTC offsets) by sync.server.stats_facts each time a
        # dossier's events change, so the figures compare numbers, not text, and a year of a
        # province is one scan of dossiers. facts_version NULL: not derived yet (rows from
        # before this migration; the statistics derive them first). dossiers_stats covers the
        # statistics' aggregate: it is grouped by its first two columns and reads nothing else,
        # so the database streams the index instead of sorting the table (3x faster, bench/stats).
        """
        ALTER TABLE dossiers ADD COLUMN fee {bigint};
        ALTER TABLE dossiers ADD COLUMN delivery TEXT;
        ALTER TABLE dossiers ADD COLUMN pay_method TEXT;
        ALTER TABLE dossiers ADD COLUMN digitised INTEGER;
        ALTER TABLE dossiers ADD COLUMN result_scanned INTEGER;
        ALTER TABLE dossiers ADD COLUMN t_received {bigint};
        ALTER TABLE dossiers ADD COLUMN t_finished {bigint};
        ALTER TABLE dossiers ADD COLUMN t_ended {bigint};
        ALTER TABLE dossiers ADD COLUMN t_due {bigint};
        ALTER TABLE dossiers ADD COLUMN facts_version INTEGER;
        CREATE INDEX dossiers_facts_todo ON dossiers (n) WHERE facts_version IS NULL;
        CREATE INDEX dossiers_stats ON dossiers (commune, procedure_code, t_received, t_finished,
            t_ended, t_due, channel, fee, pay_method, delivery, digitised, result_scanned);
        ALTER TABLE status_history ADD COLUMN data TEXT;
        ALTER TABLE ratings ADD COLUMN t_rated {bigint};
        CREATE INDEX ratings_t_rated ON ratings (t_rated);
        ALTER TABLE procedures ADD COLUMN field_id TEXT;
        ALTER TABLE procedures ADD COLUMN field_name_vi TEXT;
        CREATE TABLE payments (
            id TEXT PRIMARY KEY,
            dossier_id TEXT NOT NULL,
            amount {bigint} NOT NULL,
            method TEXT NOT NULL CHECK (method IN ('transfer', 'online')),
            reference TEXT NOT NULL,
            paid_at TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            actor TEXT
        );
        CREATE UNIQUE INDEX payments_reference ON payments (dossier_id, reference)
        """,
    ),
]
LEGACY_OPERATOR_GRACE_DAYS = 30

_TOKENS = {
    "sqlite": {"serial_pk": "INTEGER PRIMARY KEY AUTOINCREMENT", "bigint": "INTEGER"},
    "postgresql": {
        "serial_pk": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        "bigint": "BIGINT",
    },
}

_PLACEHOLDER = re.compile(r"\?")


@lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


# ------------------------------------------------------------------ transactions
class Tx:
    """One open transaction; ``?`` placeholders on both engines; rows as dicts."""

    def __init__(self, conn: Any, engine: str) -> None:
        self.conn = conn
        self.engine = engine

    def _sql(self, sql: str) -> str:
        return _pg_sql(sql) if self.engine == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        try:
            cur = self.conn.execute(self._sql(sql), tuple(params))
        except Exception as exc:
            if _is_integrity(exc):
                raise IntegrityError(str(exc).splitlines()[0]) from exc
            raise
        return cur.rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement for each row (psycopg pipelines them: one round trip); returns
        the number of rows changed in all."""
        if not rows:
            return 0
        try:
            if self.engine == "postgresql":
                with self.conn.cursor() as cur:
                    cur.executemany(self._sql(sql), [tuple(r) for r in rows])
                    return cur.rowcount
            return self.conn.executemany(sql, [tuple(r) for r in rows]).rowcount
        except Exception as exc:
            if _is_integrity(exc):
                raise IntegrityError(str(exc).splitlines()[0]) from exc
            raise

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(self._sql(sql), tuple(params))
        rows = cur.fetchall()
        if self.engine == "sqlite":
            return [dict(r) for r in rows]
        return list(rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit inside the transaction: rolled back alone when its block raises.

        On PostgreSQL this is also what keeps the transaction usable after a failed
        statement (a unique violation aborts everything up to the last savepoint)."""
        self.conn.execute("SAVEPOINT item")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO SAVEPOINT item")
            self.conn.execute("RELEASE SAVEPOINT item")
            raise
        self.conn.execute("RELEASE SAVEPOINT item")

    def lock_rows(self, table: str, ids: list[str]) -> None:
        """Lock rows by id until commit, in id order (no deadlock between two lockers);
        PostgreSQL only — SQLite already has one writer. ``table`` is a trusted name."""
        if self.engine != "postgresql" or not ids:
            return
        for row_id in sorted(ids):
            self.one(f"SELECT id FROM {table} WHERE id = ? FOR UPDATE", [row_id])

    def lock_feed(self, feed: str) -> dict[str, Any]:
        """Lock a feed's row until commit (PostgreSQL; SQLite already has one writer)."""
        suffix = " FOR UPDATE" if self.engine == "postgresql" else ""
        row = self.one(f"SELECT name, epoch, head, floor FROM feeds WHERE name = ?{suffix}", [feed])
        if row is None:
            raise DatabaseError(f"feed {feed!r} missing: run the migrations")
        return row


def _is_integrity(exc: Exception) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, psycopg.errors.IntegrityError)


class Database:
    """A SQLite file or a PostgreSQL database, migrated on open. Thread-safe."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith(("postgresql://", "postgres://")):
            self.engine = "postgresql"
        elif url.startswith("sqlite:///"):
            self.engine = "sqlite"
            self.path = Path(url[len("sqlite:///") :])
        else:
            raise DatabaseError(f"unsupported database URL {_redact(url)!r}")
        self._pool: queue.LifoQueue[Any] = queue.LifoQueue(POOL_SIZE)
        self._closed = False
        self._lock = threading.Lock()
        # SQLite has one writer per file: writers of this process queue here instead of
        # spinning in SQLite's busy handler (which sleeps up to 100 ms between tries, so
        # dozens of threads contending for BEGIN IMMEDIATE mostly sleep). Other processes
        # (the CLI) still meet busy_timeout.
        self._writer = threading.RLock()

    @classmethod
    def for_data_dir(cls, data_dir: Path, url: str | None = None) -> Database:
        if url:
            return cls(url)
        data_dir.mkdir(parents=True, exist_ok=True)
        return cls(f"sqlite:///{(data_dir / DB_FILE).resolve()}")

    def describe(self) -> str:
        """The URL without its password (for logs and messages)."""
        return _redact(self.url)

    # -------------------------------------------------------------- connections
    def _connect(self) -> Any:
        if self.engine == "sqlite":
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA foreign_keys=ON")
            return conn
        import psycopg
        from psycopg.rows import dict_row

        try:
            return psycopg.connect(self.url, autocommit=True, row_factory=dict_row)
        except psycopg.Error as exc:
            raise DatabaseError(
                f"cannot connect to {self.describe()}: {str(exc).splitlines()[0]}"
            ) from exc

    @contextmanager
    def tx(self, write: bool = True) -> Iterator[Tx]:
        """A transaction on a pooled connection: commit on success, roll back on error."""
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            conn = self._connect()
        serialise = write and self.engine == "sqlite"
        begin = "BEGIN IMMEDIATE" if serialise else "BEGIN"
        ok = False
        if serialise:
            self._writer.acquire()
        try:
            conn.execute(begin)
            yield Tx(conn, self.engine)
            conn.execute("COMMIT")
            ok = True
        finally:
            if not ok:
                try:
                    conn.execute("ROLLBACK")
                    ok = True  # the connection is still usable
                except Exception:  # noqa: BLE001 - a broken connection is dropped below
                    ok = False
            if serialise:
                self._writer.release()
            if ok and not self._closed:
                try:
                    self._pool.put_nowait(conn)
                except queue.Full:
                    conn.close()
            else:
                conn.close()

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                break

    # -------------------------------------------------------------- migrations
    def migrate(self) -> list[int]:
        """Apply every migration not yet applied; returns the versions applied now."""
        import secrets

        from sync.protocol import FEEDS

        applied_now = []
        with self.tx() as tx:
            if self.engine == "postgresql":
                tx.execute("SELECT pg_advisory_xact_lock(7120550001)")
            tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = {r["version"] for r in tx.all("SELECT version FROM schema_migrations")}
            for version, description, script in MIGRATIONS:
                if version in done:
                    continue
                grace = (datetime.now(UTC) + timedelta(days=LEGACY_OPERATOR_GRACE_DAYS)).isoformat()
                for stmt in _statements(script.format(**_TOKENS[self.engine], grace=grace)):
                    tx.execute(stmt)
                tx.execute(
                    "INSERT INTO schema_migrations (version, description, applied_at) "
                    "VALUES (?, ?, ?)",
                    [version, description, utcnow()],
                )
                applied_now.append(version)
            for feed in FEEDS:
                tx.execute(
                    "INSERT INTO feeds (name, epoch) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                    [feed, secrets.token_hex(4)],
                )
        return applied_now

    def schema_version(self) -> int:
        with self.tx(write=False) as tx:
            return int(tx.scalar("SELECT MAX(version) AS v FROM schema_migrations") or 0)


def _redact(url: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
