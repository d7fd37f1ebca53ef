"""Reading and writing dossier rows, their documents, attachments and timeline events.

Write functions take the ``db`` of an open :meth:`Store.write` transaction and never commit;
the use-case that calls them owns the transaction (DESIGN.md: one transaction per submission).
"""

from __future__ import annotations

import json
import re
from typing import Any

import sqlite_utils

from kiosk_app.core.textfold import fold

SEARCH_LIMIT = 50
_CODE_TAIL = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-(?P<day>\d{6})-(?P<seq>\d{4})$")
_JSON_COLUMNS = ("answers", "payment")


def insert_dossier(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    row = dict(row)
    for col in _JSON_COLUMNS:
        if not isinstance(row.get(col), str):
            row[col] = json.dumps(row.get(col) or {}, ensure_ascii=False, sort_keys=True)
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO dossiers ({cols}) VALUES ({marks})", list(row.values()))


def insert_documents(
    db: sqlite_utils.Database, dossier_id: str, docs: list[dict[str, Any]], start: int = 0
) -> None:
    """Record a dossier's papers in order, their positions counted from ``start``."""
    import uuid6  # on first use: it imports importlib.metadata (start-up time)

    for pos, doc in enumerate(docs, start=start):
        db.execute(
            "INSERT INTO dossier_documents (id, dossier_id, requirement_id, name, form, count, "
            "position) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                str(uuid6.uuid7()),
                dossier_id,
                doc.get("id"),
                doc["name"],
                doc["form"],
                int(doc["count"]),
                pos,
            ],
        )


def append_documents(
    db: sqlite_utils.Database, dossier_id: str, docs: list[dict[str, Any]]
) -> None:
    """Add papers after the dossier's own (a supplement), keeping their order."""
    start = db.execute(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM dossier_documents WHERE dossier_id = ?",
        [dossier_id],
    ).fetchone()[0]
    insert_documents(db, dossier_id, docs, start)


def link_attachment(
    db: sqlite_utils.Database,
    dossier_id: str,
    *,
    sha256: str,
    size: int,
    mime: str,
    name: str,
    at: str,
    document_id: str | None = None,
    field_path: str | None = None,
) -> None:
    db.execute(
        "INSERT OR IGNORE INTO attachments (sha256, size, mime, created_at) VALUES (?, ?, ?, ?)",
        [sha256, size, mime, at],
    )
    db.execute(
        "INSERT OR IGNORE INTO dossier_attachments (dossier_id, sha256, name, document_id, "
        "field_path) VALUES (?, ?, ?, ?, ?)",
        [dossier_id, sha256, name, document_id, field_path],
    )


def add_event(
    db: sqlite_utils.Database,
    dossier_id: str,
    *,
    kind: str,
    at: str,
    actor: str | None,
    origin: str = "commune",
    from_status: int | None = None,
    to_status: int | None = None,
    data: dict[str, Any] | None = None,
) -> str:
    import uuid6  # on first use: it imports importlib.metadata (start-up time)

    event_id = str(uuid6.uuid7())
    db.execute(
        "INSERT INTO events (id, dossier_id, kind, from_status, to_status, at, actor, origin, "
        "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            event_id,
            dossier_id,
            kind,
            from_status,
            to_status,
            at,
            actor,
            origin,
            json.dumps(data or {}, ensure_ascii=False, sort_keys=True),
        ],
    )
    return event_id


def set_status(db: sqlite_utils.Database, dossier_id: str, status: int, at: str) -> None:
    db.execute("UPDATE dossiers SET status=?, updated_at=? WHERE id=?", [status, at, dossier_id])


def set_appointment(db: sqlite_utils.Database, dossier_id: str, appointment_at: str) -> None:
    db.execute("UPDATE dossiers SET appointment_at=? WHERE id=?", [appointment_at, dossier_id])


def set_payment(db: sqlite_utils.Database, dossier_id: str, payment: dict[str, Any]) -> None:
    """Replace the dossier's ``payment`` JSON (kiosk_app.core.payments_feed)."""
    db.execute(
        "UPDATE dossiers SET payment=? WHERE id=?",
        [json.dumps(payment, ensure_ascii=False, sort_keys=True), dossier_id],
    )


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for col in _JSON_COLUMNS:
        if isinstance(row.get(col), str):
            row[col] = json.loads(row[col])
    row.pop("search_text", None)
    row.pop("n", None)
    return row


def get(
    db: sqlite_utils.Database, *, code: str | None = None, dossier_id: str | None = None
) -> dict[str, Any] | None:
    if code is not None:
        rows = list(db.query("SELECT * FROM dossiers WHERE code = ?", [code.strip().upper()]))
    else:
        rows = list(db.query("SELECT * FROM dossiers WHERE id = ?", [dossier_id]))
    return _decode(rows[0]) if rows else None


def documents(db: sqlite_utils.Database, dossier_id: str) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT requirement_id AS id, name, form, count FROM dossier_documents "
            "WHERE dossier_id = ? ORDER BY position",
            [dossier_id],
        )
    )


def attachments(db: sqlite_utils.Database, dossier_id: str) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT da.sha256, da.name, da.document_id, da.field_path, a.size, a.mime "
            "FROM dossier_attachments da JOIN attachments a USING (sha256) "
            "WHERE da.dossier_id = ? ORDER BY da.name",
            [dossier_id],
        )
    )


def events(db: sqlite_utils.Database, dossier_id: str) -> list[dict[str, Any]]:
    rows = db.query("SELECT * FROM events WHERE dossier_id = ? ORDER BY at, id", [dossier_id])
    return [dict(r, data=json.loads(r["data"])) for r in rows]


def by_id_number(
    db: sqlite_utils.Database, id_number: str, limit: int = 20
) -> list[dict[str, Any]]:
    """Dossiers of one applicant, newest first (uses the id-number index)."""
    rows = db.query(
        "SELECT * FROM dossiers WHERE applicant_id_number = ? ORDER BY received_at DESC LIMIT ?",
        [id_number, limit],
    )
    return [_decode(dict(r)) for r in rows]


_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_search_text(text: str | None) -> str:
    """Search-box text SQLite can bind: stripped, lone surrogates removed (a pasted half of an
    emoji cannot be encoded as UTF-8, so it would raise instead of finding nothing)."""
    return _SURROGATES.sub("", text or "").strip()


def fts_query(text: str) -> str | None:
    """The FTS5 MATCH expression for free text: every folded word as a prefix, all required."""
    tokens = re.findall(r"\w+", fold(text))
    if not tokens:
        return None
    return " AND ".join(f'"{t}"*' for t in tokens)


def search(db: sqlite_utils.Database, text: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    """Free-text search over name, ID number, code, phone; newest first.

    "nguyen van" finds "Nguyễn Văn", "dak lak" finds "Đắk Lắk": the indexed text and the query
    are both folded (:func:`kiosk_app.core.textfold.fold`). Ordering by rowid descending lets
    FTS5 stop after ``limit`` hits instead of ranking every match.
    """
    match = fts_query(text)
    if match is None:
        return []
    rows = db.query(
        "SELECT d.* FROM (SELECT rowid FROM dossiers_fts WHERE dossiers_fts MATCH ? "
        "ORDER BY rowid DESC LIMIT ?) hit JOIN dossiers d ON d.n = hit.rowid ORDER BY d.n DESC",
        [match, limit],
    )
    return [_decode(dict(r)) for r in rows]


def listing(
    db: sqlite_utils.Database,
    *,
    status: int | None = None,
    procedure_code: str | None = None,
    received_from: str | None = None,
    received_to: str | None = None,
    due_before: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Dossiers filtered by status, procedure, received date range (ISO), due-before time."""
    where, params = [], []
    for clause, value in (
        ("status = ?", status),
        ("procedure_code = ?", procedure_code),
        ("received_at >= ?", received_from),
        ("received_at < ?", received_to),
        ("appointment_at < ?", due_before),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = "SELECT * FROM dossiers"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY received_at DESC LIMIT ?"
    return [_decode(dict(r)) for r in db.query(sql, [*params, limit])]


def search_text(*parts: str | None) -> str:
    """The folded text indexed for a dossier.

    A dossier code is indexed without its agency id: that prefix is the same in every row of
    a commune and would only make each one-letter prefix query merge a million entries
    (bench/search_name.py); whole codes are found through the exact index instead.
    """
    words = []
    for p in parts:
        if not p:
            continue
        m = _CODE_TAIL.match(p.strip().upper())
        words.append(f"{m['day']} {m['seq']}" if m else p)
    return fold(" ".join(words))
