"""What follows the receipt at the desk: supplements with the clock paused, apology slips with a
new appointment, handing the result over, withdrawal and refusal (issue 8, DOMAIN.md).

Each use-case is ONE write transaction: the status move (through
:meth:`kiosk_app.core.intake.Intake.transition`, which checks the lifecycle, records the event,
the audit entry and the outbox item) plus whatever else it changes — the appointment, the
papers and scans a supplement brings. A failure changes nothing.

Clock rules (DOMAIN.md "Working days and appointment dates"): a supplement request pauses the
legal clock; taking the papers restarts it, and the new appointment is the old one plus the
working time paused (:meth:`WorkCalendar.shift_for_pause`). An apology slip sets a new
appointment but does not make a late dossier on time: the apology event keeps the appointment it
replaced, which the statistics use (kiosk_app.core.stats).

Roles: every use-case takes an optional ``session`` (the desk's logged-in account, see
:mod:`kiosk_app.core.session`). With one, its role is checked first (PermissionDenied, nothing
written) — refusing needs :data:`~kiosk_app.core.permissions.REFUSE` (heads), everything else
:data:`~kiosk_app.core.permissions.DESK_ACTIONS` — and its account is the recorded actor;
without one, ``actor`` is recorded as given (command line, tests).

No Qt. Thread-safety: the store's single-writer lock, like every use-case.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kiosk_app.core import permissions as perms
from kiosk_app.core.dossier import ACCEPTED, DONE, RETURNED, SUBMITTED
from kiosk_app.core.intake import DOC_FORM_VI, DOCUMENT_FORMS, VN_TZ, Intake, IntakeError, acting
from kiosk_app.store import dossiers as rows

SUPPLEMENT_REQUESTED = 5
PROCESSING = 4
NOT_ACCEPTED = 3
WITHDRAWN = 7
APOLOGY_KIND = "apology"
OUTBOX_APOLOGY = "dossier.apology"
# Statuses in which a dossier is still owed a result: an apology can be given for these.
OPEN_FOR_APOLOGY = (ACCEPTED, PROCESSING, SUPPLEMENT_REQUESTED, 6)


def _text(value: Any, what: str, *, limit: int = 500) -> str:
    import unicodedata

    text = unicodedata.normalize("NFC", str(value or "")).strip()
    if not text:
        raise IntakeError(f"Cần ghi {what}")
    if len(text) > limit:
        raise IntakeError(f"{what[:1].upper()}{what[1:]} quá dài (tối đa {limit} ký tự)")
    return text


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=VN_TZ)


class Aftercare:
    """The after-receipt use-cases over one :class:`Intake` (its store, calendar and clock)."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake

    @classmethod
    def for_kiosk(cls, kiosk: Any) -> Aftercare:
        return cls(kiosk.intake)

    # ---------------------------------------------------------------- helpers
    def _dossier(self, db: Any, code: str) -> dict[str, Any]:
        d = rows.get(db, code=code)
        if d is None:
            raise IntakeError(f"Không tìm thấy hồ sơ {code}")
        return d

    def _last_event(self, db: Any, dossier_id: str, kind: str) -> dict[str, Any] | None:
        found = [e for e in rows.events(db, dossier_id) if e["kind"] == kind]
        return found[-1] if found else None

    # ---------------------------------------------------------------- supplements
    def request_supplement(
        self,
        code: str,
        missing: list[str],
        *,
        actor: str | None,
        reason: str | None = None,
        session: Any = None,
    ) -> None:
        """Ask for more papers (Mẫu 02): the dossier waits and its clock stops from now.

        ``missing`` lists what to bring (at least one line); ``reason`` is optional.
        """
        actor = acting(session, actor, perms.DESK_ACTIONS)
        items = [
            _text(m, "giấy tờ cần bổ sung", limit=300) for m in missing or [] if str(m).strip()
        ]
        if not items:
            raise IntakeError("Cần ghi ít nhất một giấy tờ hoặc nội dung cần bổ sung")
        data: dict[str, Any] = {"missing": items}
        if reason and str(reason).strip():
            data["reason"] = _text(reason, "lý do")
        at = self.intake.clock().isoformat()
        data["paused_at"] = at
        self.intake.transition(code, SUPPLEMENT_REQUESTED, actor=actor, data=data)

    def receive_supplement(
        self,
        code: str,
        documents: list[dict[str, Any]],
        *,
        actor: str | None,
        attachments: list[dict[str, Any]] | None = None,
        note: str | None = None,
        session: Any = None,
    ) -> datetime | None:
        """Take the requested papers: the clock restarts and the appointment moves by the
        working time paused. Returns the new appointment (None if the dossier had none).

        The scans (``attachments``, already in the file store) join the dossier, and its event
        carries them as full entries, as a submission does, so the province expects the files
        and the sync client uploads them (docs/sync-protocol.md, "Scans added after the
        submission")."""
        actor = acting(session, actor, perms.DESK_ACTIONS)
        intake = self.intake
        now = _aware(intake.clock())
        with intake.store.write() as db:
            d = self._dossier(db, code)
            if d["status"] != SUPPLEMENT_REQUESTED:
                raise IntakeError(f"Hồ sơ {code} không ở trạng thái chờ bổ sung")
            request = self._last_event(db, d["id"], "request_supplement")
            paused = _aware(datetime.fromisoformat(request["at"])) if request else now
            proc = intake.procedure(d["procedure_code"])
            docs = _supplement_documents(proc, documents or [])
            if not docs:
                raise IntakeError("Cần ghi các giấy tờ công dân đã bổ sung")
            files = intake._check_attachments(attachments or [])
            old = d["appointment_at"]
            new = None
            if old:
                unit = proc.processing_time_for(d["answers"]).unit
                new = intake.calendar.shift_for_pause(
                    _aware(datetime.fromisoformat(old)),
                    paused,
                    now,
                    whole_days=unit == "working_days",
                )
            data: dict[str, Any] = {
                "documents": docs,
                # full entries, as a submission's: the server expects them as uploads
                "attachments": files,
                "paused_at": paused.isoformat(),
                "resumed_at": now.isoformat(),
                "previous_appointment_at": old,
                "appointment_at": new.isoformat() if new else None,
            }
            if note and str(note).strip():
                data["note"] = _text(note, "ghi chú")
            intake.transition(code, PROCESSING, actor=actor, data=data)
            if new is not None:
                rows.set_appointment(db, d["id"], new.isoformat())
            rows.append_documents(db, d["id"], docs)
            for f in files:
                rows.link_attachment(db, d["id"], at=now.isoformat(), **f)
        return new

    # ---------------------------------------------------------------- apology
    def apologise(
        self,
        code: str,
        new_appointment: datetime,
        reason: str,
        *,
        actor: str | None,
        session: Any = None,
    ) -> None:
        """Record an apology slip (Mẫu 04) with a new appointment, and send it to the province.

        Only for a dossier still owed a result whose appointment has passed or falls today; the
        new appointment must be later than both now and the old one.
        """
        from kiosk_app.store import audit, outbox

        actor = acting(session, actor, perms.DESK_ACTIONS)
        intake = self.intake
        why = _text(reason, "lý do trễ hẹn")
        now = _aware(intake.clock())
        new = _aware(new_appointment)
        at = now.isoformat()
        with intake.store.write() as db:
            d = self._dossier(db, code)
            if d["status"] not in OPEN_FOR_APOLOGY:
                raise IntakeError(
                    f"Hồ sơ {code} không còn chờ trả kết quả: không cần phiếu xin lỗi"
                )
            old = (
                _aware(datetime.fromisoformat(d["appointment_at"])) if d["appointment_at"] else None
            )
            if old is None or old.date() > now.astimezone(VN_TZ).date():
                raise IntakeError(f"Hồ sơ {code} chưa đến hạn trả: chưa cần phiếu xin lỗi")
            if new <= now or new <= old:
                raise IntakeError("Ngày hẹn mới phải sau hôm nay và sau ngày hẹn cũ")
            data = {
                "previous_appointment_at": old.isoformat(),
                "appointment_at": new.isoformat(),
                "reason": why,
            }
            event_id = rows.add_event(
                db,
                d["id"],
                kind=APOLOGY_KIND,
                at=at,
                actor=actor,
                origin="commune",
                from_status=d["status"],
                to_status=d["status"],
                data=data,
            )
            rows.set_appointment(db, d["id"], new.isoformat())
            audit.append(db, at=at, actor=actor, action="dossier.apology", entity=code, data={})
            outbox.enqueue(
                db,
                kind=OUTBOX_APOLOGY,
                entity_id=d["id"],
                at=at,
                payload={
                    "event_id": event_id,
                    "dossier_id": d["id"],
                    "code": code,
                    "at": at,
                    "data": data,
                },
            )

    # ---------------------------------------------------------------- hand-over
    def hand_over(
        self,
        code: str,
        collected_by: Mapping[str, Any],
        *,
        actor: str | None,
        result_scan: dict[str, Any] | None = None,
        session: Any = None,
    ) -> None:
        """Give the result to the citizen (or someone they sent): who collected it, and the
        result's digitised copy when there is one (``result_scan``: an attachment already in
        the file store, as the desk's scanner gives it). The event names the scan
        (``result_attachment``) and carries its entry in ``attachments``, so it is uploaded."""
        actor = acting(session, actor, perms.DESK_ACTIONS)
        name = _text(collected_by.get("name"), "họ tên người nhận kết quả", limit=120)
        who: dict[str, Any] = {"name": name}
        id_number = str(collected_by.get("id_number") or "").strip()
        if id_number:
            if not id_number.isdigit() or len(id_number) not in (9, 12):
                raise IntakeError("Số giấy tờ tùy thân của người nhận phải có 9 hoặc 12 chữ số")
            who["id_number"] = id_number
        relation = str(collected_by.get("relation") or "").strip()
        if relation:
            who["relation"] = _text(relation, "quan hệ với người nộp", limit=120)
        intake = self.intake
        at = _aware(intake.clock()).isoformat()
        with intake.store.write() as db:
            d = self._dossier(db, code)
            if d["status"] != DONE:
                raise IntakeError(f"Hồ sơ {code} chưa có kết quả để trả")
            data: dict[str, Any] = {"collected_by": who}
            if result_scan:
                (f,) = intake._check_attachments([dict(result_scan, field_path="result")])
                rows.link_attachment(db, d["id"], at=at, **f)
                data["result_attachment"] = f["sha256"]  # what the timeline and figures read
                data["attachments"] = [f]  # the entry the server expects as an upload
            intake.transition(code, RETURNED, actor=actor, data=data)

    # ---------------------------------------------------------------- endings
    def withdraw(self, code: str, reason: str, *, actor: str | None, session: Any = None) -> None:
        """The citizen takes the dossier back (written request); the reason is required."""
        actor = acting(session, actor, perms.DESK_ACTIONS)
        self.intake.transition(
            code, WITHDRAWN, actor=actor, reason=_text(reason, "lý do rút hồ sơ")
        )

    def refuse(self, code: str, reason: str, *, actor: str | None, session: Any = None) -> None:
        """Refuse a kiosk submission after checking its papers (Mẫu 03); reason required.
        Heads only when a ``session`` is given."""
        actor = acting(session, actor, perms.REFUSE)
        why = _text(reason, "lý do từ chối")
        with self.intake.store.read() as db:
            if self._dossier(db, code)["status"] != SUBMITTED:
                raise IntakeError(f"Chỉ từ chối được hồ sơ đang chờ kiểm tra giấy tờ ({code})")
        self.intake.transition(code, NOT_ACCEPTED, actor=actor, reason=why)

    # ---------------------------------------------------------------- lists
    def ready_for_hand_over(self, session: Any = None) -> list[dict[str, Any]]:
        """Dossiers whose result is ready (status 9), oldest first (``session``: may it view)."""
        acting(session, None, perms.VIEW)
        with self.intake.store.read() as db:
            return sorted(rows.listing(db, status=DONE), key=lambda r: r["updated_at"])


def _supplement_documents(proc: Any, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The papers a supplement brings, checked one by one (named or a known requirement, a
    valid form, a positive count); unlike at intake, nothing is required beyond them."""
    by_id = {d.id: d for d in proc.documents}
    out, problems = [], []
    for i, doc in enumerate(documents):
        req = by_id.get(doc.get("id")) if doc.get("id") else None
        name = str(doc.get("name") or (req.name.vi if req else "")).strip()
        form = doc.get("form")
        try:
            count = int(doc.get("count", 1))
        except (TypeError, ValueError):
            count = 0
        if not name:
            problems.append(f"giấy tờ thứ {i + 1}: chưa có tên")
        elif form not in DOCUMENT_FORMS:
            problems.append(f"{name}: hình thức giấy tờ không hợp lệ ({form!r})")
        elif req and form not in req.forms:
            problems.append(f"{name}: không nhận {DOC_FORM_VI[form]}")
        elif count < 1:
            problems.append(f"{name}: số lượng phải là số nguyên dương")
        else:
            out.append({"id": doc.get("id"), "name": name, "form": form, "count": count})
    if problems:
        raise IntakeError("Giấy tờ bổ sung chưa đúng", problems)
    return out
