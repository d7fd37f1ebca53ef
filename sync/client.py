"""The kiosk's sync client: push the outbox, upload attachments, pull the province's feeds.

One entry point, :func:`sync_once`, used by ``motcua sync`` and by the app's background
worker; :func:`enrol` (``motcua enrol``) makes the credential it needs; :func:`sync_status`
tells the clerk (and ``motcua sync status``) what is waiting. Protocol: docs/sync-protocol.md;
this client: docs/sync-client.md. No Qt.

Threading: :func:`sync_once` may run on any one worker thread. Every store write goes through
the kiosk's single writer (:meth:`Store.write`, short transactions: one per pushed batch, per
upload chunk, per feed page) and the write lock is never held across a network call, so the
GUI thread's own writes (a submission) wait at most milliseconds. A file lock
(``<data>/sync/sync.lock``) makes the app's worker and a ``motcua sync`` timer never sync one
data folder at the same time: the second gets :class:`SyncBusy`. The returned report is plain
data to hand to the GUI thread. Its ``reload`` set names what the province changed (``office``
settings, ``calendar``, a new ``catalog`` bundle) so the app can rebuild those on its thread.

Modules: ``client_transport`` (HTTP, retries, token refresh), ``client_push``,
``client_upload``, ``client_feeds``, ``client_enrol`` (credential file), ``client_errors``
(the error hierarchy), ``client_lock``, ``client_status``; the rows are
:mod:`kiosk_app.store.sync_state`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk_app.core.intake import now_vn
from kiosk_app.store import sync_state
from sync import protocol as P
from sync.client_enrol import EnrolError, credentials_for, enrol
from sync.client_errors import (
    AuthError,
    ConflictError,
    NotEnrolled,
    PermanentError,
    SyncBusy,
    SyncError,
    TransientError,
)
from sync.client_feeds import FEED_LIMIT, pull_feeds
from sync.client_lock import SyncLock
from sync.client_push import BATCH_BYTES, BATCH_EVENTS, push_outbox
from sync.client_status import retry_rejected, sync_status
from sync.client_transport import Transport
from sync.client_upload import CHUNK_BYTES, UPLOAD_STREAMS, upload_pending

__all__ = [
    "AuthError",
    "ConflictError",
    "EnrolError",
    "NotEnrolled",
    "PermanentError",
    "SyncBusy",
    "SyncConfig",
    "SyncError",
    "SyncReport",
    "TransientError",
    "Transport",
    "enrol",
    "retry_rejected",
    "sync_once",
    "sync_status",
]


@dataclass(frozen=True)
class SyncConfig:
    batch_events: int = BATCH_EVENTS
    batch_bytes: int = BATCH_BYTES
    chunk_bytes: int = CHUNK_BYTES
    upload_streams: int = UPLOAD_STREAMS
    feed_limit: int = FEED_LIMIT
    feeds: tuple[str, ...] = P.FEEDS


@dataclass
class SyncReport:
    """What one pass did. ``errors``: ``{"phase", "class", "code", "message"}`` dicts."""

    started_at: str
    finished_at: str | None = None
    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0
    uploaded_files: int = 0
    uploaded_bytes: int = 0
    statuses_applied: int = 0
    status_skipped: int = 0
    feeds: dict[str, int] = field(default_factory=dict)
    resets: list[str] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reload: set[str] = field(default_factory=set)
    pending: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    requests: int = 0
    retries: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors_by_class(self) -> dict[str, int]:
        out = {P.TRANSIENT: 0, P.PERMANENT: 0, P.CONFLICT: 0, P.AUTH: 0}
        for e in self.errors:
            out[e["class"]] = out.get(e["class"], 0) + 1
        for r in self.rejections:
            k = r["reason"].get("class", P.PERMANENT)
            out[k] = out.get(k, 0) + 1
        return out

    @property
    def needs_enrolment(self) -> bool:
        return any(e["class"] == P.AUTH or e["code"] == "not_enrolled" for e in self.errors)

    def add_error(self, phase: str, exc: SyncError) -> None:
        self.errors.append({"phase": phase, **exc.to_json()})

    def add_rejection(self, row: dict[str, Any], reason: dict[str, Any]) -> None:
        self.rejections.append(
            {"id": row["id"], "kind": row["kind"], "entity_id": row["entity_id"], "reason": reason}
        )

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items()}
        out["reload"] = sorted(self.reload)
        out["ok"] = self.ok
        out["errors_by_class"] = self.errors_by_class
        return out


@dataclass
class SyncContext:
    kiosk: Any
    transport: Transport
    config: SyncConfig
    report: SyncReport
    clock: Callable[[], datetime]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> str:
        return self.clock().isoformat()

    def add(self, **counts: int) -> None:
        """Add to the report's counters (upload streams run on several threads)."""
        with self.lock:
            for name, n in counts.items():
                setattr(self.report, name, getattr(self.report, name) + n)


# ------------------------------------------------------------------ one pass
def sync_once(
    kiosk: Any,
    *,
    clock: Callable[[], datetime] = now_vn,
    transport: Transport | None = None,
    config: SyncConfig | None = None,
) -> SyncReport:
    """One sync pass: publish the receipt key, push, upload, pull. Never raises a SyncError:
    every failure is in the report (``errors``); what failed is tried again next pass."""
    config = config or SyncConfig()
    report = SyncReport(started_at=clock().isoformat())
    try:
        with SyncLock(kiosk.data_dir):
            _run(kiosk, clock, transport, config, report)
    except SyncError as exc:
        report.add_error("sync", exc)
    report.finished_at = clock().isoformat()
    busy = any(e["code"] == "busy" for e in report.errors)
    with kiosk.store.write() as db:
        report.pending = sync_state.outbox_counts(db)["pending"]
        if not busy:  # the pass that holds the lock records its own outcome
            meta: dict[str, Any] = {"last_attempt": _summary(report)}
            if report.ok:
                meta["last_success"] = report.finished_at
            sync_state.put_meta(db, meta)
    return report


def _run(
    kiosk: Any,
    clock: Callable[[], datetime],
    transport: Transport | None,
    config: SyncConfig,
    report: SyncReport,
) -> None:
    with kiosk.store.read() as db:
        device = sync_state.device(db)
    if device is None:
        raise NotEnrolled(
            "Máy chưa đăng ký đồng bộ với tỉnh (motcua enrol --server URL --code MÃ)",
            code="not_enrolled",
        )
    office = kiosk.office
    if (office.agency_id, int(office.device_slot)) != (device["agency_id"], int(device["slot"])):
        raise PermanentError(
            f"Thiết lập cơ quan đã đổi sau khi đăng ký ({office.agency_id} khe "
            f"{office.device_slot}; đăng ký: {device['agency_id']} khe {device['slot']}); "
            "cần đăng ký lại (motcua enrol --force)",
            code="office_changed",
        )
    own = transport is None
    transport = transport or Transport()
    transport.base_url = transport.base_url or device["server_url"]
    transport.clock = transport.clock or clock
    transport.credentials = credentials_for(kiosk)
    ctx = SyncContext(kiosk, transport, config, report, clock)
    try:
        for phase, step in (
            ("key", _publish_key),
            ("push", push_outbox),
            ("upload", upload_pending),
            ("feeds", lambda c: pull_feeds(c, config.feeds)),
        ):
            try:
                step(ctx)
            except (TransientError, AuthError) as exc:
                report.add_error(phase, exc)
                break  # no link, or no credential: the next pass starts over
            except SyncError as exc:
                report.add_error(phase, exc)
            except (ValueError, KeyError) as exc:  # an answer not shaped as the protocol says
                bad = TransientError(f"máy chủ trả lời không đúng giao thức: {exc!r}"[:300])
                bad.code = "bad_answer"
                report.add_error(phase, bad)
                break
        if transport.skew_warning:
            report.warnings.append(transport.skew_warning)
    finally:
        report.bytes_sent, report.bytes_received = transport.bytes_sent, transport.bytes_received
        report.requests, report.retries = transport.requests, transport.retries
        if own:
            transport.close()


def _publish_key(ctx: SyncContext) -> None:
    """Send this device's current receipt key to the province once (after a demo office was
    adopted at enrolment, or after the key was replaced)."""
    from kiosk_app.core.device_key import export_public_key

    office, store = ctx.kiosk.office, ctx.kiosk.store
    doc = export_public_key(
        store, ctx.kiosk.data_dir, office.agency_id, office.device_slot, clock=ctx.clock
    )
    with store.read() as db:
        if (sync_state.device(db) or {}).get("key_kid") == doc["kid"]:
            return
    ctx.transport.request("POST", "/v1/keys", json_body=doc)
    with store.write() as db:
        sync_state.update_device(db, key_kid=doc["kid"])


def _summary(report: SyncReport) -> dict[str, Any]:
    return {
        "at": report.finished_at,
        "ok": report.ok,
        "pushed": report.pushed,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "uploaded_bytes": report.uploaded_bytes,
        "feeds": report.feeds,
        "errors": report.errors[:5],
    }


# ------------------------------------------------------------------ status, loop
def run_forever(
    kiosk: Any,
    *,
    interval: float = 300.0,
    stop: threading.Event | None = None,
    on_report: Callable[[SyncReport], None] | None = None,
    poll: float = 15.0,
    max_backoff: float = 900.0,
    wake: threading.Event | None = None,
) -> None:
    """Sync every ``interval`` seconds, sooner when new outbox events appear (checked every
    ``poll`` s); after a failed pass wait with jittered exponential backoff (up to
    ``max_backoff``). Returns when ``stop`` is set. ``wake``, when given, starts the next pass
    at once when set (and must also be set on stop). Used by ``motcua sync`` without --once
    and by the desk's background worker."""
    import random

    stop = stop or threading.Event()
    failures = 0
    while not stop.is_set():
        with Transport(cancel=stop) as transport:
            report = sync_once(kiosk, transport=transport)
        if on_report:
            on_report(report)
        busy = any(e["code"] == "busy" for e in report.errors)
        failures = 0 if report.ok or busy else failures + 1
        wait = interval if not failures else min(max_backoff, 30 * 2 ** (failures - 1))
        if failures:
            wait = wait / 2 + random.random() * wait / 2
        deadline = time.monotonic() + wait
        with kiosk.store.read() as db:
            seen = sync_state.outbox_counts(db)["pending"]
        while True:
            timeout = min(poll, max(0.0, deadline - time.monotonic()))
            if wake is not None:
                # "sync now" and a new submission wake the loop; stop() sets it too
                if wake.wait(timeout):
                    wake.clear()
                    break
            elif stop.wait(timeout):
                break
            if stop.is_set() or time.monotonic() >= deadline:
                break
            with kiosk.store.read() as db:
                if sync_state.outbox_counts(db)["pending"] > seen and not failures:
                    break
