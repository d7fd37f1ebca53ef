"""Push: a batch of device events applied in one transaction (a mixin of
:class:`sync.server.service.Service`).

Push applies a batch's events in order in one transaction (docs/sync-protocol.md "Push"): an
event's row (the idempotency record) and its effect are kept or undone together, a rejected
event leaves nothing behind and blocks nothing after it, and the batch costs one durable
commit instead of one per event (a commit is an fsync, ~2.4 ms on the bench machine, which
alone capped SQLite at ~400 events/s). A submission is checked completely before anything of
it is written, against rows read once for the whole batch, and new submissions are written
together (one statement per table); other events run under a savepoint each. The unique
indexes still decide between concurrent pushes (see :meth:`Service.push`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync import protocol as P
from sync.server.db import Tx, utcnow
from sync.server.service_common import (
    SHA256_RE,
    ApiError,
    Principal,
    canonical,
    event_hash_text,
    log,
    sha256_hex,
)
from sync.server.stats_facts import COLUMNS as _FACTS


# ------------------------------------------------------------------ push helpers
@dataclass
class _Known:
    """Rows a push batch read up front (and keeps current as it writes)."""

    events: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    by_code: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    by_id: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    blobs: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    def add_dossier(self, row: Mapping[str, Any]) -> None:
        self.by_code[row["code"]] = row
        self.by_id[row["id"]] = row

    def add_new(self, values: tuple[Any, ...]) -> None:
        """A dossier this batch writes (a row of _DOSSIER_SQL: id, code, …, content_hash 12th)."""
        self.add_dossier({"id": values[0], "code": values[1], "content_hash": values[11]})


@dataclass
class _Writes:
    """Rows of new submissions, in push order, one list per table (see the *_SQL below)."""

    events: list[tuple[Any, ...]] = field(default_factory=list)
    dossiers: list[tuple[Any, ...]] = field(default_factory=list)
    attachments: list[tuple[Any, ...]] = field(default_factory=list)
    history: list[tuple[Any, ...]] = field(default_factory=list)

    def extend(self, other: _Writes) -> None:
        self.events += other.events
        self.dossiers += other.dossiers
        self.attachments += other.attachments
        self.history += other.history

    def clear(self) -> None:
        for rows in (self.events, self.dossiers, self.attachments, self.history):
            rows.clear()


class _Race(Exception):
    """A row a bulk write expected to be new was there (another push committed it)."""


_EVENT_SQL = (
    "INSERT INTO events (id, device_id, kind, entity_id, payload_hash, dossier_id, received_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
)
_DOSSIER_SQL = (
    "INSERT INTO dossiers (id, code, agency_id, commune, device_id, procedure_code,"
    " catalog_version, channel, status, received_at, appointment_at, content_hash, complete,"
    " payload, created_at, updated_at, "
    + ", ".join(_FACTS)
    + ") VALUES ("
    + ", ".join("?" * (16 + len(_FACTS)))
    + ") ON CONFLICT DO NOTHING"
)
_ATTACHMENT_SQL = (
    "INSERT INTO dossier_attachments (dossier_id, sha256, name, size, mime, added_at)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_id, sha256, name) DO NOTHING"
)
_HISTORY_SQL = (
    "INSERT INTO status_history (id, dossier_id, event, from_status, to_status, origin,"
    " appointment_at, at) VALUES (?, ?, 'received', NULL, ?, 'commune', ?, ?)"
)


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


def _select_in(
    tx: Tx, select: str, column: str, values: set[str], suffix: str = ""
) -> list[dict[str, Any]]:
    """``select`` WHERE column IN values ``suffix`` (nothing asked, nothing read)."""
    if not values:
        return []
    ordered = sorted(values)
    return tx.all(f"{select} WHERE {column} IN ({_marks(ordered)}){suffix}", ordered)


def _event_shas(payload: dict[str, Any]) -> set[str]:
    """The hashes of the attachment entries a lifecycle event's ``data`` brings."""
    data = payload.get("data")
    if not isinstance(data, dict):
        return set()
    atts = data.get("attachments")
    items = [*(atts if isinstance(atts, list) else ()), data.get("result_attachment")]
    return {a["sha256"] for a in items if isinstance(a, dict) and isinstance(a.get("sha256"), str)}


class PushMixin:
    """The push batch: prefetch, per-event dispatch, bulk flush, summaries."""

    # ============================================================== push
    def push(self, device: Principal, events: Any) -> list[dict[str, Any]]:
        """Apply a batch in order, in one transaction; one result per event.

        Concurrent pushes (a retrying kiosk, two sync processes): every insert is
        ``ON CONFLICT DO NOTHING`` on the unique index that decides (event id, dossier code
        and id). When the bulk write finds a row that another push committed after this
        one's reads, the whole transaction is rolled back and the batch applied again event
        by event, where such an event becomes ``duplicate`` (same id and content),
        ``id_reused``, or ``unavailable`` (transient: the same dossier under another event
        id raced). A database error fails the whole request and nothing of it is kept."""
        if not isinstance(events, list):
            raise ApiError("bad_request", "'events' phải là một danh sách")
        if len(events) > P.MAX_EVENTS_PER_PUSH:
            raise ApiError(
                "too_large", f"Tối đa {P.MAX_EVENTS_PER_PUSH} sự kiện mỗi lần gửi ({len(events)})"
            )
        try:
            results = self._push_batch(device, events, bulk=True)
        except _Race:
            # another push committed one of these events or dossiers after this one read:
            # apply the batch again, writing event by event against the rows as they are now
            results = self._push_batch(device, events, bulk=False)
        counts = {s: sum(r["status"] == s for r in results) for s in (P.ACCEPTED, P.DUPLICATE)}
        log.info(
            "push from %s: %d events, %d accepted, %d duplicate, %d rejected",
            device.id,
            len(results),
            counts[P.ACCEPTED],
            counts[P.DUPLICATE],
            len(results) - sum(counts.values()),
        )
        return results

    def _push_batch(self, device: Principal, events: list[Any], bulk: bool) -> list[dict[str, Any]]:
        """One transaction for the batch. ``bulk``: new submissions' rows are written
        together (one statement per table, pipelined on PostgreSQL) before anything that
        reads them and at the end; a row that turns out to exist already raises _Race."""
        results = []
        with self.db.tx() as tx:
            known = self._prefetch(tx, events)
            pending = _Writes() if bulk else None
            for i, event in enumerate(events):
                event_id = event.get("id") if isinstance(event, dict) else None
                if not isinstance(event_id, str):  # echoed back: only ever a string or null
                    event_id = None
                try:
                    status, dossier = self._push_one(tx, device, event, i, known, pending)
                    results.append({"id": event_id, "status": status, "dossier": dossier})
                except ApiError as exc:
                    results.append({"id": event_id, "status": P.REJECTED, "reason": exc.to_json()})
            self._flush(tx, pending)
        return results

    def _flush(self, tx: Tx, pending: _Writes | None) -> None:
        if not pending or not pending.events:
            return
        if tx.executemany(_EVENT_SQL, pending.events) != len(pending.events):
            raise _Race
        if tx.executemany(_DOSSIER_SQL, pending.dossiers) != len(pending.dossiers):
            raise _Race
        tx.executemany(_ATTACHMENT_SQL, pending.attachments)
        tx.executemany(_HISTORY_SQL, pending.history)
        pending.clear()

    def _prefetch(self, tx: Tx, events: list[Any]) -> _Known:
        """What the batch's submissions need to know, in three queries for the whole batch.

        The unique indexes still decide: a row another push commits after these reads is met
        by ``ON CONFLICT DO NOTHING`` when written (then _Race, or per event: duplicate /
        ``unavailable``)."""
        from kiosk_app.core.codes import CodeError, parse_code

        known = _Known()
        ids, codes, dossier_ids, shas = set(), set(), set(), set()
        for e in events:
            if not isinstance(e, dict) or not isinstance(e.get("id"), str):
                continue
            ids.add(e["id"])
            p = e.get("payload")
            if not isinstance(p, dict):
                continue
            if e.get("kind") != P.SUBMITTED_KIND:
                shas |= _event_shas(p)  # a supplement's or hand-over's scans: locked below
                continue
            if isinstance(p.get("id"), str):
                dossier_ids.add(p["id"])
            if isinstance(p.get("code"), str):
                with contextlib.suppress(CodeError):  # refused with its reason below
                    codes.add(str(parse_code(p["code"])))
            for a in p.get("attachments") if isinstance(p.get("attachments"), list) else ():
                if isinstance(a, dict) and isinstance(a.get("sha256"), str):
                    shas.add(a["sha256"])
        for r in _select_in(tx, "SELECT id, payload_hash, dossier_id FROM events", "id", ids):
            known.events[r["id"]] = r
        if codes or dossier_ids:
            code_list, id_list = sorted(codes) or [""], sorted(dossier_ids) or [""]
            rows = tx.all(
                "SELECT id, code, content_hash FROM dossiers"
                f" WHERE code IN ({_marks(code_list)}) OR id IN ({_marks(id_list)})",
                [*code_list, *id_list],
            )
            for r in rows:
                known.add_dossier(r)
        # FOR SHARE (PostgreSQL): an upload finishing one of these files waits for this batch
        # to commit and then sees its dossiers; one that finished first is seen here. Without
        # it, each side missed the other and a dossier could stay marked incomplete. Taken
        # here, before any dossier row is written, for the lifecycle events' scans too: an
        # upload holds its blob, then locks dossiers; the batch never waits the other way.
        lock = " ORDER BY sha256 FOR SHARE" if tx.engine == "postgresql" else ""
        for r in _select_in(tx, "SELECT sha256, size, state FROM blobs", "sha256", shas, lock):
            known.blobs[r["sha256"]] = r
        return known

    def _push_one(
        self,
        tx: Tx,
        device: Principal,
        event: Any,
        i: int,
        known: _Known,
        pending: _Writes | None,
    ) -> tuple[str, dict[str, Any] | None]:
        if not isinstance(event, dict):
            raise ApiError("bad_payload", f"events[{i}]: phải là một đối tượng JSON")
        event_id, kind, payload = event.get("id"), event.get("kind"), event.get("payload")
        if not isinstance(event_id, str) or not 8 <= len(event_id) <= 64:
            raise ApiError("bad_payload", f"events[{i}].id: thiếu mã sự kiện (UUIDv7)")
        if not isinstance(kind, str):
            raise ApiError("bad_payload", f"events[{i}].kind: thiếu loại sự kiện")
        if not isinstance(payload, dict):
            raise ApiError("bad_payload", f"events[{i}].payload: phải là một đối tượng JSON")
        entity_id = event.get("entity_id")
        if entity_id is not None and (not isinstance(entity_id, str) or len(entity_id) > 64):
            raise ApiError("bad_payload", f"events[{i}].entity_id: phải là chuỗi (mã hồ sơ)")
        if len(kind) > 64:
            raise ApiError("bad_payload", f"events[{i}].kind: quá dài")
        payload_json = canonical(payload)
        phash = sha256_hex(event_hash_text(kind, entity_id, payload_json))
        old = known.events.get(event_id)
        if old is not None:
            self._flush(tx, pending)
            return self._again(tx, device, event_id, phash, old)
        if kind == P.SUBMITTED_KIND:
            dossier_id, rows, summary = self._submitted(
                device, event_id, entity_id, phash, payload, payload_json, known
            )
            if pending is not None and summary is not None:  # new: written with the others
                pending.extend(rows)
                known.events[event_id] = {"payload_hash": phash, "dossier_id": dossier_id}
                known.add_new(rows.dossiers[0])
                return P.ACCEPTED, summary
            self._flush(tx, pending)
            return self._write_submission(
                tx, device, event_id, phash, dossier_id, rows, summary, known
            )
        self._flush(tx, pending)
        # other kinds are rare: each under a savepoint, undone alone when refused
        with tx.savepoint():
            fresh = tx.execute(
                "INSERT INTO events (id, device_id, kind, entity_id, payload_hash, received_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                [event_id, device.id, kind, entity_id, phash, utcnow()],
            )
            if not fresh:
                return self._again(tx, device, event_id, phash)
            if kind == P.RATING_KIND:
                dossier_id = self._rating(tx, device, entity_id, payload)
            elif kind == P.APOLOGY_KIND:
                dossier_id = self._apology(tx, device, payload)
            elif kind.startswith(P.TRANSITION_PREFIX):
                dossier_id = self._transition(tx, device, kind, payload)
            else:
                raise ApiError("unknown_kind", f"Loại sự kiện không được hỗ trợ: {kind[:60]!r}")
            tx.execute("UPDATE events SET dossier_id = ? WHERE id = ?", [dossier_id, event_id])
        known.events[event_id] = {"payload_hash": phash, "dossier_id": dossier_id}
        return P.ACCEPTED, self._summary(tx, dossier_id)

    def _again(
        self,
        tx: Tx,
        device: Principal,
        event_id: str,
        phash: str,
        old: Mapping[str, Any] | None = None,
    ) -> tuple[str, dict[str, Any] | None]:
        """An event id the server has seen: a duplicate, or ``id_reused`` for other content.
        A replay of another agency's event (captured, say) is ``id_reused`` too: its dossier's
        state is not this device's to learn."""
        if old is None:
            old = tx.one("SELECT payload_hash, dossier_id FROM events WHERE id = ?", [event_id])
            assert old is not None
        if old["payload_hash"] != phash:
            raise ApiError("id_reused", f"Mã sự kiện {event_id} đã được dùng cho nội dung khác")
        summary = self._summary(tx, old["dossier_id"], device.agency_id)
        if old["dossier_id"] is not None and summary is None:
            raise ApiError("id_reused", f"Mã sự kiện {event_id} đã được dùng cho nội dung khác")
        return P.DUPLICATE, summary

    def _summary(
        self, tx: Tx, dossier_id: str | None, agency: str | None = None
    ) -> dict[str, Any] | None:
        """What a device learns of a dossier after a push (None: nothing, e.g. when
        ``agency`` is given and the dossier is another agency's)."""
        if dossier_id is None:
            return None
        d = tx.one(
            "SELECT code, status, complete, agency_id FROM dossiers WHERE id = ?", [dossier_id]
        )
        if d is None or (agency is not None and d["agency_id"] != agency):
            return None
        return {
            "code": d["code"],
            "status": d["status"],
            "complete": bool(d["complete"]),
            "missing_attachments": self._missing(tx, dossier_id),
        }

    def _missing(self, tx: Tx, dossier_id: str) -> list[str]:
        rows = tx.all(
            "SELECT DISTINCT da.sha256 FROM dossier_attachments da LEFT JOIN blobs b"
            " ON b.sha256 = da.sha256 AND b.state = 'complete'"
            " WHERE da.dossier_id = ? AND b.sha256 IS NULL ORDER BY da.sha256",
            [dossier_id],
        )
        return [r["sha256"] for r in rows]

    def _recheck(self, tx: Tx, dossier_id: str) -> None:
        complete = 0 if self._missing(tx, dossier_id) else 1
        tx.execute("UPDATE dossiers SET complete = ? WHERE id = ?", [complete, dossier_id])

    def _check_attachments(self, items: Any, where: str) -> list[dict[str, Any]]:
        """Attachment entries checked for shape and size limit (before anything is written)."""
        if not isinstance(items, list):
            raise ApiError("bad_payload", f"{where}: phải là một danh sách")
        for j, a in enumerate(items):
            w = f"{where}[{j}]"
            if not isinstance(a, dict):
                raise ApiError("bad_payload", f"{w}: phải là một đối tượng")
            sha, size = a.get("sha256"), a.get("size")
            if not isinstance(sha, str) or not SHA256_RE.match(sha):
                raise ApiError("bad_payload", f"{w}.sha256: không phải mã băm sha256 (hex thường)")
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise ApiError("bad_payload", f"{w}.size: phải là số byte")
            if size > self.max_attachment:
                raise ApiError(
                    "too_large", f"{w}: tệp {size} byte vượt giới hạn {self.max_attachment} byte"
                )
        return items

    def _attachments(self, tx: Tx, dossier_id: str, items: Any, where: str, at: str) -> None:
        for j, a in enumerate(self._check_attachments(items, where)):
            w = f"{where}[{j}]"
            sha, size = a["sha256"], a["size"]
            blob = tx.one("SELECT size FROM blobs WHERE sha256 = ?", [sha])
            if blob is not None and int(blob["size"]) != size:
                raise ApiError("length_mismatch", f"{w}.size: khác kích thước tệp đã nhận")
            name = str(a.get("name") or sha[:12])[:200]
            tx.execute(
                "INSERT INTO dossier_attachments (dossier_id, sha256, name, size, mime, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_id, sha256, name) DO NOTHING",
                [dossier_id, sha, name, size, str(a.get("mime") or "")[:100], at],
            )
