"""Push the outbox: pending events in ``seq`` order, in small gzip-compressed batches, each
batch's per-item results applied in one store transaction.

- ``accepted`` / ``duplicate`` → ``sent``; the dossier's ``missing_attachments`` are queued
  for upload in the same transaction.
- ``rejected`` (permanent or conflict) → ``rejected`` with the server's reason: kept, shown
  by ``motcua sync status``, never dropped; :func:`kiosk_app.store.sync_state.requeue_rejected`
  sends it again after the province fixed the cause.
- a rejection of class transient (``unavailable``) → stays pending, and so does every event
  after it in the batch that was rejected (it may depend on it); the batch is retried after
  a backoff.
- an HTTP error for the whole batch means nothing was looked at: transient → the transport
  retried it already, so the phase stops; permanent for a batch of several → the batch is
  halved until the one event the server cannot take is alone, which is then rejected locally
  with the server's reason.

The store's write lock is never held across a network call.
"""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING, Any

from kiosk_app.store import sync_state
from sync import protocol as P
from sync.client_answers import SHA256_RE, BadAnswer, json_object
from sync.client_errors import AuthError, PermanentError, TransientError, reason_class

if TYPE_CHECKING:
    from sync.client import SyncContext

BATCH_EVENTS = 50
BATCH_BYTES = 64 * 1024  # compressed: ~2 s at 256 kbit/s
BATCH_REFUSALS = (
    "too_large",
    "bad_request",
    "bad_payload",
)  # a whole batch refused for its content


def encode_batch(rows: list[dict[str, Any]]) -> bytes:
    events = [
        {
            "id": r["id"],
            "kind": r["kind"],
            "entity_id": r["entity_id"],
            "created_at": r["created_at"],
            "payload": json.loads(r["payload"]),
        }
        for r in rows
    ]
    raw = json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":")).encode()
    return gzip.compress(raw, compresslevel=6, mtime=0)


def fit_batch(
    rows: list[dict[str, Any]], max_bytes: int = BATCH_BYTES
) -> tuple[list[dict[str, Any]], bytes]:
    """The longest prefix of ``rows`` whose compressed batch is at most ``max_bytes`` (one
    event at least, however large)."""
    n = len(rows)
    body = encode_batch(rows)
    while len(body) > max_bytes and n > 1:
        n = max(1, min(n - 1, n * max_bytes // len(body)))  # proportional, strictly smaller
        body = encode_batch(rows[:n])
    return rows[:n], body


def push_outbox(ctx: SyncContext) -> None:
    cfg, report, store = ctx.config, ctx.report, ctx.kiosk.store
    limit = cfg.batch_events
    searching = False
    transient_rounds = 0
    while True:
        with store.read() as db:
            rows = sync_state.pending_events(db, limit)
        if not rows:
            return
        batch, body = fit_batch(rows, cfg.batch_bytes)
        try:
            resp = ctx.transport.request(
                "POST",
                "/v1/push",
                content=body,
                headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
            )
        except PermanentError as exc:
            if isinstance(exc, AuthError) or exc.code not in BATCH_REFUSALS:
                raise  # not about the events (a wrong URL, a forbidden credential): stop
            if len(batch) > 1:  # find the one event the server cannot take at all:
                limit = max(1, len(batch) // 2)  # halve until it is alone
                searching = True
                continue
            with store.write() as db:
                sync_state.mark_rejected(db, batch[0]["id"], exc.to_json())
            report.rejected += 1
            report.add_rejection(batch[0], exc.to_json())
            limit, searching = cfg.batch_events, False
            continue
        if not searching:
            limit = cfg.batch_events
        results = _results(resp)
        retry = _apply(ctx, batch, results)
        if retry is None and not any(r["id"] in results for r in batch):
            retry = {"code": "no_results", "message": "máy chủ không trả kết quả cho lô gửi"}
        if retry is None:
            transient_rounds = 0
            continue
        transient_rounds += 1
        if transient_rounds >= ctx.transport.attempts:
            raise TransientError(retry.get("message", "máy chủ bận"), code=retry.get("code", ""))
        ctx.transport.backoff(transient_rounds)


def _results(resp: Any) -> dict[str, dict[str, Any]]:
    """The per-item results of a push answer by event id (items of another shape skipped);
    BadAnswer when the answer is not ``{"results": [...]}``."""
    results = json_object(resp, "kết quả gửi").get("results", [])
    if not isinstance(results, list):
        raise BadAnswer("kết quả gửi: 'results' không phải danh sách")
    return {r["id"]: r for r in results if isinstance(r, dict) and isinstance(r.get("id"), str)}


def _apply(
    ctx: SyncContext, batch: list[dict[str, Any]], results: dict[str, Any]
) -> dict[str, Any] | None:
    """Apply one batch's results in one transaction; returns the first transient reason."""
    report, at = ctx.report, ctx.now()
    first_transient: dict[str, Any] | None = None
    with ctx.kiosk.store.write() as db:
        for row in batch:
            res = results.get(row["id"])
            if res is None:  # not answered: stays pending, pushed again next time
                continue
            status = res.get("status")
            if status in (P.ACCEPTED, P.DUPLICATE):
                sync_state.mark_sent(db, row["id"])
                if status == P.ACCEPTED:
                    report.pushed += 1
                else:
                    report.duplicates += 1
                dossier = res.get("dossier")
                missing = dossier.get("missing_attachments") if isinstance(dossier, dict) else []
                for sha in missing if isinstance(missing, list) else []:
                    if isinstance(sha, str) and SHA256_RE.fullmatch(sha):
                        sync_state.want_upload(db, sha, at)
                continue
            reason = res.get("reason")
            if not isinstance(reason, dict):
                reason = {"code": "rejected", "message": "bị từ chối"}
            if first_transient is None and reason_class(reason) == P.TRANSIENT:
                first_transient = reason
            if first_transient is not None:  # later items may depend on it: keep them pending
                sync_state.note_attempt(db, row["id"], reason)
                continue
            sync_state.mark_rejected(db, row["id"], reason)
            report.rejected += 1
            report.add_rejection(row, reason)
    return first_transient
