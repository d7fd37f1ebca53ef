"""One dossier as the desk shows it: answers by section, documents, timeline, and actions.

Everything shown comes from the stored dossier (``intake.lookup`` through the TaskRunner), never
from screen state. The action buttons are the commune-side moves the lifecycle allows from the
dossier's status (hand over the result, record a supplement, withdraw…); each asks for what it
needs and a confirmation, then runs ``intake.transition`` off the GUI thread.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Signal
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

from kiosk_app.core.desk import EVENT_LABELS, Action, Desk, answer_sections
from kiosk_app.ui.clerk import doc_form_label, format_time_short


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

    def __init__(self, kiosk: Any, runner: Any, lang: str = "vi", parent=None) -> None:
        super().__init__(parent)
        self.kiosk = kiosk
        self.runner = runner
        self.lang = lang
        self.desk = Desk(kiosk.store, kiosk.intake)
        self.view: Any = None
        self.code: str | None = None
        self.actor = "clerk"

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
        body.addLayout(side, 2)
        layout.addLayout(body, 1)
        self.action_buttons: dict[str, QPushButton] = {}

    # ------------------------------------------------------------------ loading
    def load(self, code: str) -> None:
        """Look the dossier up off the GUI thread and show it."""
        self.code = code
        self.title.setText(code)
        intake = self.kiosk.intake
        self.runner.run(lambda: intake.lookup(code), self.show_view, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.subtitle.setText(getattr(exc, "message", None) or str(exc))

    def show_view(self, view: Any) -> None:
        if view is None:
            self.view = None
            self.subtitle.setText(self.tr("Không tìm thấy hồ sơ {code}").format(code=self.code))
            self.answers.clear()
            self.timeline.clear()
            self._set_actions([])
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
        self.answers.setHtml(self._answers_html(view, proc))
        self.timeline.setHtml(self._timeline_html(view))
        self._set_actions(self.desk.actions(d["status"]))

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
            to = e.get("to_status")
            status = self.desk.status_label(to, self.lang) if to is not None else ""
            extra = []
            data = e.get("data") or {}
            if data.get("reason"):
                extra.append(self.tr("Lý do: {r}").format(r=data["reason"]))
            if data.get("collected_by"):
                extra.append(
                    self.tr("Người nhận: {n}").format(n=data["collected_by"].get("full_name", ""))
                )
            if data.get("note"):
                extra.append(data["note"])
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
        values = self.ask(action)
        if values is None or self.code is None:
            return
        code, intake, actor = self.code, self.kiosk.intake, self.actor
        for b in self.action_buttons.values():
            b.setEnabled(False)

        def move() -> None:
            intake.transition(
                code,
                action.to_status,
                actor=actor,
                origin="commune",
                reason=values.get("reason"),
                data=values.get("data"),
            )

        def done(_: Any) -> None:
            self.changed.emit(code)
            self.load(code)

        self.runner.run(move, done, self._action_failed)

    def _action_failed(self, exc: BaseException) -> None:
        for b in self.action_buttons.values():
            b.setEnabled(True)
        self.notify(getattr(exc, "message", None) or str(exc))

    def notify(self, message: str) -> None:
        """Show a refusal to the clerk (tests replace it)."""
        QMessageBox.warning(self, self.tr("Không thực hiện được"), message)

    def print_current(self) -> None:
        """Reprint the receipt, rendered from the stored dossier by the receipt module."""
        if not self.code:
            return
        # Imported here: the PDF stack (reportlab) costs ~0.1 s and the desk starts without it.
        from kiosk_app.ui.clerk.receipt_view import show_receipt

        show_receipt(self, self.kiosk, self.code, reprint=True, runner=self.runner)
