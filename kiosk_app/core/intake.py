"""The intake use-cases: start a draft, save a step, submit, look up, prefill, move a status.

Every use-case that writes is one store transaction (DESIGN.md "The way data flows"): a
submission writes the dossier, its code, appointment, documents, attachment links, the
"received" event, an audit entry and the outbox event together or not at all. Callable from
tests, the command line and (off the GUI thread) the Qt shells; no Qt here.

Times: the office runs on Vietnam time (UTC+7, no DST); stored as ISO-8601 with the offset.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from kiosk_app.config import Office
from kiosk_app.core import permissions as perms
from kiosk_app.core.codes import check_agency_id, check_slot, format_code
from kiosk_app.core.dossier import ACCEPTED, SUBMITTED, Lifecycle, lifecycle
from kiosk_app.store import dossiers as rows
from kiosk_app.store import drafts
from kiosk_app.store.db import Store

if TYPE_CHECKING:
    from kiosk_app.core.catalog import Catalog, Procedure
    from kiosk_app.store.attachments import AttachmentStore

# Start-up (bench/startup.py): the clerk desk imports this module to paint its start screen,
# so what only a submission, a transition or a prefill needs (uuid6, which imports
# importlib.metadata; the audit, outbox and code-counter tables; the applicant helpers) is
# imported in those use-cases.

VN_TZ = timezone(timedelta(hours=7), "ICT")
CHANNELS = ("desk", "kiosk", "backentry")
DOCUMENT_FORMS = ("original", "certified_copy", "photocopy")
DOC_FORM_VI = {
    "original": "bản chính",
    "certified_copy": "bản sao chứng thực",
    "photocopy": "bản photo",
}


def now_vn() -> datetime:
    return datetime.now(VN_TZ)


def acting(session: Any, actor: str | None, permission: str) -> str | None:
    """The actor to record: the session's account once its role is checked (else
    PermissionDenied), or ``actor`` as given (command line, tests, the province)."""
    if session is None:
        return actor
    perms.require(session, permission)
    return session.actor


def _intake_permission(channel: str) -> str:
    return perms.KIOSK_SUBMIT if channel == "kiosk" else perms.INTAKE


class IntakeError(Exception):
    """A use-case refused: ``message`` is Vietnamese; ``issues`` lists per-field problems."""

    def __init__(self, message: str, issues: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.issues = issues or []

    def __str__(self) -> str:
        if not self.issues:
            return self.message
        lines = [self.message]
        lines += [f"  - {getattr(i, 'path', '')}: {getattr(i, 'message', i)}" for i in self.issues]
        return "\n".join(lines)


@dataclass(frozen=True)
class Submitted:
    dossier_id: str
    code: str
    received_at: datetime
    appointment_at: datetime | None
    fee: int
    clock_adjusted: bool = False


@dataclass
class DossierView:
    """A stored dossier with everything its page shows (from the store, never screen state)."""

    dossier: dict[str, Any]
    documents: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


class Intake:
    """The intake use-cases over one store. Thread-safety: the store serialises writes."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        calendar: Any,
        office: Office,
        files: AttachmentStore,
        *,
        clock: Callable[[], datetime] = now_vn,
        states: Lifecycle | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self._calendar = calendar
        self.office = office
        self.files = files
        self.clock = clock
        self.states = states or lifecycle()
        check_agency_id(office.agency_id)
        check_slot(office.device_slot)

    @property
    def calendar(self) -> Any:
        """The working-day calendar (appointments). Given as a zero-argument function instead
        (the kiosk does: ``bootstrap.Kiosk`` builds its calendar on first use), the function
        is called the first time an appointment needs it, on whichever thread that is; it
        must be thread-safe and return the same calendar each time."""
        cal = self._calendar
        if not hasattr(cal, "appointment") and callable(cal):
            cal = self._calendar = cal()
        return cal

    @calendar.setter
    def calendar(self, value: Any) -> None:
        self._calendar = value

    # -------------------------------------------------------------- drafts
    def procedure(self, code: str) -> Procedure:
        try:
            return self.catalog.get(code)
        except KeyError:
            raise IntakeError(f"Không có thủ tục mã '{code}' trong danh mục") from None

    def start_draft(
        self,
        procedure_code: str,
        *,
        channel: str = "desk",
        actor: str | None = None,
        session: Any = None,
    ) -> str:
        """A new draft; with ``session`` (the logged-in account) its role is checked and it is
        the draft's actor."""
        self.procedure(procedure_code)
        self._check_channel(channel)
        actor = acting(session, actor, _intake_permission(channel))
        import uuid6

        draft_id = str(uuid6.uuid7())
        at = self.clock().isoformat()
        with self.store.write() as db:
            drafts.create(
                db,
                {
                    "id": draft_id,
                    "procedure_code": procedure_code,
                    "catalog_version": self.catalog.version,
                    "channel": channel,
                    "step": None,
                    "answers": {},
                    "documents": [],
                    "extra": {},
                    "actor": actor,
                    "created_at": at,
                    "updated_at": at,
                },
            )
        return draft_id

    def save_step(
        self,
        draft_id: str,
        *,
        step: str | None = None,
        answers: Mapping[str, Any] | None = None,
        documents: list[dict[str, Any]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Any:
        """Merge a step's answers into the draft (one transaction) and return its validation.

        The draft is saved even when the step has errors: nothing typed is lost.
        """
        with self.store.write() as db:
            draft = drafts.get(db, draft_id)
            if draft is None:
                raise IntakeError(f"Không tìm thấy hồ sơ nháp {draft_id}")
            merged = {**draft["answers"], **(answers or {})}
            values: dict[str, Any] = {"answers": merged, "updated_at": self.clock().isoformat()}
            if step is not None:
                values["step"] = step
            if documents is not None:
                values["documents"] = documents
            if extra is not None:
                values["extra"] = {**draft["extra"], **extra}
            drafts.update(db, draft_id, values)
        form = self.procedure(draft["procedure_code"]).form
        normalized = form.compute(form.normalize(merged))
        return form.validate(normalized, section=step)

    def draft(self, draft_id: str) -> dict[str, Any] | None:
        with self.store.read() as db:
            return drafts.get(db, draft_id)

    def unfinished_drafts(self) -> list[dict[str, Any]]:
        with self.store.read() as db:
            return drafts.unfinished(db)

    def submit_draft(
        self, draft_id: str, *, actor: str | None = None, session: Any = None
    ) -> Submitted:
        """Submit a draft. The dossier's actor is who submits it (``session``), which may be
        another person than the one who started the draft (a colleague took over the desk)."""
        d = self.draft(draft_id)
        if d is None:
            raise IntakeError(f"Không tìm thấy hồ sơ nháp {draft_id}")
        return self.submit(
            d["procedure_code"],
            d["answers"],
            d["documents"],
            channel=d["channel"],
            actor=actor or (None if session is not None else d["actor"]),
            session=session,
            draft_id=draft_id,
            delivery=d["extra"].get("delivery", "desk"),
            payment=d["extra"].get("payment"),
            attachments=d["extra"].get("attachments", []),
        )

    # -------------------------------------------------------------- submit
    def submit(
        self,
        procedure_code: str,
        answers: Mapping[str, Any],
        documents: list[dict[str, Any]],
        *,
        channel: str = "desk",
        actor: str | None = None,
        received_at: datetime | None = None,
        delivery: str = "desk",
        payment: Mapping[str, Any] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        draft_id: str | None = None,
        session: Any = None,
    ) -> Submitted:
        """Validate and store a dossier in one transaction; returns its code and appointment.

        ``received_at`` is for back-entering paper dossiers taken during an outage (channel
        ``backentry``); otherwise the receipt time is the clock's, never earlier than the last
        submission's (a clock set back must not make codes or times go backwards).
        """
        import uuid6

        from kiosk_app.core import applicant as applicant_mod
        from kiosk_app.store import audit, outbox
        from kiosk_app.store.codes import allocate_seq

        proc = self.procedure(procedure_code)
        self._check_channel(channel)
        actor = acting(session, actor, _intake_permission(channel))
        if delivery not in ("desk", "post"):
            raise IntakeError("Nơi trả kết quả phải là 'desk' (tại bộ phận một cửa) hoặc 'post'")
        form = proc.form
        values = form.compute(form.normalize(dict(answers)))
        result = form.validate(values)
        if result.errors:
            raise IntakeError("Tờ khai còn lỗi, chưa thể nộp hồ sơ", list(result.errors))
        values = form.prune(values)
        docs = self._check_documents(proc, values, documents)
        files = self._check_attachments(attachments or [])
        person = applicant_mod.extract(form, values)
        if not person.get("full_name"):
            raise IntakeError("Thiếu họ tên người nộp hồ sơ")

        backentry = received_at is not None
        if backentry and received_at.tzinfo is None:
            received_at = received_at.replace(tzinfo=VN_TZ)
        fee = proc.fee_for(values)
        status = SUBMITTED if channel == "kiosk" else ACCEPTED
        dossier_id = str(uuid6.uuid7())
        with self.store.write() as db:
            adjusted = False
            if backentry:
                when = received_at.astimezone(VN_TZ)
                if when > self.clock() + timedelta(minutes=5):
                    raise IntakeError("Thời điểm tiếp nhận không được ở tương lai")
            else:
                when, adjusted = self._monotonic_now(db)
            code_day = when.date()
            seq = allocate_seq(db, self.office.agency_id, code_day, self.office.device_slot)
            code = format_code(self.office.agency_id, code_day, seq)
            appointment = self._appointment(proc, values, when) if status == ACCEPTED else None
            at = when.isoformat()
            content = {
                "code": code,
                "procedure": proc.code,
                "catalog_version": self.catalog.version,
                "answers": values,
                "documents": docs,
                "received_at": at,
                "attachments": sorted(f["sha256"] for f in files),
            }
            content_hash = hashlib.sha256(_canonical(content)).hexdigest()
            row = {
                "id": dossier_id,
                "code": code,
                "agency_id": self.office.agency_id,
                "code_day": code_day.isoformat(),
                "code_seq": seq,
                "procedure_code": proc.code,
                "catalog_version": self.catalog.version,
                "form_version": str(getattr(form, "version", "")),
                "channel": channel,
                "status": status,
                "received_at": at,
                "appointment_at": appointment.isoformat() if appointment else None,
                "applicant_name": person["full_name"],
                "applicant_id_number": person.get("id_number") or None,
                "applicant_phone": person.get("phone") or None,
                "applicant_address": person.get("address") or None,
                "answers": values,
                "fee": fee,
                "payment": dict(payment or {}),
                "delivery": delivery,
                "content_hash": content_hash,
                "draft_id": draft_id,
                "actor": actor,
                "updated_at": at,
                "search_text": rows.search_text(
                    person["full_name"],
                    person.get("id_number"),
                    code,
                    person.get("phone"),
                    proc.code,
                ),
            }
            rows.insert_dossier(db, row)
            rows.insert_documents(db, dossier_id, docs)
            for f in files:
                rows.link_attachment(db, dossier_id, at=at, **f)
            rows.add_event(
                db,
                dossier_id,
                kind="received",
                at=at,
                actor=actor,
                to_status=status,
                data={"channel": channel, "clock_adjusted": adjusted},
            )
            audit.append(
                db,
                at=at,
                actor=actor,
                action="dossier.submit",
                entity=code,
                data={"procedure": proc.code, "channel": channel},
            )
            outbox.enqueue(
                db,
                kind="dossier.submitted",
                entity_id=dossier_id,
                at=at,
                payload={
                    **content,
                    "id": dossier_id,
                    "status": status,
                    "channel": channel,
                    "fee": fee,
                    "payment": row["payment"],  # how the fee is paid: the province's figures
                    "delivery": delivery,
                    "appointment_at": row["appointment_at"],
                    "content_hash": content_hash,
                    "attachments": files,
                    "applicant": person,
                },
            )
            if draft_id:
                drafts.delete(db, draft_id)
        return Submitted(dossier_id, code, when, appointment, fee, adjusted)

    def _monotonic_now(self, db: Any) -> tuple[datetime, bool]:
        now = self.clock().astimezone(VN_TZ)
        last = db.execute(
            "SELECT MAX(received_at) FROM dossiers WHERE channel != 'backentry'"
        ).fetchone()[0]
        if last:
            last_dt = datetime.fromisoformat(last).astimezone(VN_TZ)
            if now < last_dt:
                return last_dt, True
        return now, False

    def _appointment(self, proc: Procedure, values: Mapping[str, Any], when: datetime) -> datetime:
        local = when.astimezone(VN_TZ).replace(tzinfo=None)
        due = self.calendar.appointment(local, proc.processing_time_for(values))
        return due.replace(tzinfo=VN_TZ) if due.tzinfo is None else due

    def _check_channel(self, channel: str) -> None:
        if channel not in CHANNELS:
            raise IntakeError(f"Kênh tiếp nhận không hợp lệ: {channel!r}")

    def _check_documents(
        self, proc: Procedure, values: Mapping[str, Any], documents: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        by_id = {d.id: d for d in proc.documents}
        out, problems = [], []
        for i, doc in enumerate(documents or []):
            req = by_id.get(doc.get("id")) if doc.get("id") else None
            name = doc.get("name") or (req.name.vi if req else None)
            form_kind = doc.get("form")
            try:
                count = int(doc.get("count", 1))
            except (TypeError, ValueError):
                count = -1
            if not name:
                problems.append(f"giấy tờ thứ {i + 1}: không rõ tên hoặc mã '{doc.get('id')}'")
                continue
            if form_kind not in DOCUMENT_FORMS:
                problems.append(
                    f"{name}: hình thức phải là bản chính, bản sao chứng thực hoặc bản photo"
                )
                continue
            if req and form_kind not in req.forms:
                allowed = ", ".join(DOC_FORM_VI[f] for f in req.forms)
                problems.append(
                    f"{name}: không nhận {DOC_FORM_VI[form_kind]} (chỉ nhận: {allowed})"
                )
            if count < 1:
                problems.append(f"{name}: số lượng phải là số nguyên dương")
            out.append(
                {"id": doc.get("id"), "name": name, "form": form_kind, "count": max(count, 1)}
            )
        have = {d["id"] for d in out}
        missing = [
            d.name.vi
            for d in proc.required_documents(values)
            if d.action == "submit" and d.id not in have
        ]
        if missing:
            problems.append("còn thiếu giấy tờ bắt buộc: " + "; ".join(missing))
        if problems:
            raise IntakeError("Thành phần hồ sơ chưa đúng", problems)
        return out

    def _check_attachments(self, attachments: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for a in attachments:
            sha = a.get("sha256", "")
            if not self.files.has(sha):
                raise IntakeError(f"Tệp đính kèm '{a.get('name', sha)}' chưa được lưu vào máy")
            out.append(
                {
                    "sha256": sha,
                    "size": int(a.get("size") or self.files.size(sha)),
                    "mime": a.get("mime", "application/octet-stream"),
                    "name": str(a.get("name") or sha[:12]).encode(errors="replace").decode()[:255],
                    "document_id": a.get("document_id"),
                    "field_path": a.get("field_path"),
                }
            )
        return out

    # -------------------------------------------------------------- look up
    def lookup(self, code: str) -> DossierView | None:
        with self.store.read() as db:
            d = rows.get(db, code=code)
            if d is None:
                return None
            return DossierView(
                d,
                rows.documents(db, d["id"]),
                rows.attachments(db, d["id"]),
                rows.events(db, d["id"]),
            )

    def search(self, text: str, limit: int = rows.SEARCH_LIMIT) -> list[dict[str, Any]]:
        """By dossier code (exact), ID number (exact) or free text over names/codes/phones.
        (The desk searches through :meth:`kiosk_app.core.desk.Desk.search`, which audits.)"""
        text = rows.clean_search_text(text)
        with self.store.read() as db:
            exact = rows.get(db, code=text) if text else None
            if exact:
                return [exact]
            if text.isdigit() and len(text) in (9, 12):
                found = rows.by_id_number(db, text, limit)
                if found:
                    return found
            return rows.search(db, text, limit)

    def prefill(self, id_number: str) -> dict[str, Any] | None:
        """The person block from this applicant's latest dossier ("don't ask again")."""
        with self.store.read() as db:
            earlier = rows.by_id_number(db, id_number.strip(), limit=1)
        if not earlier:
            return None
        proc = self.catalog.procedures.get(earlier[0]["procedure_code"])
        from kiosk_app.core import applicant as applicant_mod

        return applicant_mod.person_block(proc.form if proc else None, earlier[0]["answers"])

    def due(self, before: datetime) -> list[dict[str, Any]]:
        """Open dossiers whose appointment is before ``before`` (due today / overdue)."""
        open_states = [s for s in self.states.statuses.values() if not s.final and s.code != 9]
        with self.store.read() as db:
            out = []
            for s in open_states:
                out += rows.listing(db, status=s.code, due_before=before.isoformat())
        return sorted(out, key=lambda r: r["appointment_at"] or "")

    # -------------------------------------------------------------- lifecycle
    def transition(
        self,
        code: str,
        to_status: int,
        *,
        actor: str | None = None,
        origin: str = "commune",
        reason: str | None = None,
        data: Mapping[str, Any] | None = None,
        session: Any = None,
    ) -> None:
        """Move a dossier to ``to_status`` if the lifecycle allows it; recorded as an event.
        ``session``: its role is checked (refusing needs a head) and it is the actor."""
        from kiosk_app.store import audit, outbox

        at = self.clock().isoformat()
        with self.store.write() as db:
            d = rows.get(db, code=code)
            if d is None:
                raise IntakeError(f"Không tìm thấy hồ sơ {code}")
            try:
                t = self.states.check(d["status"], to_status, origin)
            except ValueError as exc:
                raise IntakeError(str(exc)) from exc
            actor = acting(session, actor, perms.event_permission(t.event))
            payload = {**(data or {}), **({"reason": reason} if reason else {})}
            rows.set_status(db, d["id"], to_status, at)
            if d["status"] == SUBMITTED and to_status == ACCEPTED:
                # a kiosk submission's legal clock starts when the desk accepts its papers
                proc = self.procedure(d["procedure_code"])
                due = self._appointment(proc, d["answers"], datetime.fromisoformat(at))
                rows.set_appointment(db, d["id"], due.isoformat())
                payload["appointment_at"] = due.isoformat()
            event_id = rows.add_event(
                db,
                d["id"],
                kind=t.event,
                at=at,
                actor=actor,
                origin=origin,
                from_status=d["status"],
                to_status=to_status,
                data=payload,
            )
            audit.append(
                db,
                at=at,
                actor=actor,
                action=f"dossier.{t.event}",
                entity=code,
                data={"to": to_status},
            )
            if origin == "commune":
                outbox.enqueue(
                    db,
                    kind=f"dossier.{t.event}",
                    entity_id=d["id"],
                    at=at,
                    payload={
                        "event_id": event_id,
                        "dossier_id": d["id"],
                        "code": code,
                        "from": d["status"],
                        "to": to_status,
                        "at": at,
                        "data": payload,
                    },
                )


def _canonical(value: Any) -> bytes:
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default
    ).encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
