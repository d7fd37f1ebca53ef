"""One dossier as the desk shows it: answers by section, documents, timeline, and actions.

Everything shown comes from the stored dossier (``intake.lookup`` through the TaskRunner), never
from screen state. The action buttons are the commune-side moves the lifecycle allows from the
dossier's status. The after-receipt ones (request or take a supplement, apologise for a late
result, hand it over, withdraw, refuse) open their dialog (:mod:`kiosk_app.ui.clerk.
aftercare_dialogs`), which runs the use-case off the GUI thread and, for the slips the law asks
for (Mẫu 02, the refusal, the apology), the page then opens the slip's preview to print. The
others (accepting a kiosk submission) ask for a confirmation and run ``intake.transition`` off
the GUI thread.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.aftercare import OPEN_FOR_APOLOGY, Aftercare
from kiosk_app.core.desk import EVENT_LABELS, Action, Desk, answer_sections
from kiosk_app.core.dossier import RETURNED
from kiosk_app.core.intake import VN_TZ
from kiosk_app.core.permissions import DESK_ACTIONS, event_permission
from kiosk_app.core.text import Text
from kiosk_app.ui.clerk import doc_form_label, format_time_short

# The moves that open their own dialog (kiosk_app.ui.clerk.aftercare_dialogs).
AFTERCARE_EVENTS = ("request_supplement", "supplement", "hand_over", "withdraw", "refuse")
APOLOGY = Action(-1, "apology", Text("Xin lỗi, hẹn lại", "Apologise, new date"), None)


class ActionDialog(QDialog):
    """Asks what an action needs (who collected the result, a reason, a note) and confirms."""

    def __init__(self, action: Action, code: str, lang: str = "vi", parent=None) -> None:
        super().__init__(parent)
        self.action = action
        self.setWindowTitle(action.label.get(lang))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr("Hồ sơ {code}: {action}?").format(code=code, action=action.label.get(lang))
            )
        )
        form = QFormLayout()
        self.name = QLineEdit()
        self.id_number = QLineEdit()
        self.text = QLineEdit()
        if action.needs == "collector":
            form.addRow(self.tr("Người nhận kết quả"), self.name)
            form.addRow(self.tr("Số CCCD người nhận"), self.id_number)
        elif action.needs in ("reason", "note"):
            form.addRow(
                self.tr("Lý do") if action.needs == "reason" else self.tr("Ghi chú"), self.text
            )
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Xác nhận"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Hủy"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        """``{"reason": ..., "data": {...}}`` for ``intake.transition``."""
        if self.action.needs == "collector":
            collector = {"full_name": self.name.text().strip()}
            if self.id_number.text().strip():
                collector["id_number"] = self.id_number.text().strip()
            return {"reason": None, "data": {"collected_by": collector}}
        text = self.text.text().strip()
        if self.action.needs == "reason":
            return {"reason": text, "data": {}}
        return {"reason": None, "data": {"note": text} if text else {}}

    def _accept(self) -> None:
        if self.action.needs == "collector" and not self.name.text().strip():
            self.error.setText(self.tr("Cần ghi tên người nhận kết quả"))
            return
        if self.action.needs == "reason" and not self.text.text().strip():
            self.error.setText(self.tr("Cần ghi lý do"))
            return
        self.accept()


class DossierPage(QWidget):
    """Shows one dossier; ``changed(code)`` after an action was recorded."""

    changed = Signal(str)
    back_requested = Signal()

    def __init__(
        self, kiosk: Any, runner: Any, lang: str = "vi", parent=None, *, session: Any = None
    ) -> None:
        """``session``: the logged-in account — the actor of every action taken here; opening
        a dossier is audited with it; actions its role may not take are not offered."""
        super().__init__(parent)
        self.kiosk = kiosk
        self.runner = runner
        self.lang = lang
        self.desk = Desk(kiosk.store, kiosk.intake)
        self.care = Aftercare(kiosk.intake)
        self.dialog: Any = None  # the after-receipt dialog open now (tests drive it)
        self.slip_dialog: Any = None  # the last slip preview opened
        self._last_dialog: Any = None
        self.cameras: list[Any] | None = None  # found on first use (tests set [])
        self.view: Any = None
        self.code: str | None = None
        self.session = session

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        self.back_button = QPushButton(self.tr("← Danh sách (Esc)"))
        self.back_button.clicked.connect(self.back_requested)
        top.addWidget(self.back_button)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        top.addWidget(self.title, 1)
        self.status_badge = QLabel()
        self.status_badge.setObjectName("statusBadge")
        top.addWidget(self.status_badge)
        layout.addLayout(top)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)

        body = QHBoxLayout()
        self.answers = QTextBrowser()
        self.answers.setObjectName("answers")
        body.addWidget(self.answers, 3)
        side = QVBoxLayout()
        self.timeline = QTextBrowser()
        self.timeline.setObjectName("timeline")
        side.addWidget(QLabel(self.tr("Tiến trình")))
        side.addWidget(self.timeline, 1)
        self.actions_box = QVBoxLayout()
        side.addLayout(self.actions_box)
        self.reprint_button = QPushButton(self.tr("In lại phiếu hẹn (Ctrl+P)"))
        self.reprint_button.clicked.connect(self.print_current)
        side.addWidget(self.reprint_button)
        # Once the result is handed over, the citizen may rate the service at the counter.
        self.rate_button = QPushButton(self.tr("Mời công dân đánh giá"))
        self.rate_button.clicked.connect(self.open_rating)
        self.rate_button.hide()
        self.rating_dialog: Any = None
        side.addWidget(self.rate_button)
        self._set_reprint()
        body.addLayout(side, 2)
        layout.addLayout(body, 1)
        self.action_buttons: dict[str, QPushButton] = {}

    # ------------------------------------------------------------------ loading
    def set_session(self, session: Any) -> None:
        self.session = session
        self._set_reprint()

    def _set_reprint(self) -> None:
        from kiosk_app.core.permissions import RECEIPT

        self.reprint_button.setVisible(self.session is None or self.session.can(RECEIPT))

    def load(self, code: str, *, opened: bool = True) -> None:
        """Look the dossier up off the GUI thread and show it. ``opened``: the clerk opened it
        (audited as a view of the citizen's record); False for a refresh after an action."""
        self.code = code
        self.title.setText(code)
        desk, intake, session = self.desk, self.kiosk.intake, self.session

        def work() -> Any:
            return desk.open_dossier(code, session) if opened else intake.lookup(code)

        self.runner.run(work, self.show_view, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.subtitle.setText(getattr(exc, "message", None) or str(exc))

    def show_view(self, view: Any) -> None:
        if view is None:
            self.view = None
            self.subtitle.setText(self.tr("Không tìm thấy hồ sơ {code}").format(code=self.code))
            self.answers.clear()
            self.timeline.clear()
            self._set_actions([])
            self.rate_button.hide()
            return
        self.view = view
        d = view.dossier
        self.code = d["code"]
        proc = self.kiosk.catalog.procedures.get(d["procedure_code"])
        self.title.setText(d["code"])
        self.status_badge.setText(self.desk.status_label(d["status"], self.lang))
        self.subtitle.setText(
            self.tr("{proc} · Người nộp: {name} · Nhận lúc {received} · Hẹn trả {due}").format(
                proc=proc.name.get(self.lang) if proc else d["procedure_code"],
                name=d["applicant_name"],
                received=format_time_short(d["received_at"]),
                due=format_time_short(d.get("appointment_at")) or "—",
            )
        )
        self.rate_button.setVisible(d["status"] == RETURNED)
        self.answers.setHtml(self._answers_html(view, proc))
        self.timeline.setHtml(self._timeline_html(view))
        session = self.session
        actions = [
            a
            for a in self.desk.actions(d["status"])
            if session is None or session.can(event_permission(a.event))
        ]
        if self.apology_due(d) and (session is None or session.can(DESK_ACTIONS)):
            actions.append(APOLOGY)
        self._set_actions(actions)

    def apology_due(self, d: dict[str, Any]) -> bool:
        """Still owed a result and its appointment day has come (the core's own rule)."""
        at = d.get("appointment_at")
        if d["status"] not in OPEN_FOR_APOLOGY or not at:
            return False
        today = self.kiosk.intake.clock().astimezone(VN_TZ).date()
        return datetime.fromisoformat(at).astimezone(VN_TZ).date() <= today

    def _answers_html(self, view: Any, proc: Any) -> str:
        esc = html.escape
        parts = []
        if proc is not None and proc.form is not None:
            for sec in answer_sections(proc.form, view.dossier["answers"], self.lang):
                parts.append(f"<h3>{esc(sec.title)}</h3><table cellspacing='0' cellpadding='3'>")
                for r in sec.rows:
                    pad = 16 * r.depth
                    label = f"<b>{esc(r.label)}</b>" if not r.value else esc(r.label)
                    parts.append(
                        f"<tr><td style='padding-left:{pad}px; color:#4a5866' width='260'>"
                        f"{label}</td><td>{esc(r.value)}</td></tr>"
                    )
                parts.append("</table>")
        parts.append(f"<h3>{esc(self.tr('Giấy tờ đã nộp'))}</h3><ul>")
        for doc in view.documents:
            form = doc_form_label(doc.get("form"))
            parts.append(f"<li>{esc(doc['name'])} — {esc(form)} × {doc.get('count', 1)}</li>")
        if not view.documents:
            parts.append(f"<li>{esc(self.tr('(không có)'))}</li>")
        parts.append("</ul>")
        if view.attachments:
            parts.append(f"<h3>{esc(self.tr('Tệp đính kèm'))}</h3><ul>")
            for a in view.attachments:
                size = f"{(a.get('size') or 0) // 1024} KB"
                parts.append(f"<li>{esc(a['name'])} ({esc(size)})</li>")
            parts.append("</ul>")
        d = view.dossier
        parts.append(
            "<p>"
            + esc(self.tr("Lệ phí: {fee} · Nhận kết quả: {delivery}"))
            .replace("{fee}", f"{d.get('fee', 0):,}".replace(",", ".") + " đ")
            .replace(
                "{delivery}",
                self.tr("tại bộ phận một cửa")
                if d.get("delivery") == "desk"
                else self.tr("qua bưu chính"),
            )
            + "</p>"
        )
        return "".join(parts)

    def _timeline_html(self, view: Any) -> str:
        esc = html.escape
        rows = []
        for e in view.events:
            label = EVENT_LABELS.get(e["kind"])
            text = label.get(self.lang) if label else e["kind"]
            if e["kind"] == "apology":  # not a lifecycle move: the status stays
                text = self.tr("Xin lỗi, hẹn lại ngày trả kết quả")
            to = e.get("to_status")
            status = self.desk.status_label(to, self.lang) if to is not None else ""
            extra = event_details(e.get("data") or {})
            who = f" · {e['actor']}" if e.get("actor") else ""
            rows.append(
                f"<p><b>{esc(format_time_short(e['at']))}</b>{esc(who)}<br>{esc(text)}"
                + (f" → <i>{esc(status)}</i>" if status else "")
                + "".join(f"<br>{esc(x)}" for x in extra)
                + "</p>"
            )
        return "".join(rows)

    # ------------------------------------------------------------------ actions
    def _set_actions(self, actions: list[Action]) -> None:
        for b in self.action_buttons.values():
            self.actions_box.removeWidget(b)
            b.deleteLater()
        self.action_buttons = {}
        for a in actions:
            b = QPushButton(a.label.get(self.lang))
            b.setObjectName("action_" + a.event)
            b.clicked.connect(lambda _=False, a=a: self.start_action(a))
            self.actions_box.addWidget(b)
            self.action_buttons[a.event] = b

    def ask(self, action: Action) -> dict[str, Any] | None:
        """What the action needs, confirmed by the clerk; None when cancelled. (Tests replace
        this method to answer without a modal dialog.)"""
        dialog = ActionDialog(action, self.code or "", self.lang, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def start_action(self, action: Action) -> None:
        if action.event in AFTERCARE_EVENTS or action is APOLOGY:
            self.open_aftercare(action.event)
            return
        values = self.ask(action)
        if values is None or self.code is None:
            return
        code, intake, session = self.code, self.kiosk.intake, self.session
        for b in self.action_buttons.values():
            b.setEnabled(False)

        def move() -> None:
            intake.transition(
                code,
                action.to_status,
                session=session,
                origin="commune",
                reason=values.get("reason"),
                data=values.get("data"),
            )

        def done(_: Any) -> None:
            self.changed.emit(code)
            self.load(code, opened=False)

        self.runner.run(move, done, self._action_failed)

    def _action_failed(self, exc: BaseException) -> None:
        for b in self.action_buttons.values():
            b.setEnabled(True)
        self.notify(getattr(exc, "message", None) or str(exc))

    def open_aftercare(self, event: str) -> None:
        """Open the dialog of an after-receipt move (``event``: a lifecycle event, or
        ``apology``); the apology's default date is computed off the GUI thread first."""
        from kiosk_app.ui.clerk import aftercare_dialogs as dialogs

        if self.view is None or self.code is None:
            return
        d, code, runner, session = self.view.dossier, self.code, self.runner, self.session
        if self.cameras is None and event in ("supplement", "hand_over"):
            from kiosk_app.ui.widgets.camera import cameras

            self.cameras = cameras()
        if event == "apology":
            intake = self.kiosk.intake

            def default() -> datetime:
                cal = intake.calendar
                today = intake.clock().astimezone(VN_TZ).date()
                day = cal.next_working_day(today)
                return datetime.combine(day, cal.hours.due_time, VN_TZ)

            def show(when: datetime) -> None:
                self._show_dialog(
                    dialogs.ApologyDialog(
                        self.care, code, runner, session, when, d.get("appointment_at"), self
                    )
                )

            runner.run(default, show, self._action_failed)
            return
        if event == "request_supplement":
            proc = self.kiosk.catalog.procedures.get(d["procedure_code"])
            names = [doc.name.get(self.lang) for doc in proc.documents] if proc else []
            dialog: Any = dialogs.SupplementRequestDialog(
                self.care, code, runner, session, names, self
            )
        elif event == "supplement":
            asked = [e for e in self.view.events if e["kind"] == "request_supplement"]
            missing = (asked[-1].get("data") or {}).get("missing", []) if asked else []
            dialog = dialogs.SupplementReceiveDialog(
                self.care, self.kiosk, code, runner, session, missing, self.cameras, self
            )
        elif event == "hand_over":
            dialog = dialogs.HandOverDialog(
                self.care,
                self.kiosk,
                code,
                runner,
                session,
                d.get("applicant_name") or "",
                self.cameras,
                self,
            )
        else:
            dialog = dialogs.ReasonDialog(self.care, code, runner, session, event, self)
        self._show_dialog(dialog)

    def _show_dialog(self, dialog: Any) -> None:
        # the previous dialog is kept until the next one opens (its outcome stays readable)
        if self._last_dialog is not None and shiboken6.isValid(self._last_dialog):
            self._last_dialog.deleteLater()
        self.dialog = self._last_dialog = dialog
        dialog.succeeded.connect(lambda _o, dialog=dialog: self._aftercare_done(dialog))
        dialog.open()

    def _aftercare_done(self, dialog: Any) -> None:
        code = dialog.code
        self.changed.emit(code)
        self.load(code, opened=False)
        slip = dialog.slip() if hasattr(dialog, "slip") else None
        if slip is not None:
            from kiosk_app.ui.clerk.aftercare_slip import show_slip

            kind, extra = slip
            self.slip_dialog = show_slip(
                self, self.kiosk, code, kind, extra, runner=self.runner, session=self.session
            )

    def notify(self, message: str) -> None:
        """Show a refusal to the clerk (tests replace it)."""
        QMessageBox.warning(self, self.tr("Không thực hiện được"), message)

    def open_rating(self) -> Any:
        """Open the desk rating dialog for the dossier shown (stored on the runner)."""
        if not self.code:
            return None
        from kiosk_app.ui.clerk.rating_dialog import open_rating

        self.rating_dialog = open_rating(self, self.kiosk, self.code, self.runner)
        return self.rating_dialog

    def print_current(self) -> None:
        """Reprint the receipt, rendered from the stored dossier by the receipt module."""
        if not self.code:
            return
        # Imported here: the PDF stack (reportlab) costs ~0.1 s and the desk starts without it.
        from kiosk_app.ui.clerk.receipt_view import show_receipt

        show_receipt(
            self, self.kiosk, self.code, reprint=True, runner=self.runner, session=self.session
        )


def event_details(data: dict[str, Any]) -> list[str]:
    """The lines a timeline entry shows under its label: what was asked, why, who collected,
    the appointment it moved to (the event's stored data)."""
    out = []
    missing = data.get("missing") or []
    if missing:
        out.append(
            QCoreApplication.translate("DossierPage", "Cần bổ sung: {items}").format(
                items="; ".join(missing)
            )
        )
    if data.get("reason"):
        out.append(QCoreApplication.translate("DossierPage", "Lý do: {r}").format(r=data["reason"]))
    docs = data.get("documents") or []
    if docs:
        out.append(
            QCoreApplication.translate("DossierPage", "Đã nhận: {items}").format(
                items="; ".join(
                    f"{x.get('name')} ({doc_form_label(x.get('form'))} × {x.get('count', 1)})"
                    for x in docs
                )
            )
        )
    who = data.get("collected_by")
    if isinstance(who, dict):
        name = who.get("name") or who.get("full_name") or ""
        line = QCoreApplication.translate("DossierPage", "Người nhận: {n}").format(n=name)
        if who.get("relation"):
            line += f" ({who['relation']})"
        if who.get("id_number"):
            line += " · " + QCoreApplication.translate("DossierPage", "CCCD {n}").format(
                n=who["id_number"]
            )
        out.append(line)
    if data.get("result_attachment"):
        out.append(QCoreApplication.translate("DossierPage", "Có bản scan kết quả"))
    if data.get("previous_appointment_at") and data.get("appointment_at"):
        out.append(
            QCoreApplication.translate("DossierPage", "Hẹn trả: {old} → {new}").format(
                old=format_time_short(data["previous_appointment_at"]),
                new=format_time_short(data["appointment_at"]),
            )
        )
    if data.get("note"):
        out.append(str(data["note"]))
    return out
