"""The rows the commune's statistics are computed from (kiosk_app.core.stats): one row of facts
per dossier, and the ratings. Read-only; call inside :meth:`Store.read`.

Times come back as the stored ISO strings: the caller compares them as aware datetimes, because
events from the province may carry another UTC offset than the office's and ISO strings with
different offsets do not sort as times.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

# An attachment names its paper by the catalogue's requirement id (the desk's documents step) or,
# for a paper added by name, by the dossier_documents row's own id.
# One row per dossier received (or submitted at the kiosk) before ``end``. Sub-selects rather than
# joins: a commune holds tens of thousands of dossiers, each with a handful of events, and every
# sub-select is an index lookup (events_dossier, dossier_documents_dossier, the attachments' key).
_FACTS = """
SELECT
    d.code, d.procedure_code, d.channel, d.fee, d.delivery,
    json_extract(d.payment, '$.method') AS pay_method,
    d.received_at, d.appointment_at,
    (SELECT MIN(e.at) FROM events e WHERE e.dossier_id = d.id AND e.kind = 'accept') AS accepted_at,
    (SELECT MIN(e.at) FROM events e
        WHERE e.dossier_id = d.id AND e.to_status IN (9, 10)) AS finished_at,
    (SELECT MIN(e.at) FROM events e
        WHERE e.dossier_id = d.id AND e.to_status IN (3, 7, 8)) AS ended_at,
    (SELECT json_extract(e.data, '$.previous_appointment_at') FROM events e
        WHERE e.dossier_id = d.id AND e.kind = 'apology' ORDER BY e.at LIMIT 1)
        AS apology_previous_at,
    (SELECT COUNT(*) FROM dossier_documents x WHERE x.dossier_id = d.id) AS documents,
    (SELECT COUNT(*) FROM dossier_documents x WHERE x.dossier_id = d.id AND NOT EXISTS (
        SELECT 1 FROM dossier_attachments a
        WHERE a.dossier_id = d.id AND a.document_id IN (x.id, x.requirement_id)))
        AS documents_unscanned,
    (SELECT COUNT(*) FROM dossier_attachments a WHERE a.dossier_id = d.id) AS scans,
    (SELECT COUNT(*) FROM events e WHERE e.dossier_id = d.id AND e.to_status IN (9, 10)
        AND json_extract(e.data, '$.result_attachment') IS NOT NULL) AS result_scans
FROM dossiers d
WHERE d.received_at < ?
"""


def dossier_facts(db: sqlite_utils.Database, before: str) -> list[dict[str, Any]]:
    """Facts for every dossier whose ``received_at`` is before ``before`` (ISO time).

    ``received_at`` is never later than acceptance, a result or an ending, so every dossier that
    can count in a period ending at ``before`` is here (later ones are filtered by the caller).
    """
    return list(db.query(_FACTS, [before]))


def ratings(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every rating with its dossier's procedure when it names one (``procedure_code`` may be
    null: a rating given without a dossier counts only in the whole office's figures)."""
    return list(
        db.query(
            "SELECT r.at, r.level, r.channel, d.procedure_code FROM ratings r "
            "LEFT JOIN dossiers d ON d.code = r.dossier_code"
        )
    )
