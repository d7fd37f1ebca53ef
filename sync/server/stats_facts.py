"""Each dossier's statistics facts, derived from its stored submission, events and payment
confirmations (the server's side of kiosk_app.core.stats; docs/statistics.md "On the server").

The definitions are the kiosk's (kiosk_app/store/stats.py computes the same facts in SQL over
the commune's tables); here they are derived in Python once per change of a dossier — its
submission, each event pushed or made at the province, each payment confirmation — and kept in
the dossier's row (migration 4), so a period's figures are one aggregate scan of ``dossiers``
on either engine. Times become microseconds since 1970 UTC: the stored ISO strings carry the
office's (+07:00) or UTC offsets and do not sort as text across offsets.

Call inside the transaction that changed the dossier (:func:`refresh`), so the facts never
disagree with the events they come from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sync.server.db import Tx

FACTS_VERSION = 1
CASHLESS = ("transfer", "online")
FINISHED = (9, 10)  # result ready, returned
ENDED = (3, 7, 8)  # not accepted (refused), withdrawn, stopped
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(value: Any) -> int | None:
    """An ISO time as microseconds since 1970 UTC (a time without offset is Vietnam time,
    as kiosk_app.core.stats reads it); None for nothing or garbage."""
    if not isinstance(value, str) or not value:
        return None
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        return None
    if t.tzinfo is None:
        from kiosk_app.core.intake import VN_TZ

        t = t.replace(tzinfo=VN_TZ)
    delta = t - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _data(row: Mapping[str, Any]) -> dict[str, Any]:
    raw = row.get("data")
    if not raw:
        return {}
    try:
        d = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return d if isinstance(d, dict) else {}


def digitised(documents: Any, attachments: Any) -> bool:
    """Every listed paper has a scan naming it (``document_id`` = the paper's requirement id);
    a dossier listing no paper counts when it has any scan (kiosk_app.store.stats)."""
    docs = [d for d in documents if isinstance(d, dict)] if isinstance(documents, list) else []
    atts = attachments if isinstance(attachments, list) else []
    if not docs:
        return bool(atts)
    named = {a.get("document_id") for a in atts if isinstance(a, dict)}
    return all(d.get("id") is not None and d.get("id") in named for d in docs)


def derive(
    dossier: Mapping[str, Any],
    history: Iterable[Mapping[str, Any]],
    payments: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The facts of one dossier: ``dossier`` is its row (``payload`` as stored JSON text),
    ``history`` its status_history rows (``event``, ``to_status``, ``at``, ``data``) and
    ``payments`` its confirmations (``method``, ``paid_at``)."""
    payload = json.loads(dossier["payload"]) if dossier.get("payload") else {}
    fee = payload.get("fee")
    fee = fee if isinstance(fee, int) and not isinstance(fee, bool) else 0
    pay = payload.get("payment") if isinstance(payload.get("payment"), dict) else {}
    method = pay.get("method") if isinstance(pay.get("method"), str) else None
    latest = max(payments, key=lambda p: micros(p.get("paid_at")) or 0, default=None)
    if latest is not None:
        method = latest["method"]
    documents = list(payload.get("documents") or [])
    attachments = list(payload.get("attachments") or [])
    accepted = finished = ended = None
    result_scanned = False
    apology_previous: tuple[int, str] | None = None
    for h in history:
        t = micros(h.get("at"))
        data = _data(h)
        if t is None:
            continue
        if h.get("event") == "accept":
            accepted = t if accepted is None else min(accepted, t)
        if h.get("to_status") in FINISHED:
            finished = t if finished is None else min(finished, t)
            if data.get("result_attachment") is not None:
                result_scanned = True
        if h.get("to_status") in ENDED:
            ended = t if ended is None else min(ended, t)
        if h.get("event") == "apology" and (apology_previous is None or t < apology_previous[0]):
            apology_previous = (t, data.get("previous_appointment_at"))
        if h.get("event") == "supplement":  # papers brought later join the dossier's list
            documents += [d for d in data.get("documents") or [] if isinstance(d, dict)]
            attachments += [a for a in data.get("attachments") or [] if isinstance(a, dict)]
    received = accepted if dossier.get("channel") == "kiosk" else micros(dossier["received_at"])
    due = apology_previous[1] if apology_previous else None
    return {
        "fee": fee,
        "delivery": payload.get("delivery") if isinstance(payload.get("delivery"), str) else None,
        "pay_method": method,
        "digitised": int(digitised(documents, attachments)),
        "result_scanned": int(result_scanned),
        "t_received": received,
        "t_finished": finished,
        "t_ended": ended,
        "t_due": micros(due or dossier.get("appointment_at")),
        "facts_version": FACTS_VERSION,
    }


COLUMNS = (
    "fee",
    "delivery",
    "pay_method",
    "digitised",
    "result_scanned",
    "t_received",
    "t_finished",
    "t_ended",
    "t_due",
    "facts_version",
)


def as_row(facts: Mapping[str, Any]) -> tuple[Any, ...]:
    """The facts in the order of :data:`COLUMNS`."""
    return tuple(facts[c] for c in COLUMNS)


_UPDATE = "UPDATE dossiers SET " + ", ".join(f"{c} = ?" for c in COLUMNS) + " WHERE id = ?"


def refresh(tx: Tx, dossier_ids: Iterable[str]) -> int:
    """Derive and store the facts of these dossiers from their rows (inside ``tx``)."""
    ids = sorted(set(dossier_ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        rows = tx.all(
            "SELECT id, channel, received_at, appointment_at, payload FROM dossiers"
            f" WHERE id IN ({marks})",
            chunk,
        )
        hist: dict[str, list[dict[str, Any]]] = {}
        for h in tx.all(
            "SELECT dossier_id, event, to_status, at, data FROM status_history"
            f" WHERE dossier_id IN ({marks})",
            chunk,
        ):
            hist.setdefault(h["dossier_id"], []).append(h)
        pays: dict[str, list[dict[str, Any]]] = {}
        for p in tx.all(
            f"SELECT dossier_id, method, paid_at FROM payments WHERE dossier_id IN ({marks})",
            chunk,
        ):
            pays.setdefault(p["dossier_id"], []).append(p)
        tx.executemany(
            _UPDATE,
            [
                (*as_row(derive(r, hist.get(r["id"], ()), pays.get(r["id"], ()))), r["id"])
                for r in rows
            ],
        )
    return len(ids)


def backfill(tx: Tx, batch: int = 2000) -> int:
    """Derive the facts of dossiers stored before migration 4 (a batch at a time)."""
    done = 0
    while True:
        ids = [
            r["id"]
            for r in tx.all(
                "SELECT id FROM dossiers WHERE facts_version IS NULL ORDER BY n LIMIT ?", [batch]
            )
        ]
        if not ids:
            return done
        done += refresh(tx, ids)
