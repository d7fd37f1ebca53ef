"""The clerk desk's queries and office-settings use-cases (Qt-free; the UI calls these).

What the start screen and the dossier desk show — today's dossiers, what is due today or
overdue, a filtered list, a dossier's answers as label/value rows, the commune-side actions the
lifecycle allows — and reading/saving the office settings with Vietnamese validation messages.
Store access lives here so the UI never touches SQL (DESIGN.md). Times are Vietnam time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from kiosk_app.config import (
    KIOSK_MODE_SETTING,
    KIOSK_ORIENTATION_SETTING,
    KIOSK_ORIENTATIONS,
    SETTINGS,
    demo_office,
)
from kiosk_app.core import permissions as perms
from kiosk_app.core.codes import CodeError, check_agency_id
from kiosk_app.core.dossier import Lifecycle, Transition, lifecycle
from kiosk_app.core.intake import VN_TZ, Intake, acting
from kiosk_app.core.text import Text
from kiosk_app.store import dossiers as rows
from kiosk_app.store import settings as settings_rows
from kiosk_app.store.db import Store

DUE_TODAY, OVERDUE = "today", "overdue"
# Kept beside the office settings; declare in kiosk_app.config.SETTINGS when that file is next
# touched (the printer is per device, so it is not pushed by the province).
PRINTER_SETTING = "printer_name"
# Per device too: minutes without a key or mouse event before the desk locks itself (1–60).
DESK_LOCK_SETTING = "desk_lock_minutes"
DESK_LOCK_DEFAULT = 10
DEVICE_DEFAULTS: dict[str, Any] = {PRINTER_SETTING: "", DESK_LOCK_SETTING: DESK_LOCK_DEFAULT}

EVENT_LABELS: dict[str, Text] = {
    "received": Text("Tiếp nhận hồ sơ", "Dossier received"),
    "accept": Text("Chấp nhận hồ sơ", "Accepted"),
    "refuse": Text("Không tiếp nhận", "Not accepted"),
    "withdraw": Text("Công dân rút hồ sơ", "Withdrawn by the citizen"),
    "request_supplement": Text("Yêu cầu bổ sung hồ sơ", "Supplement requested"),
    "supplement": Text("Đã nhận hồ sơ bổ sung", "Supplement received"),
    "start_processing": Text("Bắt đầu giải quyết", "Processing started"),
    "request_payment": Text("Yêu cầu nộp phí, lệ phí", "Payment requested"),
    "payment_received": Text("Đã nộp phí, lệ phí", "Payment received"),
    "finish": Text("Đã có kết quả", "Result ready"),
    "stop": Text("Dừng xử lý", "Stopped"),
    "hand_over": Text("Đã trả kết quả", "Result handed over"),
}
ACTION_LABELS: dict[str, Text] = {
    "accept": Text("Tiếp nhận", "Accept"),
    "refuse": Text("Không tiếp nhận", "Refuse"),
    "withdraw": Text("Rút hồ sơ", "Withdraw"),
    "request_supplement": Text("Yêu cầu bổ sung", "Request supplement"),
    "supplement": Text("Ghi nhận bổ sung", "Record supplement"),
    "hand_over": Text("Trả kết quả", "Hand over result"),
}
# What the clerk must type for an action: "collector" (who collected the result) or "reason".
ACTION_NEEDS: dict[str, str] = {
    "hand_over": "collector",
    "withdraw": "reason",
    "refuse": "reason",
    "request_supplement": "reason",
    "supplement": "note",
}


class SettingsError(ValueError):
    """Invalid office settings: ``issues`` maps a setting name to a Vietnamese message."""

    def __init__(self, issues: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in issues.items()))
        self.issues = issues


@dataclass(frozen=True)
class DossierFilter:
    """Filters of the dossier list; ``None`` means "any". Dates are inclusive receipt days."""

    status: int | None = None
    procedure_code: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    due: str | None = None  # DUE_TODAY, OVERDUE or None


@dataclass(frozen=True)
class Action:
    """A commune-side lifecycle move offered on a dossier's page."""

    to_status: int
    event: str
    label: Text
    needs: str | None


@dataclass
class AnswerRow:
    """One line of a dossier's answers: a label, its value as text, and nesting depth."""

    label: str
    value: str
    depth: int = 0


@dataclass
class AnswerSection:
    title: str
    rows: list[AnswerRow] = field(default_factory=list)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), VN_TZ)


class Desk:
    """Queries for the clerk's screens over one kiosk's store and intake use-cases."""

    def __init__(self, store: Store, intake: Intake, states: Lifecycle | None = None) -> None:
        self.store = store
        self.intake = intake
        self.states = states or intake.states or lifecycle()

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.intake.clock

    def today(self) -> date:
        return self.clock().astimezone(VN_TZ).date()

    # ------------------------------------------------------------------ lists
    def todays_dossiers(self) -> list[dict[str, Any]]:
        """Dossiers received today (by the intake clock), newest first."""
        day = self.today()
        return self.listing(DossierFilter(received_from=day, received_to=day))

    def due(self) -> dict[str, list[dict[str, Any]]]:
        """Open dossiers whose appointment is today (``"today"``) or an earlier day
        (``"overdue"``), earliest appointment first."""
        today = day_start(self.today())
        out: dict[str, list[dict[str, Any]]] = {DUE_TODAY: [], OVERDUE: []}
        for d in self.intake.due(today + timedelta(days=1)):
            late = datetime.fromisoformat(d["appointment_at"]) < today
            out[OVERDUE if late else DUE_TODAY].append(d)
        return out

    def listing(self, f: DossierFilter | None = None, limit: int = 500) -> list[dict[str, Any]]:
        """Dossiers matching ``f``, newest receipt first (due lists: earliest appointment)."""
        f = f or DossierFilter()
        start = day_start(f.received_from).isoformat() if f.received_from else None
        end = day_start(f.received_to + timedelta(days=1)).isoformat() if f.received_to else None
        if f.due in (DUE_TODAY, OVERDUE):
            found = self.due()[f.due]
            return [
                d
                for d in found
                if (f.status is None or d["status"] == f.status)
                and (f.procedure_code is None or d["procedure_code"] == f.procedure_code)
                and (start is None or d["received_at"] >= start)
                and (end is None or d["received_at"] < end)
            ][:limit]
        if f.due is not None:
            raise ValueError(f"unknown due filter {f.due!r}")
        with self.store.read() as db:
            return rows.listing(
                db,
                status=f.status,
                procedure_code=f.procedure_code,
                received_from=start,
                received_to=end,
                limit=limit,
            )

    def search(self, text: str, session: Any = None) -> list[dict[str, Any]]:
        """By name, ID number or dossier code (the intake search); empty text lists recent.

        With ``session`` (the desk's logged-in account): its role is checked, and a search by
        ID number — a citizen's records looked up — appends an audit entry ``dossier.search``
        with the kind of query and the number of results, never the number searched for."""
        actor = acting(session, None, perms.VIEW)
        text = text.strip()
        found = self.intake.search(text) if text else self.listing(limit=200)
        if session is not None and text.isdigit() and len(text) in (9, 12):
            self._audit(actor, "dossier.search", None, {"kind": "id_number", "results": len(found)})
        return found

    def prefill(self, id_number: str, session: Any = None) -> dict[str, Any] | None:
        """The applicant's details from their latest dossier (:meth:`Intake.prefill`); with
        ``session``, audited like a search by ID number (kind ``prefill``, found or not)."""
        actor = acting(session, None, perms.INTAKE)
        found = self.intake.prefill(id_number)
        if session is not None:
            self._audit(
                actor, "dossier.search", None, {"kind": "prefill", "results": int(bool(found))}
            )
        return found

    def open_dossier(self, code: str, session: Any = None) -> Any:
        """A dossier opened on screen (:meth:`Intake.lookup`), with an audit entry
        ``dossier.view`` naming the actor and the dossier code — never the citizen's data."""
        actor = acting(session, None, perms.VIEW)
        found = self.intake.lookup(code)
        if found is not None and session is not None:
            self._audit(actor, "dossier.view", found.dossier["code"], {})
        return found

    def _audit(self, actor: str | None, action: str, entity: str | None, data: dict) -> None:
        from kiosk_app.store import audit

        with self.store.write() as db:
            audit.append(
                db,
                at=self.clock().isoformat(),
                actor=actor,
                action=action,
                entity=entity,
                data=data,
            )

    # ------------------------------------------------------------------ labels
    def status_label(self, code: int | None, lang: str = "vi") -> str:
        if code is None or code not in self.states.statuses:
            return ""
        s = self.states.statuses[code]
        return s.en if lang == "en" else s.vi

    def actions(self, status: int) -> list[Action]:
        """The moves the commune may make from ``status`` (hand over, supplement, withdraw…)."""
        out = []
        for t in self.states.allowed(status, by="commune"):
            out.append(_action(t, self.states))
        return out

    # ------------------------------------------------------------------ settings
    def office_settings(self) -> dict[str, Any]:
        """Every office setting with its current value (declared defaults, demo office when
        the folder was never set up), plus the printer name."""
        with self.store.read() as db:
            stored = settings_rows.get_all(db)
        values = DEVICE_DEFAULTS | {s.name: s.default for s in SETTINGS}
        if not stored.get("agency_id"):
            values |= demo_office()
        return values | {k: v for k, v in stored.items() if v is not None}

    def save_office_settings(
        self, values: Mapping[str, Any], session: Any = None
    ) -> dict[str, Any]:
        """Validate and store office settings in one transaction; returns what was stored.

        Raises :class:`SettingsError` (Vietnamese messages per setting) and stores nothing when
        any value is wrong. The running intake keeps its office until the program restarts.
        With ``session``: only an administrator may; the same transaction appends an audit
        entry ``settings.change`` listing each changed setting's old and new value (settings
        hold no secrets).
        """
        actor = acting(session, None, perms.SETTINGS)
        clean = validate_settings(values)
        from kiosk_app.store import audit

        with self.store.write() as db:
            before = self.office_settings()
            changes = {
                k: {"old": before.get(k), "new": v} for k, v in clean.items() if before.get(k) != v
            }
            settings_rows.put(db, clean)
            if changes:
                audit.append(
                    db,
                    at=self.clock().isoformat(),
                    actor=actor,
                    action="settings.change",
                    entity="settings",
                    data=changes,
                )
        return clean


def _action(t: Transition, states: Lifecycle) -> Action:
    label = ACTION_LABELS.get(t.event)
    if label is None:
        target = states.statuses[t.target]
        label = Text(target.vi, target.en)
    return Action(t.target, t.event, label, ACTION_NEEDS.get(t.event))


def _hm(value: Any) -> time:
    return time.fromisoformat(str(value).strip())


def validate_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned settings, or :class:`SettingsError` naming each bad one in Vietnamese."""
    issues: dict[str, str] = {}
    out: dict[str, Any] = {"demo": False}
    try:
        out["agency_id"] = check_agency_id(str(values.get("agency_id") or ""))
    except CodeError as exc:
        issues["agency_id"] = str(exc)
    from kiosk_app.core import admin_units  # the unit tables: not needed to paint the desk

    commune_code = str(values.get("commune_code") or "").strip()
    commune = admin_units.commune(commune_code) if commune_code.isdigit() else None
    if commune is None:
        issues["commune_code"] = (
            f"Không có xã/phường mã '{commune_code}' trong danh mục (mã 5 chữ số sau 01/7/2025)"
        )
    else:
        out["commune_code"] = commune.code
    try:
        slot = int(str(values.get("device_slot", "")).strip())
        if not 0 <= slot <= 9:
            raise ValueError
        out["device_slot"] = slot
    except ValueError:
        issues["device_slot"] = "Khe thiết bị phải là một số từ 0 đến 9"
    name = " ".join(str(values.get("agency_name") or "").split())
    if not name:
        issues["agency_name"] = "Cần nhập tên cơ quan in trên phiếu"
    out["agency_name"] = name
    out["hotline"] = str(values.get("hotline") or "").strip()
    hours: dict[str, tuple[time, time]] = {}
    for key, vi in (("office_morning", "buổi sáng"), ("office_afternoon", "buổi chiều")):
        try:
            start, end = (_hm(v) for v in values.get(key) or ())
            if start >= end:
                issues[key] = f"Giờ làm việc {vi}: giờ bắt đầu phải trước giờ kết thúc"
                continue
            hours[key] = (start, end)
            out[key] = [start.strftime("%H:%M"), end.strftime("%H:%M")]
        except (TypeError, ValueError):
            issues[key] = f"Giờ làm việc {vi} phải có dạng GG:PP – GG:PP (ví dụ 07:00 – 11:30)"
    if len(hours) == 2 and hours["office_morning"][1] > hours["office_afternoon"][0]:
        issues["office_afternoon"] = "Buổi chiều phải bắt đầu sau khi buổi sáng kết thúc"
    try:
        cutoff = _hm(values.get("same_day_cutoff"))
        out["same_day_cutoff"] = cutoff.strftime("%H:%M")
    except (TypeError, ValueError):
        issues["same_day_cutoff"] = "Giờ chốt trong ngày phải có dạng GG:PP (ví dụ 15:00)"
    out["saturday_morning"] = bool(values.get("saturday_morning"))
    out[PRINTER_SETTING] = str(values.get(PRINTER_SETTING) or "").strip()
    _device_settings(values, out, issues)
    from kiosk_app.core.payment import check_payment_settings

    payment, payment_issues = check_payment_settings(values)
    out |= payment
    issues |= payment_issues
    if issues:
        raise SettingsError(issues)
    return out


def _device_settings(
    values: Mapping[str, Any], out: dict[str, Any], issues: dict[str, str]
) -> None:
    """The desk lock, scheduled backup and kiosk start-up settings (absent ones keep their
    defaults)."""
    folder = str(values.get("backup_dir") or "").strip()
    if folder and not (
        folder.startswith("/") or (len(folder) > 2 and folder[1:3] in (":\\", ":/"))
    ):
        issues["backup_dir"] = "Thư mục sao lưu phải là đường dẫn đầy đủ (VD: /media/usb/motcua)"
    out["backup_dir"] = folder
    try:
        minutes = int(str(values.get(DESK_LOCK_SETTING, DESK_LOCK_DEFAULT)).strip())
        if not 1 <= minutes <= 60:
            raise ValueError
        out[DESK_LOCK_SETTING] = minutes
    except ValueError:
        issues[DESK_LOCK_SETTING] = "Thời gian tự khóa phải là số phút từ 1 đến 60"
    out[KIOSK_MODE_SETTING] = bool(values.get(KIOSK_MODE_SETTING, False))
    orientation = str(values.get(KIOSK_ORIENTATION_SETTING) or "auto")
    if orientation not in KIOSK_ORIENTATIONS:
        issues[KIOSK_ORIENTATION_SETTING] = "Hướng màn hình kiosk: tự động, dọc hoặc ngang"
    out[KIOSK_ORIENTATION_SETTING] = orientation


# ---------------------------------------------------------------------- answers as text
def answer_sections(form: Any, answers: Mapping[str, Any], lang: str = "vi") -> list[AnswerSection]:
    """A dossier's answers as the form's sections of label/value rows (unanswered left out)."""
    out = []
    for section in form.sections:
        sec = AnswerSection(section.title.get(lang))
        for f in section.fields:
            if f.id in answers and answers[f.id] not in (None, "", [], {}):
                sec.rows += _rows(form, f, answers[f.id], f.id, answers, lang, 0)
        if sec.rows:
            out.append(sec)
    return out


def _rows(
    form: Any, f: Any, value: Any, path: str, answers: Mapping[str, Any], lang: str, depth: int
) -> list[AnswerRow]:
    label = f.label.get(lang)
    if f.type == "person" and isinstance(value, Mapping):
        out = [AnswerRow(label, "", depth)]
        for sub in f.fields:
            if value.get(sub.id) not in (None, "", [], {}):
                sub_path = f"{path}.{sub.id}"
                out += _rows(form, sub, value[sub.id], sub_path, answers, lang, depth + 1)
        return out
    if f.type == "repeat" and isinstance(value, list):
        out = [AnswerRow(label, f"{len(value)} mục" if lang == "vi" else f"{len(value)}", depth)]
        for i, item in enumerate(value):
            out.append(AnswerRow(f"#{i + 1}", "", depth + 1))
            for sub in f.fields:
                if isinstance(item, Mapping) and item.get(sub.id) not in (None, "", [], {}):
                    sub_path = f"{path}[{i}].{sub.id}"
                    out += _rows(form, sub, item[sub.id], sub_path, answers, lang, depth + 2)
        return out
    return [AnswerRow(label, format_value(form, f, value, path, answers, lang), depth)]


def format_value(
    form: Any, f: Any, value: Any, path: str, answers: Mapping[str, Any], lang: str = "vi"
) -> str:
    """One answer as the clerk reads it: option labels, DD/MM/YYYY dates, grouped money."""
    if isinstance(value, bool) or f.type == "boolean":
        return ("Có" if value else "Không") if lang == "vi" else ("Yes" if value else "No")
    if f.type in ("choice", "multi_choice"):
        try:
            labels = {o.value: o.label.get(lang) for o in form.options_for(path, answers)}
        except Exception:  # noqa: BLE001 - an odd stored path still shows the raw value
            labels = {}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if f.type == "date" or (f.type == "computed" and f.value_type == "date"):
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if f.type == "money" and isinstance(value, int | float):
        return f"{int(value):,}".replace(",", ".") + " đ"
    if f.type == "address" and isinstance(value, Mapping):
        return format_address(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def format_address(value: Mapping[str, Any]) -> str:
    """``{province, commune, detail, legacy}`` as "detail, commune, province"."""
    from kiosk_app.core import admin_units  # the unit tables: not needed to paint the desk

    parts = [str(value.get("detail") or "").strip()]
    commune = admin_units.commune(value["commune"]) if value.get("commune") else None
    province = admin_units.province(value["province"]) if value.get("province") else None
    parts.append(commune.name if commune else str(value.get("commune") or ""))
    parts.append(province.name if province else str(value.get("province") or ""))
    if value.get("legacy"):
        parts.append(f"(địa chỉ cũ: {value['legacy']})")
    return ", ".join(p for p in parts if p)
