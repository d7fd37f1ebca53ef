"""Submit: choose a procedure, answer one question per screen, see the papers to bring, check
the answers, send. The dossier is stored through the intake with channel ``kiosk`` (status 1,
"submitted, documents to be checked"; the appointment is set when a clerk accepts it), then
the 80 mm slip with its signed QR is printed and the code shown big.

Answers are kept as a draft (channel ``kiosk``) after every screen, like at the desk, and the
draft is deleted when the citizen starts over or walks away (:meth:`SubmitFlow.close_flow`).
All store work runs on the TaskRunner, in order; the draft id lives in a box the worker fills,
so saves queued before the draft existed still find it.

A person's questions take the chip CCCD's QR from a keyboard-wedge scanner or, when the kiosk
has a camera, from the camera (:mod:`kiosk_app.ui.kiosk.qr_scan`); both go to
:meth:`SubmitFlow.apply_scan`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core import kiosk_session
from kiosk_app.core.session import kiosk_session as kiosk_role
from kiosk_app.ui.kiosk import questions as qs
from kiosk_app.ui.kiosk.card_scan import CardScan
from kiosk_app.ui.kiosk.procedures import ProcedureList, fee_summary, plain_name
from kiosk_app.ui.kiosk.slips import PrintFn
from kiosk_app.ui.kiosk.widgets import BigButton, Flow, NavState, clear_inputs, wrap_label
from kiosk_app.ui.widgets.editors import LineEditor

PICK, QUESTION, PAPERS, REVIEW, DONE = "pick", "question", "papers", "review", "done"


class SubmitFlow(CardScan, Flow):
    """``SubmitFlow(kiosk, runner, printer)``; ``procedure_code`` skips the list.
    ``rate_requested(code)`` when the citizen taps "rate" on the last page; ``submitted(code)``
    once the dossier is stored. ``cameras`` / ``frame_source``: as for the Check flow (None:
    ask Qt, at the first person question)."""

    rate_requested = Signal(str)
    submitted = Signal(str)

    def __init__(
        self,
        kiosk: Any,
        runner: Any,
        printer: PrintFn,
        lang: str = "vi",
        columns: int = 1,
        procedure_code: str | None = None,
        scanner: Any = None,
        cameras: list[Any] | None = None,
        frame_source: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        self.kiosk, self.runner, self.printer, self.lang = kiosk, runner, printer, lang
        self.columns = columns
        self.page = PICK
        self.procedure: Any = None
        self.form: Any = None
        self.all_questions: list[qs.Question] = []
        self.index = -1
        self.answers: dict[str, Any] = {}
        self.code: str | None = None
        self.editor: Any = None
        self.error_text = ""
        self._box: dict[str, str] = {}  # {"id": draft id}, filled on the worker
        self._closed = False
        self.scanner = scanner
        self._cameras, self.frame_source = cameras, frame_source
        self.scan: Any = None  # the camera page, made on first use
        if scanner is not None:
            scanner.scanned.connect(self.apply_scan)
        self.stack = QStackedWidget(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)
        self.list = ProcedureList(kiosk.catalog, lang, columns)
        self.list.chosen.connect(self.choose)
        self.stack.addWidget(self.list)
        self.body: QWidget | None = None
        if procedure_code:
            self.choose(procedure_code)

    # ------------------------------------------------------------------ set-up
    def choose(self, code: str) -> None:
        self.procedure = self.kiosk.catalog.get(code)
        self.form = self.procedure.form
        self.all_questions = qs.questions(self.form)
        self.answers = {}
        intake, box = self.kiosk.intake, self._box

        def start() -> str:
            box["id"] = intake.start_draft(code, channel="kiosk", session=kiosk_role())
            return box["id"]

        self.runner.run(start, None, self._failed)
        self.index = -1
        self._goto_question(self._next_index(-1))

    def _failed(self, exc: BaseException) -> None:
        if self._alive():
            self._show_error(getattr(exc, "message", None) or str(exc))

    def _alive(self) -> bool:
        return not self._closed and shiboken6.isValid(self)

    # ------------------------------------------------------------------ pages
    def _replace_body(self, widget: QWidget) -> None:
        old = self.body
        self.body = widget
        self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
        if old is not None:
            self.stack.removeWidget(old)
            clear_inputs(old)
            old.deleteLater()

    def _page(self) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(16)
        return page, v

    def relevant_questions(self) -> list[int]:
        return [
            i
            for i, q in enumerate(self.all_questions)
            if qs.is_relevant(self.form, q, self.answers)
        ]

    def _next_index(self, after: int) -> int | None:
        return next((i for i in self.relevant_questions() if i > after), None)

    def _prev_index(self, before: int) -> int | None:
        return next((i for i in reversed(self.relevant_questions()) if i < before), None)

    def _goto_question(self, index: int | None) -> None:
        if index is None:
            self._show_papers()
            return
        self.index, self.page = index, QUESTION
        q = self.all_questions[index]
        page, v = self._page()
        if q.parent is not None:
            v.addWidget(wrap_label(self.tr("Về: %1").replace("%1", q.parent.label.get(self.lang)),
                                   "questionContext"))  # fmt: skip
        self.question_label = wrap_label(q.field.label.get(self.lang), "questionLabel")
        v.addWidget(self.question_label)
        help_text = q.field.help.get(self.lang) if q.field.help else ""
        self.help_label = wrap_label(help_text, "questionHelp")
        self.help_label.setVisible(bool(help_text))
        v.addWidget(self.help_label)
        self.required = qs.is_required(self.form, q, self.answers)
        if not self.required:
            v.addWidget(
                wrap_label(self.tr("Không bắt buộc: nếu không có, bấm “Tiếp”."), "optionalNote")
            )
        value = qs.get_value(self.answers, q)
        if value is None:
            value = q.field.default
        self.editor = qs.kiosk_editor(self.form, q, self.answers, self.lang, self.columns)
        self.editor.set_value(value)
        self.editor.edited.connect(self._edited)
        if isinstance(self.editor, LineEditor):
            # Enter (the keyboard's ↵ key) answers the question, like "Tiếp"
            self.editor.line.returnPressed.connect(self.go_next)
        if q.field.type in ("repeat", "address", "long_text"):
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(self.editor)
            v.addWidget(scroll, 1)
        else:
            v.addWidget(self.editor, 1 if isinstance(self.editor, qs.ListChoiceEditor) else 0)
        self.error_label = wrap_label("", "errorText")
        self.error_label.hide()
        v.addWidget(self.error_label)
        if q.parent is not None and q.parent.type == "person" and self.scanner is not None:
            v.addWidget(
                wrap_label(
                    self.tr("Có thẻ căn cước gắn chip? Đưa mã QR trên thẻ vào máy quét."),
                    "optionalNote",
                )
            )
        if q.parent is not None and q.parent.type == "person" and self.cameras():
            self.camera_button = BigButton(self.tr("Quét mã QR trên thẻ căn cước"), page)
            self.camera_button.setObjectName("cameraButton")
            self.camera_button.clicked.connect(self.open_camera)
            v.addWidget(self.camera_button)
        if not isinstance(self.editor, qs.ListChoiceEditor) and q.field.type not in (
            "repeat",
            "address",
            "long_text",
        ):
            v.addStretch(1)  # (a list or a scroll area takes the room itself)
        self._replace_body(page)
        if self.scanner is not None:
            self.scanner.enabled = q.parent is not None and q.parent.type == "person"
        self.editor.focus_widget().setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()
        self.say.emit(self.speech_text())

    def _edited(self) -> None:
        if self.error_label.isVisible():
            self.error_label.hide()

    def current_question(self) -> qs.Question | None:
        return self.all_questions[self.index] if self.page == QUESTION else None

    def _store_current(self) -> list[Any]:
        """Take the editor's value into the answers; returns this question's errors."""
        q = self.current_question()
        if q is None:
            return []
        self.answers = qs.set_value(self.answers, q, self.editor.value())
        self.answers = self.form.compute(self.form.normalize(self.answers))
        result = self.form.validate(self.answers)
        return qs.issues_for(list(result.errors), q)

    def _show_error(self, text: str) -> None:
        self.error_text = unicodedata.normalize("NFC", text)
        label = getattr(self, "error_label", None)
        if label is not None and shiboken6.isValid(label):
            label.setText(self.error_text)
            label.show()
        self.say.emit(self.error_text)

    def _save_draft(self) -> None:
        intake, box = self.kiosk.intake, self._box
        answers, docs = dict(self.answers), self.documents()
        page = f"q{self.index}" if self.page == QUESTION else self.page

        def save() -> None:
            if box.get("id"):
                intake.save_step(box["id"], answers=answers, documents=docs, extra={"page": page})

        self.runner.run(save, None, lambda _exc: None)

    def _show_papers(self) -> None:
        self.page = PAPERS
        page, v = self._page()
        v.addWidget(wrap_label(self.tr("Mang theo các giấy tờ sau đến quầy một cửa:"),
                               "questionLabel"))  # fmt: skip
        for d in self.procedure.required_documents(self.answers):
            v.addWidget(wrap_label(f"• {d.name.get(self.lang)} ({d.count})", "bodyText"))
        v.addWidget(
            wrap_label(
                self.tr("Cán bộ sẽ kiểm tra giấy tờ rồi hẹn ngày trả kết quả."), "questionHelp"
            )
        )
        v.addStretch(1)
        self._replace_body(page)
        if self.scanner is not None:
            self.scanner.enabled = False
        self.changed.emit()
        self.say.emit(self.speech_text())

    def documents(self) -> list[dict[str, Any]]:
        """The papers this dossier must hand in, as the intake records them."""
        if self.procedure is None:
            return []
        return [
            {"id": d.id, "name": d.name.vi, "form": d.forms[0], "count": d.count}
            for d in self.procedure.required_documents(self.answers)
            if d.action == "submit"
        ]

    def _show_review(self) -> None:
        from kiosk_app.core.desk import answer_sections

        self.page = REVIEW
        page, v = self._page()
        v.addWidget(wrap_label(self.tr("Xem lại trước khi gửi"), "questionLabel"))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        iv = QVBoxLayout(inner)
        pruned = self.form.prune(self.answers)
        for sec in answer_sections(self.form, pruned, self.lang):
            iv.addWidget(wrap_label(sec.title, "groupTitle"))
            for row in sec.rows:
                text = f"{row.label}: {row.value}" if row.value else row.label
                lab = wrap_label(text, "bodyText")
                lab.setIndent(24 * row.depth)
                iv.addWidget(lab)
        iv.addWidget(wrap_label(self.tr("Lệ phí"), "groupTitle"))
        fee = self.procedure.fee_for(pruned)
        iv.addWidget(wrap_label(self._money(fee) if fee else fee_summary(self.procedure),
                                "bodyText"))  # fmt: skip
        iv.addStretch(1)
        scroll.setWidget(inner)
        v.addWidget(scroll, 1)
        self.error_label = wrap_label("", "errorText")
        self.error_label.hide()
        v.addWidget(self.error_label)
        self._replace_body(page)
        self.changed.emit()
        self.say.emit(self.speech_text())

    def _money(self, amount: int) -> str:
        from kiosk_app.ui.clerk import fee_text

        return fee_text(amount)

    # ------------------------------------------------------------------ submit
    def submit(self) -> None:
        if self.page != REVIEW or self.code is not None:
            return
        self._sending = True
        self.changed.emit()
        intake, box, code = self.kiosk.intake, self._box, self.procedure.code
        answers, docs = dict(self.answers), self.documents()

        def send() -> Any:
            return intake.submit(
                code, answers, docs, channel="kiosk", session=kiosk_role(), draft_id=box.get("id")
            )

        self.runner.run(send, self._submitted, self._submit_failed)

    def _submit_failed(self, exc: BaseException) -> None:
        if not self._alive():
            return
        self._sending = False
        message = getattr(exc, "message", None) or str(exc)
        issues = getattr(exc, "issues", None) or []
        lines = [message]
        for i in issues:
            msg = getattr(i, "message", i)
            lines.append("• " + (msg.get(self.lang) if hasattr(msg, "get") else str(msg)))
        self._show_error("\n".join(lines))
        self.changed.emit()

    def _submitted(self, result: Any) -> None:
        if not self._alive():
            return
        self._sending = False
        self.code = result.code
        self._box.pop("id", None)  # deleted with the submission
        self.page = DONE
        page, v = self._page()
        v.addWidget(wrap_label(self.tr("Đã gửi hồ sơ. Mã hồ sơ của bạn:"), "questionLabel"))
        code_label = wrap_label(self.code, "bigCode")
        code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        code_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        v.addWidget(code_label)
        self.print_label = wrap_label(self.tr("Đang in phiếu…"), "okText")
        v.addWidget(self.print_label)
        v.addWidget(
            wrap_label(
                self.tr(
                    "Mời bạn mang phiếu và giấy tờ đến quầy một cửa. Cán bộ kiểm tra giấy tờ "
                    "rồi hẹn ngày trả kết quả."
                ),
                "bodyText",
            )
        )
        row = QHBoxLayout()
        rate = BigButton(self.tr("Đánh giá sự hài lòng"), page)
        rate.clicked.connect(lambda: self.rate_requested.emit(self.code or ""))
        row.addWidget(rate)
        v.addLayout(row)
        v.addStretch(1)
        self._replace_body(page)
        self.changed.emit()
        self.submitted.emit(self.code)
        self.say.emit(self.speech_text())
        self.print_slip()

    def print_slip(self) -> None:
        from kiosk_app.receipts.issued import receipt_pdf

        kiosk, code, printer = self.kiosk, self.code, self.printer
        self.runner.run(
            lambda: printer(receipt_pdf(kiosk, code, fmt="80mm")), self._printed, self._no_print
        )

    def _printed(self, _result: Any) -> None:
        if self._alive() and self.page == DONE:
            self.print_label.setText(self.tr("Đã in phiếu. Mời bạn lấy phiếu ở khe máy in."))
            self.say.emit(self.print_label.text())

    def _no_print(self, exc: BaseException) -> None:
        if not (self._alive() and self.page == DONE):
            return
        reason = getattr(exc, "message", None) or str(exc)
        text = self.tr(
            "Máy in chưa in được phiếu (%1). Hãy ghi lại mã hồ sơ ở trên, hoặc nhờ cán bộ "
            "in lại phiếu."
        ).replace("%1", reason)
        self.print_label.setObjectName("errorText")
        self.print_label.style().unpolish(self.print_label)  # re-style as an error
        self.print_label.style().polish(self.print_label)
        self.print_label.setText(text)
        self.say.emit(text)

    # ------------------------------------------------------------------ navigation
    def nav(self) -> NavState:
        name = plain_name(self.procedure, self.lang) if self.procedure else ""
        if self.page == PICK:
            return NavState(self.tr("Nộp hồ sơ: chọn việc bạn cần làm"), next_text=None)
        rel = self.relevant_questions()
        total = len(rel) + 2
        if self.page == QUESTION:
            step = rel.index(self.index) + 1 if self.index in rel else 1
            if self.scanning():
                return NavState(self.tr("Quét thẻ căn cước"), next_text=None, step=step,
                                steps=total)  # fmt: skip
            return NavState(name, next_text=self.tr("Tiếp →"), step=step, steps=total)
        if self.page == PAPERS:
            return NavState(name, next_text=self.tr("Tiếp →"), step=total - 1, steps=total)
        if self.page == REVIEW:
            sending = getattr(self, "_sending", False)
            return NavState(
                name,
                next_text=self.tr("Gửi hồ sơ ✓"),
                next_enabled=not sending,
                step=total,
                steps=total,
            )
        return NavState(name, back=False, next_text=self.tr("Xong"))

    def go_next(self) -> None:
        if self.scanning():
            return
        if self.page == QUESTION:
            errors = self._store_current()
            if errors:
                self._show_error(
                    " · ".join(dict.fromkeys(e.message.get(self.lang) for e in errors))
                )
                return
            self._save_draft()
            self._goto_question(self._next_index(self.index))
        elif self.page == PAPERS:
            self._show_review()
        elif self.page == REVIEW:
            self.submit()
        elif self.page == DONE:
            self.done.emit()

    def go_back(self) -> None:
        if self.scanning():
            self.close_camera()
            return
        if self.page == PICK:
            self.done.emit()
        elif self.page == QUESTION:
            q = self.current_question()
            if q is not None:  # keep what was typed, even if not yet valid
                self.answers = qs.set_value(self.answers, q, self.editor.value())
            prev = self._prev_index(self.index)
            if prev is None:
                self._back_to_list()
            else:
                self._goto_question(prev)
        elif self.page == PAPERS:
            last = self._prev_index(len(self.all_questions))
            if last is None:
                self._back_to_list()
            else:
                self._goto_question(last)
        elif self.page == REVIEW:
            self._show_papers()

    def _back_to_list(self) -> None:
        self.close_flow(keep_open=True)
        self.page, self.procedure, self.form, self.answers = PICK, None, None, {}
        self.stack.setCurrentWidget(self.list)
        if self.body is not None:
            self.stack.removeWidget(self.body)
            clear_inputs(self.body)
            self.body.deleteLater()
            self.body = None
        self.changed.emit()

    def speech_text(self) -> str:
        if self.page == PICK:
            return self.tr("Hãy chạm vào việc bạn cần làm.")
        if self.page == QUESTION:
            q = self.current_question()
            parts = []
            if q.parent is not None:
                parts.append(q.parent.label.get(self.lang))
            parts.append(q.field.label.get(self.lang))
            if q.field.help:
                parts.append(q.field.help.get(self.lang))
            return ". ".join(parts)
        if self.page == PAPERS:
            docs = [d.name.get(self.lang) for d in self.procedure.required_documents(self.answers)]
            return self.tr("Mang theo các giấy tờ sau đến quầy một cửa:") + " " + "; ".join(docs)
        if self.page == REVIEW:
            return self.tr("Xem lại thông tin. Nếu đúng, bấm Gửi hồ sơ.")
        if self.page == DONE:
            spaced = " ".join(self.code or "")
            return self.tr("Đã gửi hồ sơ. Mã hồ sơ của bạn là %1.").replace("%1", spaced)
        return ""

    def close_flow(self, keep_open: bool = False) -> None:
        """Delete the unfinished draft (start over, idle wipe, back to the list)."""
        intake, box = self.kiosk.intake, self._box
        if self.code is None:
            self.runner.run(
                lambda: kiosk_session.discard_draft(intake, box.pop("id", None)),
                None,
                lambda _exc: None,
            )
        if self.scanner is not None:
            self.scanner.enabled = False
        if self.scan is not None:
            self.close_camera()
            if not keep_open:
                self.scan.shutdown()  # the camera goes off with the flow (wipe, start over)
        if not keep_open:
            self._closed = True
