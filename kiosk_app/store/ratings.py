"""Citizen satisfaction ratings (5 levels, optional reasons): rows written by
:mod:`kiosk_app.core.ratings` inside its own write transaction; never commits."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils


def insert(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    """Insert one rating (``reasons`` is a list, stored as JSON)."""
    values = dict(row, reasons=json.dumps(list(row.get("reasons") or []), ensure_ascii=False))
    cols = ", ".join(values)
    db.execute(
        f"INSERT INTO ratings ({cols}) VALUES ({', '.join('?' for _ in values)})",
        list(values.values()),
    )


def get(db: sqlite_utils.Database, rating_id: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM ratings WHERE id = ?", [rating_id]))
    if not rows:
        return None
    return dict(rows[0], reasons=json.loads(rows[0]["reasons"]))


def rated(db: sqlite_utils.Database, dossier_code: str, channel: str) -> bool:
    """Whether ``dossier_code`` already has a rating on ``channel`` (kiosk | desk)."""
    rows = db.execute(
        "SELECT 1 FROM ratings WHERE dossier_code = ? AND channel = ? LIMIT 1",
        [dossier_code, channel],
    ).fetchone()
    return rows is not None


def counts(db: sqlite_utils.Database, since: str | None = None) -> dict[int, int]:
    """Ratings per level (1–5), optionally from ``since`` (ISO time) on."""
    sql = "SELECT level, COUNT(*) AS n FROM ratings"
    params: list[Any] = []
    if since:
        sql += " WHERE at >= ?"
        params.append(since)
    out = {level: 0 for level in range(1, 6)}
    for r in db.query(sql + " GROUP BY level", params):
        out[int(r["level"])] = int(r["n"])
    return out
