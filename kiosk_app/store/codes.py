"""Allocating the next dossier code number inside the caller's write transaction."""

from __future__ import annotations

from datetime import date

import sqlite_utils

from kiosk_app.core.codes import next_seq


def allocate_seq(db: sqlite_utils.Database, agency_id: str, day: date, slot: int) -> int:
    """Reserve the next sequence number of ``slot`` for ``day``.

    Must run inside :meth:`Store.write` together with the dossier insert: the counter and the
    dossier commit or vanish together, so a crash never leaves a gap or a duplicate.
    """
    row = db.execute(
        "SELECT last_seq FROM code_counters WHERE agency_id=? AND code_day=? AND slot=?",
        [agency_id, day.isoformat(), slot],
    ).fetchone()
    seq = next_seq(row[0] if row else None, slot)
    db.execute(
        "INSERT INTO code_counters (agency_id, code_day, slot, last_seq) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(agency_id, code_day, slot) DO UPDATE SET last_seq=excluded.last_seq",
        [agency_id, day.isoformat(), slot, seq],
    )
    return seq


def raise_counter(
    db: sqlite_utils.Database, agency_id: str, day: date, slot: int, seq: int
) -> bool:
    """Make ``slot``'s counter for ``day`` at least ``seq`` (never lower it); True if raised.

    Used when the province reports codes this slot issued that this store has not seen (a
    kiosk restored from a backup, a replacement PC): the next code follows them.
    """
    row = db.execute(
        "SELECT last_seq FROM code_counters WHERE agency_id=? AND code_day=? AND slot=?",
        [agency_id, day.isoformat(), slot],
    ).fetchone()
    if row is not None and row[0] >= seq:
        return False
    db.execute(
        "INSERT INTO code_counters (agency_id, code_day, slot, last_seq) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(agency_id, code_day, slot) DO UPDATE SET last_seq=excluded.last_seq",
        [agency_id, day.isoformat(), slot, seq],
    )
    return True
