"""The store's tables, one registered migration per schema step (never edit a released one).

Identifiers: every record made on the device has a UUIDv7 text id (its sync idempotency key);
tables that feed FTS also carry an ``n INTEGER PRIMARY KEY`` so the index's rowids stay stable
across ``VACUUM``. Times are ISO-8601 strings with their UTC offset; money is integer đồng.
"""

from __future__ import annotations

import sqlite_utils

from kiosk_app.store.migrations import migration


@migration(1, "intake core: settings, drafts, dossiers, documents, attachments, events, outbox")
def _v1(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL             -- JSON
        );

        CREATE TABLE drafts (
            id TEXT PRIMARY KEY,
            procedure_code TEXT NOT NULL,
            catalog_version TEXT NOT NULL,
            channel TEXT NOT NULL,
            step TEXT,
            answers TEXT NOT NULL DEFAULT '{}',
            documents TEXT NOT NULL DEFAULT '[]',
            extra TEXT NOT NULL DEFAULT '{}',
            actor TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE dossiers (
            n INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            code TEXT NOT NULL,
            agency_id TEXT NOT NULL,
            code_day TEXT NOT NULL,         -- YYYY-MM-DD of the code's YYMMDD
            code_seq INTEGER NOT NULL,      -- the 4-digit sequence
            procedure_code TEXT NOT NULL,
            catalog_version TEXT NOT NULL,
            form_version TEXT NOT NULL,
            channel TEXT NOT NULL,          -- desk | kiosk | backentry
            status INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            appointment_at TEXT,
            applicant_name TEXT NOT NULL,
            applicant_id_number TEXT,
            applicant_phone TEXT,
            applicant_address TEXT,
            answers TEXT NOT NULL,          -- JSON, pruned + computed
            fee INTEGER NOT NULL DEFAULT 0,
            payment TEXT NOT NULL DEFAULT '{}',
            delivery TEXT NOT NULL DEFAULT 'desk',
            content_hash TEXT NOT NULL,
            draft_id TEXT,
            actor TEXT,
            search_text TEXT NOT NULL,      -- folded (no diacritics, đ→d) for FTS
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX dossiers_code ON dossiers(code);
        CREATE UNIQUE INDEX dossiers_code_parts ON dossiers(agency_id, code_day, code_seq);
        CREATE INDEX dossiers_id_number ON dossiers(applicant_id_number, received_at);
        CREATE INDEX dossiers_received ON dossiers(received_at);
        CREATE INDEX dossiers_status_due ON dossiers(status, appointment_at);

        CREATE VIRTUAL TABLE dossiers_fts USING fts5(
            search_text, content='dossiers', content_rowid='n',
            tokenize="unicode61 remove_diacritics 2", prefix='1 2 3'
        );
        CREATE TRIGGER dossiers_ai AFTER INSERT ON dossiers BEGIN
            INSERT INTO dossiers_fts(rowid, search_text) VALUES (new.n, new.search_text);
        END;
        CREATE TRIGGER dossiers_ad AFTER DELETE ON dossiers BEGIN
            INSERT INTO dossiers_fts(dossiers_fts, rowid, search_text)
                VALUES ('delete', old.n, old.search_text);
        END;
        CREATE TRIGGER dossiers_au AFTER UPDATE OF search_text ON dossiers BEGIN
            INSERT INTO dossiers_fts(dossiers_fts, rowid, search_text)
                VALUES ('delete', old.n, old.search_text);
            INSERT INTO dossiers_fts(rowid, search_text) VALUES (new.n, new.search_text);
        END;

        -- The daily sequence of dossier codes, per agency, day and device slot. Persisted so a
        -- clock set back to an earlier day continues that day's sequence instead of repeating it.
        CREATE TABLE code_counters (
            agency_id TEXT NOT NULL,
            code_day TEXT NOT NULL,
            slot INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            PRIMARY KEY (agency_id, code_day, slot)
        );

        CREATE TABLE dossier_documents (
            id TEXT PRIMARY KEY,
            dossier_id TEXT NOT NULL REFERENCES dossiers(id),
            requirement_id TEXT,
            name TEXT NOT NULL,
            form TEXT NOT NULL,             -- original | certified_copy | photocopy
            count INTEGER NOT NULL,
            position INTEGER NOT NULL
        );
        CREATE INDEX dossier_documents_dossier ON dossier_documents(dossier_id);

        CREATE TABLE attachments (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mime TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE dossier_attachments (
            dossier_id TEXT NOT NULL REFERENCES dossiers(id),
            sha256 TEXT NOT NULL REFERENCES attachments(sha256),
            name TEXT NOT NULL,
            document_id TEXT,
            field_path TEXT,
            PRIMARY KEY (dossier_id, sha256, name)
        );

        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            dossier_id TEXT NOT NULL REFERENCES dossiers(id),
            kind TEXT NOT NULL,
            from_status INTEGER,
            to_status INTEGER,
            at TEXT NOT NULL,
            actor TEXT,
            origin TEXT NOT NULL,           -- commune | province
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_dossier ON events(dossier_id, at);

        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | rejected
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        );
        CREATE INDEX outbox_pending ON outbox(state, seq);

        -- Append-only, hash-chained (each row's hash covers the previous row's hash).
        CREATE TABLE audit (
            n INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT,
            action TEXT NOT NULL,
            entity TEXT,
            data TEXT NOT NULL DEFAULT '{}',
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
            SELECT RAISE(ABORT, 'audit is append-only');
        END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
            SELECT RAISE(ABORT, 'audit is append-only');
        END;
        """
    )


@migration(2, "device_keys: Ed25519 public keys that sign receipt QR codes")
def _v2(db: sqlite_utils.Database) -> None:
    # Known keys are exactly the rows of this table: this device's own (``self``), those the
    # province pushes (``server``, the sync issue) and those an office imported by hand
    # (``import``). Only public keys live here; a private key is a file in the data folder
    # (kiosk_app.core.device_key). ``kid`` is derived from the public key, never trusted from
    # input; revoking sets ``revoked_at`` and keeps the row so old receipts still say why.
    db.executescript(
        """
        CREATE TABLE device_keys (
            kid TEXT PRIMARY KEY,            -- base32 of sha256(raw public key)[:5], 8 chars
            public_key TEXT NOT NULL UNIQUE, -- raw 32-byte Ed25519 key, base64 (RFC 4648)
            agency_id TEXT,                  -- the agency whose dossier codes it may sign
            slot INTEGER,                    -- the device slot when the key was made (info)
            source TEXT NOT NULL CHECK (source IN ('self', 'server', 'import')),
            added_at TEXT NOT NULL,
            revoked_at TEXT,
            revoked_reason TEXT
        );
        CREATE INDEX device_keys_self ON device_keys(source, agency_id, added_at);
        """
    )


@migration(3, "sync client: enrolment, feed cursors, upload progress, province settings")
def _v3(db: sqlite_utils.Database) -> None:
    # The sync client's own state (kiosk_app/store/sync_state.py, sync/client*.py). The outbox
    # itself is migration 1's table: the client moves its rows to ``sent`` / ``rejected`` and
    # keeps the server's reason in ``last_error``. The device's secret tokens are NOT here:
    # they live in a 0600 file of the data folder (issue 7 moves them to the OS keyring);
    # ``sync_device`` holds only what is not secret.
    db.executescript(
        """
        CREATE TABLE sync_device (
            id INTEGER PRIMARY KEY CHECK (id = 1),   -- at most one enrolment per data folder
            server_url TEXT NOT NULL,
            device_id TEXT NOT NULL,
            device_name TEXT,
            commune TEXT NOT NULL,
            agency_id TEXT NOT NULL,
            slot INTEGER NOT NULL,
            token_expires_at TEXT,
            enrolled_at TEXT NOT NULL,
            key_kid TEXT                             -- the receipt key last published
        );

        -- One cursor per feed; applied together with the feed items it covers.
        CREATE TABLE sync_cursors (
            feed TEXT PRIMARY KEY,
            cursor TEXT,                             -- NULL: read from the start
            items INTEGER NOT NULL DEFAULT 0,        -- items applied since the last reset
            resets INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );

        -- Attachments the server reported missing, with the bytes it confirmed.
        CREATE TABLE sync_uploads (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            confirmed INTEGER NOT NULL DEFAULT 0,    -- the server's offset as last seen
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'complete', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,                         -- JSON {code, message, class}
            updated_at TEXT NOT NULL
        );
        CREATE INDEX sync_uploads_state ON sync_uploads(state, updated_at);

        -- Settings as the province sent them, per scope (* / c: / a: / d:); the most specific
        -- value of an allowed name is copied into ``settings``.
        CREATE TABLE sync_settings (
            name TEXT NOT NULL,
            scope TEXT NOT NULL,
            value TEXT NOT NULL,                     -- JSON
            at TEXT NOT NULL,
            PRIMARY KEY (name, scope)
        );

        -- Small facts about syncing: last attempt / success, catalogue bundle received, ...
        CREATE TABLE sync_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL                      -- JSON
        );
        """
    )


@migration(4, "ratings: citizens' 5-level satisfaction ratings (kiosk issue)")
def _v4_ratings(db: sqlite_utils.Database) -> None:
    # Anonymous on purpose: the office, the device and, when rated right after a submission,
    # the dossier code — never a person. Synced as outbox events of kind "rating.submitted".
    db.executescript(
        """
        CREATE TABLE ratings (
            id TEXT PRIMARY KEY,             -- UUIDv7, the sync idempotency key
            at TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),  -- 5 = rất hài lòng
            reasons TEXT NOT NULL DEFAULT '[]',                     -- JSON list of codes
            dossier_code TEXT,
            channel TEXT NOT NULL,           -- kiosk | desk
            agency_id TEXT NOT NULL,
            device_slot INTEGER NOT NULL
        );
        CREATE INDEX ratings_at ON ratings(at);
        """
    )


@migration(5, "accounts: the desk's staff accounts, argon2id secrets, failed-login lockout")
def _v5_accounts(db: sqlite_utils.Database) -> None:
    # kiosk_app/core/accounts.py. Secrets are argon2id PHC strings only (never the secret);
    # a login method with no hash is not offered for that account. ``failed_count`` and
    # ``locked_until`` live here, not in memory, so restarting the program does not lift a
    # lockout. Rows are never deleted (records keep naming their actor): disable instead.
    db.executescript(
        """
        CREATE TABLE accounts (
            username TEXT PRIMARY KEY,           -- [a-z][a-z0-9._-]{1,31}
            display_name TEXT NOT NULL,          -- NFC, e.g. "Nguyễn Thị Hoa"
            role TEXT NOT NULL CHECK (role IN ('clerk', 'head', 'admin', 'kiosk')),
            password_hash TEXT,                  -- argon2id
            pin_hash TEXT,                       -- argon2id of a PIN of >= 6 digits
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            failed_count INTEGER NOT NULL DEFAULT 0,   -- consecutive failures
            locked_until TEXT,                   -- ISO-8601; NULL = not locked
            last_login_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (password_hash IS NOT NULL OR pin_hash IS NOT NULL)
        );
        """
    )
