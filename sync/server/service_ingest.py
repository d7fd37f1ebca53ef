"""Applying each kind of pushed event inside the push transaction: submissions (checked
completely, then written in bulk), ratings and status transitions (the batch runs each of
those under a savepoint). A mixin of :class:`sync.server.service.Service`; the batch itself
is in :mod:`sync.server.service_push`."""

from __future__ import annotations

import json
from typing import Any

from sync import protocol as P
from sync.server import stats_facts
from sync.server.db import Tx, utcnow
from sync.server.service_common import (
    CHANNELS,
    SHA256_RE,
    ApiError,
    Principal,
    _parse_time,
    _uuid7,
    canonical,
    sha256_hex,
)
from sync.server.service_push import (
    _ATTACHMENT_SQL,
    _DOSSIER_SQL,
    _EVENT_SQL,
    _HISTORY_SQL,
    _Known,
    _Writes,
)


class IngestMixin:
    """Submissions, ratings and transitions of a push batch."""

    def _submitted(
        self,
        device: Principal,
        event_id: str,
        entity_id: Any,
        phash: str,
        p: dict[str, Any],
        payload_json: bytes,
        known: _Known,
    ) -> tuple[str, _Writes, dict[str, Any] | None]:
        """Check a submission completely (nothing is written): its dossier id, the rows that
        store it, and its summary (None: the same dossier came before under another event
        id, so only the event row is new)."""
        from kiosk_app.core.codes import CodeError, parse_code

        def text(name: str, limit: int = 200) -> str:
            v = p.get(name)
            if not isinstance(v, str) or not v or len(v) > limit:
                raise ApiError("bad_payload", f"payload.{name}: thiếu hoặc không hợp lệ")
            return v

        dossier_id, code = text("id", 64), text("code", 40)
        try:
            parsed = parse_code(code)
        except CodeError as exc:
            raise ApiError("bad_payload", f"payload.code: {exc}") from None
        code = str(parsed)
        if parsed.agency_id != device.agency_id:
            raise ApiError(
                "wrong_agency",
                f"Hồ sơ {code} thuộc cơ quan {parsed.agency_id}; thiết bị này chỉ được gửi hồ sơ "
                f"của {device.agency_id}",
            )
        slot = device.slot or 0
        if not slot * 1000 < parsed.seq <= slot * 1000 + 999:
            raise ApiError(
                "wrong_slot", f"Số thứ tự {parsed.seq:04d} không thuộc khe {slot} của thiết bị"
            )
        procedure, catalog_version = text("procedure", 16), text("catalog_version", 40)
        received = _parse_time(p.get("received_at"), "payload.received_at")
        appointment = p.get("appointment_at")
        if appointment is not None:
            _parse_time(appointment, "payload.appointment_at")
        status = p.get("status")
        if status not in (1, 2):
            raise ApiError("bad_payload", "payload.status: hồ sơ mới phải ở trạng thái 1 hoặc 2")
        channel = p.get("channel")
        if channel not in CHANNELS:
            raise ApiError("bad_payload", f"payload.channel: phải là một trong {CHANNELS}")
        if not isinstance(p.get("answers"), dict):
            raise ApiError("bad_payload", "payload.answers: phải là một đối tượng")
        if not isinstance(p.get("documents"), list):
            raise ApiError("bad_payload", "payload.documents: phải là một danh sách")
        attachments = self._check_attachments(p.get("attachments", []), "payload.attachments")
        content_hash = text("content_hash", 64)
        content = {
            "code": p["code"],
            "procedure": procedure,
            "catalog_version": catalog_version,
            "answers": p["answers"],
            "documents": p["documents"],
            "received_at": p["received_at"],
            "attachments": sorted(a["sha256"] for a in attachments),
        }
        if sha256_hex(canonical(content)) != content_hash:
            raise ApiError(
                "content_hash_mismatch",
                f"Nội dung hồ sơ {code} không khớp mã băm (dữ liệu bị thay đổi trên đường truyền?)",
            )
        same = known.by_code.get(code)
        if same is not None:
            if same["id"] != dossier_id or same["content_hash"] != content_hash:
                raise ApiError("code_conflict", f"Mã hồ sơ {code} đã được dùng cho hồ sơ khác")
        elif dossier_id in known.by_id:
            raise ApiError("code_conflict", f"Hồ sơ {dossier_id} đã có với mã khác")
        # the files already held (another dossier may list the same scan): sizes must agree,
        # and a dossier is complete when every file it lists is complete
        shas = sorted({a["sha256"] for a in attachments})
        for j, a in enumerate(attachments):
            blob = known.blobs.get(a["sha256"])
            if blob is not None and int(blob["size"]) != a["size"]:
                raise ApiError(
                    "length_mismatch", f"payload.attachments[{j}].size: khác kích thước tệp đã nhận"
                )
        missing = [sha for sha in shas if (known.blobs.get(sha) or {}).get("state") != "complete"]
        now = utcnow()
        rows = _Writes()
        rows.events.append(
            (event_id, device.id, P.SUBMITTED_KIND, entity_id, phash, dossier_id, now)
        )
        if same is not None:
            return dossier_id, rows, None
        rows.dossiers.append(
            (
                dossier_id,
                code,
                parsed.agency_id,
                device.commune,
                device.id,
                procedure,
                catalog_version,
                channel,
                status,
                received.isoformat(),
                appointment,
                content_hash,
                0 if missing else 1,
                payload_json.decode(),
                now,
                now,
                *stats_facts.as_row(
                    stats_facts.derive(
                        {
                            "channel": channel,
                            "received_at": received.isoformat(),
                            "appointment_at": appointment,
                            "payload": payload_json,
                        },
                        (),
                    )
                ),
            )
        )
        seen: set[tuple[str, str]] = set()
        for a in attachments:
            name = str(a.get("name") or a["sha256"][:12])[:200]
            if (a["sha256"], name) not in seen:
                seen.add((a["sha256"], name))
                mime = str(a.get("mime") or "")[:100]
                rows.attachments.append((dossier_id, a["sha256"], name, a["size"], mime, now))
        rows.history.append((_uuid7(), dossier_id, status, appointment, received.isoformat()))
        summary = {
            "code": code,
            "status": status,
            "complete": not missing,
            "missing_attachments": missing,
        }
        return dossier_id, rows, summary

    def _write_submission(
        self,
        tx: Tx,
        device: Principal,
        event_id: str,
        phash: str,
        dossier_id: str,
        rows: _Writes,
        summary: dict[str, Any] | None,
        known: _Known,
    ) -> tuple[str, dict[str, Any] | None]:
        """Write one checked submission now; the unique indexes decide against other pushes."""
        if not tx.execute(_EVENT_SQL, rows.events[0]):
            # another push committed this event id since _prefetch; nothing was written
            return self._again(tx, device, event_id, phash)
        known.events[event_id] = {"payload_hash": phash, "dossier_id": dossier_id}
        if summary is None:  # the same dossier again under a new event id
            return P.DUPLICATE, self._summary(tx, dossier_id)
        if not tx.execute(_DOSSIER_SQL, rows.dossiers[0]):
            # a concurrent push of the same code or dossier id committed first
            tx.execute("DELETE FROM events WHERE id = ?", [event_id])
            del known.events[event_id]
            raise ApiError("unavailable", "Hồ sơ đang được ghi bởi yêu cầu khác; thử lại")
        known.add_new(rows.dossiers[0])
        tx.executemany(_ATTACHMENT_SQL, rows.attachments)
        tx.executemany(_HISTORY_SQL, rows.history)
        return P.ACCEPTED, summary

    def _rating(self, tx: Tx, device: Principal, entity_id: Any, p: dict[str, Any]) -> None:
        """Store a satisfaction rating; it concerns no dossier (the statistics issue counts
        them per commune). Only what the kiosk's rating row holds: no person."""
        from kiosk_app.core.ratings import CHANNELS, REASONS

        level, reasons, at = p.get("level"), p.get("reasons", []), p.get("at")
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
            raise ApiError("bad_payload", "payload.level: mức hài lòng từ 1 đến 5")
        if not isinstance(reasons, list) or any(r not in REASONS for r in reasons):
            raise ApiError("bad_payload", "payload.reasons: lý do không hợp lệ")
        if p.get("channel") not in CHANNELS:
            raise ApiError("bad_payload", "payload.channel: kênh đánh giá không hợp lệ")
        if not isinstance(at, str) or not isinstance(entity_id, str) or p.get("id") != entity_id:
            raise ApiError("bad_payload", "payload.id, payload.at: thiếu mã hoặc thời điểm")
        if p.get("agency_id") not in (None, device.agency_id):
            raise ApiError("wrong_agency", "Đánh giá không thuộc cơ quan của thiết bị")
        code = p.get("dossier_code")
        if code is not None and (
            not isinstance(code, str) or not code.upper().startswith(f"{device.agency_id}-")
        ):
            raise ApiError("wrong_agency", "Đánh giá gắn với hồ sơ của cơ quan khác")
        tx.execute(
            "INSERT INTO ratings (id, device_id, agency_id, commune_code, rated_at, level,"
            " reasons, dossier_code, channel, received_at, t_rated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [
                entity_id,
                device.id,
                device.agency_id,
                device.commune,
                at,
                level,
                json.dumps(reasons, ensure_ascii=False),
                code.upper() if code else None,
                p["channel"],
                utcnow(),
                stats_facts.micros(at),
            ],
        )
        return None

    def _transition(self, tx: Tx, device: Principal, kind: str, p: dict[str, Any]) -> str:
        from kiosk_app.core.dossier import LifecycleError

        code = p.get("code")
        if not isinstance(code, str):
            raise ApiError("bad_payload", "payload.code: thiếu mã hồ sơ")
        d = tx.one("SELECT id, agency_id, status FROM dossiers WHERE code = ?", [code.upper()])
        if d is None:
            if not code.upper().startswith(f"{device.agency_id}-"):
                raise ApiError("wrong_agency", f"Hồ sơ {code} không thuộc cơ quan của thiết bị")
            raise ApiError("unknown_dossier", f"Máy chủ chưa có hồ sơ {code}")
        if d["agency_id"] != device.agency_id:
            raise ApiError("wrong_agency", f"Hồ sơ {code} không thuộc cơ quan của thiết bị")
        src, dst = p.get("from"), p.get("to")
        if not isinstance(src, int) or not isinstance(dst, int):
            raise ApiError("bad_payload", "payload.from, payload.to: phải là mã trạng thái (số)")
        try:
            t = self.states.check(src, dst, "commune")
        except LifecycleError as exc:
            raise ApiError("illegal_transition", str(exc)) from None
        if kind != f"{P.TRANSITION_PREFIX}{t.event}":
            raise ApiError("bad_payload", f"Loại sự kiện {kind!r} không khớp bước '{t.event}'")
        if d["status"] != src:
            cur = self.states.status(d["status"]).vi
            raise ApiError(
                "status_conflict",
                f"Hồ sơ {code} trên máy chủ đang ở trạng thái '{cur}', không phải "
                f"'{self.states.status(src).vi}'",
                extra={"server_status": d["status"]},
            )
        data = p.get("data") or {}
        if not isinstance(data, dict):
            raise ApiError("bad_payload", "payload.data: phải là một đối tượng")
        at = _parse_time(p.get("at"), "payload.at").isoformat()
        appointment = data.get("appointment_at")
        if appointment is not None:
            _parse_time(appointment, "payload.data.appointment_at")
        now = utcnow()
        self._event_attachments(tx, d["id"], data, now)
        tx.execute(
            "UPDATE dossiers SET status = ?, appointment_at = COALESCE(?, appointment_at),"
            " updated_at = ? WHERE id = ?",
            [dst, appointment, now, d["id"]],
        )
        event_id = p.get("event_id") if isinstance(p.get("event_id"), str) else _uuid7()
        reason = data.get("reason")
        tx.execute(
            "INSERT INTO status_history (id, dossier_id, event, from_status, to_status, origin,"
            " note, appointment_at, at, data) VALUES (?, ?, ?, ?, ?, 'commune', ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [
                event_id,
                d["id"],
                t.event,
                src,
                dst,
                str(reason)[:500] if reason else None,
                appointment,
                at,
                canonical(data).decode(),
            ],
        )
        self._recheck(tx, d["id"])
        stats_facts.refresh(tx, [d["id"]])
        return d["id"]

    def _event_attachments(self, tx: Tx, dossier_id: str, data: dict[str, Any], at: str) -> None:
        """The scans a lifecycle event brings (a supplement's ``data.attachments``, a
        hand-over's result scan): entries ``{sha256, size, mime, name, …}`` are checked as a
        submission's (hash format, size limit, size of a file already held) and linked to the
        dossier, so they are expected as uploads and the dossier is incomplete until they
        arrive. Bare sha256 strings (kiosks before entries were sent) are accepted and kept
        in the event's data only: without a size they cannot be expected. Replays link
        nothing twice (``ON CONFLICT DO NOTHING`` on dossier, hash and name)."""
        where = "payload.data.attachments"
        atts = data.get("attachments")
        entries: list[Any] = []
        if atts is not None:
            if not isinstance(atts, list):
                raise ApiError("bad_payload", f"{where}: phải là một danh sách")
            for j, a in enumerate(atts):
                if isinstance(a, str):
                    if not SHA256_RE.match(a):
                        raise ApiError("bad_payload", f"{where}[{j}]: không phải mã sha256")
                else:
                    entries.append(a)  # its shape is checked by _attachments
        if entries:
            self._attachments(tx, dossier_id, entries, where, at)
        result = data.get("result_attachment")
        if isinstance(result, dict):  # an entry here too is expected as an upload
            self._attachments(tx, dossier_id, [result], "payload.data.result_attachment", at)
        elif result is not None and (not isinstance(result, str) or not SHA256_RE.match(result)):
            raise ApiError("bad_payload", "payload.data.result_attachment: không phải mã sha256")

    def _apology(self, tx: Tx, device: Principal, p: dict[str, Any]) -> str:
        """An apology slip (kiosk_app.core.aftercare.apologise): the event joins the dossier's
        history with the appointment it replaced (the on-time rule keeps using that one) and
        the dossier takes the new appointment. Same agency rule as transitions; the status is
        not checked (the province may have moved the dossier while the kiosk was offline, and
        the slip was still given). Idempotent by the push's event id and by ``event_id``."""
        code = p.get("code")
        if not isinstance(code, str):
            raise ApiError("bad_payload", "payload.code: thiếu mã hồ sơ")
        d = tx.one("SELECT id, agency_id, status FROM dossiers WHERE code = ?", [code.upper()])
        if d is None or d["agency_id"] != device.agency_id:
            if d is not None or not code.upper().startswith(f"{device.agency_id}-"):
                raise ApiError("wrong_agency", f"Hồ sơ {code} không thuộc cơ quan của thiết bị")
            raise ApiError("unknown_dossier", f"Máy chủ chưa có hồ sơ {code}")
        data = p.get("data")
        if not isinstance(data, dict):
            raise ApiError("bad_payload", "payload.data: phải là một đối tượng")
        at = _parse_time(p.get("at"), "payload.at").isoformat()
        new = _parse_time(data.get("appointment_at"), "payload.data.appointment_at").isoformat()
        _parse_time(data.get("previous_appointment_at"), "payload.data.previous_appointment_at")
        reason = data.get("reason")
        reason = reason.strip()[:500] if isinstance(reason, str) and reason.strip() else None
        event_id = p.get("event_id") if isinstance(p.get("event_id"), str) else _uuid7()
        fresh = tx.execute(
            "INSERT INTO status_history (id, dossier_id, event, from_status, to_status, origin,"
            " note, appointment_at, at, data) VALUES (?, ?, 'apology', ?, ?, 'commune', ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [
                event_id[:64],
                d["id"],
                d["status"],
                d["status"],
                reason,
                new,
                at,
                canonical(data).decode(),
            ],
        )
        if fresh:
            tx.execute(
                "UPDATE dossiers SET appointment_at = ?, updated_at = ? WHERE id = ?",
                [new, utcnow(), d["id"]],
            )
            stats_facts.refresh(tx, [d["id"]])
        return d["id"]
