"""The clerk's intake wizard: applicant → form sections → documents → fee → review → receipt.

Every edit lands in the draft (``intake.save_step``) after a short pause (``SAVE_DELAY_MS``), run
on the TaskRunner, so a power cut loses at most the last few keystrokes and a wizard reopened
with ``draft_id`` shows everything again. Submission is ``intake.submit_draft`` on the runner;
the receipt is then rendered from the stored dossier. The wizard never touches the store itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.applicant import APPLICANT_FIELD
from kiosk_app.ui.clerk.wizard_applicant import ApplicantPage, ApplicantSteps
from kiosk_app.ui.clerk.wizard_documents import DocumentsPage, store_file_now
from kiosk_app.ui.clerk.wizard_draft import DraftSaver
from kiosk_app.ui.clerk.wizard_fee import FeePage
from kiosk_app.ui.clerk.wizard_keys import (  # noqa: F401 - step keys re-exported for callers
    APPLICANT,
    DOCUMENTS,
    FEE,
    RECEIPT,
    REVIEW,
    leaves_page,
)
from kiosk_app.ui.clerk.wizard_nav import WizardNavigation
from kiosk_app.ui.clerk.wizard_review import ReviewPage, summary_groups
from kiosk_app.ui.scanner import CccdScanner
from kiosk_app.ui.widgets.form_view import FormSectionView, parse_path

BUILD_PAUSE_MS = 5  # between two pieces of a wizard's build (see _build_step)


def warm_lists(form: Any) -> None:
    """Load every code list ``form`` can ask for (ethnic groups, nationalities, provinces and
    the admin-unit data behind them…), so building its pages on the GUI thread finds them
    cached: the admin units alone take ~0.3 s to read. Any thread; a list that fails to load
    is left for the build to report."""
    lists = form.lists
    names = lists.names() if hasattr(lists, "names") else set()
    for name in sorted(names):
        try:
            lists(name, None)
        except Exception:  # noqa: BLE001,S112 - the build shows the field empty instead
            continue


class IntakeWizard(WizardNavigation, ApplicantSteps, QWidget):
    """``IntakeWizard(kiosk, runner, procedure_code=...)`` starts a new draft;
    ``draft_id=...`` resumes one. ``ready`` fires once pages exist; ``finished(code)`` after
    the receipt step, ``cancelled()`` when the clerk leaves (the draft is kept)."""

    finished = Signal(str)
    cancelled = Signal()
    ready = Signal()
    saved = Signal()
    submit_failed = Signal(str)

    def __init__(
        self,
        kiosk: Any,
        runner: Any,
        procedure_code: str | None = None,
        draft_id: str | None = None,
        lang: str = "vi",
        parent: QWidget | None = None,
        *,
        scanner: CccdScanner | None = None,
        session: Any = None,
    ) -> None:
        """``session``: the logged-in account — the draft's and the dossier's actor (its role
        is checked by the use-cases)."""
        super().__init__(parent)
        self.session = session
        if not procedure_code and not draft_id:
            raise ValueError("IntakeWizard needs a procedure_code or a draft_id")
        self.kiosk, self.runner, self.lang = kiosk, runner, lang
        self.draft_id = draft_id
        self.procedure: Any = None
        self.form: Any = None
        self.answers: dict[str, Any] = {}
        self.code: str | None = None
        self.keys: list[str] = []  # set once every page exists
        self._keys: list[str] = []
        self.pages: dict[str, QWidget] = {}
        self.views: dict[str, FormSectionView] = {}
        self._touched: set[str] = set()
        self.saver = DraftSaver(runner, kiosk.intake, self.payload, self)
        self.saver.saved.connect(self.saved)
        self.saver.failed.connect(
            lambda msg: self.message.setText(
                self.tr("Chưa lưu được bản nháp: %1").replace("%1", msg)
            )
        )
        self.scanner = scanner or CccdScanner(self)
        self._own_scanner = scanner is None
        if self._own_scanner:
            self.scanner.enabled = False  # until a page with a person to fill is shown
        self.scanner.scanned.connect(self.apply_scan)
        self._built = False
        self._building: Any = None
        self._build_frame()
        if draft_id:
            runner.run(lambda: kiosk.intake.draft(draft_id), self._draft_loaded, self._fatal)
        else:
            proc = kiosk.catalog.get(procedure_code)
            build = lambda *_: self._build(procedure_code)  # noqa: E731 - same either way
            runner.run(lambda: warm_lists(proc.form), build, build)
            runner.run(
                lambda: kiosk.intake.start_draft(procedure_code, channel="desk", session=session),
                self._draft_started,
                self._fatal,
            )

    # ------------------------------------------------------------------ frame
    def _build_frame(self) -> None:
        self.steps = QListWidget()
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.steps.setMaximumWidth(230)
        # long section titles wrap instead of hiding behind a horizontal scroll bar
        self.steps.setWordWrap(True)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.heading = QLabel(self.tr("Đang mở hồ sơ…"))
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.stack = QStackedWidget()
        self.message = QLabel()
        self.message.setObjectName("wizard_message")
        self.message.setWordWrap(True)
        self.back_button = QPushButton(self.tr("← Quay lại"))
        self.next_button = QPushButton(self.tr("Tiếp →"))
        self.submit_button = QPushButton(self.tr("Nộp hồ sơ"))
        self.done_button = QPushButton(self.tr("Hoàn tất"))
        self.print_button = QPushButton(self.tr("In giấy tiếp nhận"))
        self.cancel_button = QPushButton(self.tr("Hủy"))
        self.back_button.clicked.connect(self.go_back)
        # Slots must return None: a bool handed back to PySide6 from a slot is decref'd once too
        # often (seen as "bool_dealloc" aborts at exit).
        self.next_button.clicked.connect(self._next_clicked)
        self.submit_button.clicked.connect(self.submit)
        self.done_button.clicked.connect(self._done)
        self.print_button.clicked.connect(self.print_current)
        self.cancel_button.clicked.connect(self.cancel)
        self.next_button.setDefault(True)
        for b in (self.next_button, self.submit_button, self.done_button):
            b.setAutoDefault(True)  # Enter on a focused primary button presses it
        QShortcut(QKeySequence("Ctrl+Return"), self, self._next_clicked)
        QShortcut(QKeySequence("Alt+Left"), self, self.go_back)
        nav = QHBoxLayout()
        nav.addWidget(self.cancel_button)
        nav.addStretch(1)
        for b in (self.back_button, self.next_button, self.submit_button):
            nav.addWidget(b)
        nav.addWidget(self.print_button)
        nav.addWidget(self.done_button)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.stack, 1)
        right.addWidget(self.message)
        right.addLayout(nav)
        layout = QHBoxLayout(self)
        layout.addWidget(self.steps)
        layout.addLayout(right, 1)
        for b in (self.back_button, self.next_button, self.submit_button):
            b.setEnabled(False)
        self.print_button.hide()
        self.done_button.hide()

    def _build(self, procedure_code: str, then: Any = None) -> None:
        """Build the pages a section per event-loop turn, then ``then()``; ``ready`` fires once
        the pages exist and the draft is known.

        A large form takes ~150 ms to build; in one go that froze the desk (typing, the
        scanner, repaints) for that long. Each turn stays well under 50 ms
        (bench/gui_stalls.py), and ``keys`` is only set when every page exists.
        """
        self._building = self._build_parts(procedure_code)
        self._build_then = then
        self._build_step()

    def _build_step(self) -> None:
        if not shiboken6.isValid(self) or self._building is None:
            return
        try:
            next(self._building)
        except StopIteration:
            self._building = None
            self._built = True
            if self._build_then is not None:
                self._build_then()
            elif self.draft_id is not None:
                self.ready.emit()
            return
        # A short pause, not 0: zero-timers run back to back in one pass of the event loop, so
        # typing and repaints would still wait for the whole build (seen in bench/gui_stalls).
        QTimer.singleShot(BUILD_PAUSE_MS, self._build_step)

    def _build_parts(self, procedure_code: str) -> Iterator[None]:
        self.procedure = self.kiosk.catalog.get(procedure_code)
        self.form = self.procedure.form
        self.heading.setText(f"{self.procedure.name.get(self.lang)} ({self.procedure.code})")
        try:
            requester_section = self.form.section_of(APPLICANT_FIELD).id
        except (KeyError, ValueError):
            requester_section = None
        titles = {APPLICANT: self.tr("Người nộp hồ sơ")}
        req_view = self._section_view(requester_section) if requester_section else None
        yield  # the requester's block alone is the largest piece of the first page
        self.applicant_page = ApplicantPage(req_view)
        self.applicant_page.lookup_requested.connect(self._lookup_applicant)
        self.applicant_page.prefill_accepted.connect(self._accept_prefill)
        self._add_page(APPLICANT, self.applicant_page)
        for s in self.form.sections:
            if s.id == requester_section:
                continue
            yield
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(self._section_view(s.id))
            key = f"section:{s.id}"
            titles[key] = s.title.get(self.lang)
            self._add_page(key, scroll)
        yield
        self.documents_page = DocumentsPage(
            self.procedure, self.runner, self.kiosk.files, self.lang
        )
        self.documents_page.changed.connect(self._changed)
        self.documents_page.changed.connect(self.message.clear)  # the blocker list is stale
        yield
        self.fee_page = FeePage(self.procedure, self.lang)
        self.fee_page.changed.connect(self._changed)
        self.review_page = ReviewPage(self.edit_step)
        self.receipt_host = QWidget()
        QVBoxLayout(self.receipt_host)
        self.receipt: Any = None
        for key, page, title in (
            (DOCUMENTS, self.documents_page, self.tr("Thành phần hồ sơ")),
            (FEE, self.fee_page, self.tr("Lệ phí, trả kết quả")),
            (REVIEW, self.review_page, self.tr("Kiểm tra và nộp")),
            (RECEIPT, self.receipt_host, self.tr("Giấy tiếp nhận")),
        ):
            titles[key] = title
            self._add_page(key, page)
        self.titles = titles
        yield
        # Editors show the form's defaults (e.g. "father known" ticked): they are answers too.
        shown: dict[str, Any] = {}
        for view in self.views.values():
            shown.update(view.answers())
        self.answers = self.form.compute(self.form.normalize(shown))
        for key in self._keys:
            self.steps.addItem(titles[key])
        self.keys = self._keys
        self._show(APPLICANT)

    def _section_view(self, section_id: str) -> FormSectionView:
        view = FormSectionView(self.form, section_id, self.lang, store_file=self._store_file)
        view.changed.connect(
            lambda fid, value, sid=section_id: self._field_changed(sid, fid, value)
        )
        self.views[section_id] = view
        return view

    def _add_page(self, key: str, page: QWidget) -> None:
        self._keys.append(key)
        self.pages[key] = page
        self.stack.addWidget(page)

    def _store_file(self, path: str) -> dict:
        # The form view's callback is synchronous; a scanned page copies in well under a second.
        return store_file_now(self.kiosk.files, Path(path))

    # ------------------------------------------------------------------ draft
    def _draft_started(self, draft_id: str) -> None:
        self.draft_id = self.saver.draft_id = draft_id
        if not self._built:
            return  # the build's end emits ready
        if self.saver.dirty:
            self.save_now()
        self._set_nav()
        self.ready.emit()

    def _draft_loaded(self, draft: dict | None) -> None:
        if draft is None:
            self._fatal(RuntimeError(self.tr("Không tìm thấy hồ sơ nháp")))
            return
        self._build(draft["procedure_code"], then=lambda: self._apply_draft(draft))

    def _apply_draft(self, draft: dict) -> None:
        self.answers = self.form.compute(self.form.normalize(draft["answers"]))
        self.answers = {k: v for k, v in self.answers.items() if v is not None}
        self.saver.draft_id = self.draft_id
        self.saver.saved_keys = set(draft["answers"])
        extra = draft.get("extra") or {}
        for view in self.views.values():
            view.set_answers(self.answers)
        self.applicant_page.id_edit.setText(extra.get("id_number") or self._requester_id() or "")
        self.documents_page.set_state(
            draft.get("documents") or [], extra.get("presented", []), extra.get("attachments", [])
        )
        self.fee_page.set_state(extra.get("payment"), extra.get("delivery"))
        page = extra.get("wizard_page")
        self._show(page if page in self.pages and page != RECEIPT else APPLICANT)
        self.ready.emit()

    def _fatal(self, exc: BaseException) -> None:
        self._say(getattr(exc, "message", None) or str(exc), error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")

    def _requester_id(self) -> str | None:
        person = self.answers.get(APPLICANT_FIELD)
        return person.get("id_number") if isinstance(person, dict) else None

    def _changed(self) -> None:
        self.saver.schedule()

    def has_unsaved(self) -> bool:
        """True while edits wait for (or are being written to) the draft."""
        return self.code is None and self.saver.pending

    def payload(self) -> dict[str, Any]:
        """What the draft gets: answers, checklist, fee choices and the page reached."""
        key = self.current_key()
        step = key.split(":", 1)[1] if key and key.startswith("section:") else None
        return {
            "step": step,
            "answers": dict(self.answers),
            "documents": self.documents_page.documents(),
            "extra": {
                "wizard_page": key,
                "id_number": self.applicant_page.id_edit.text().strip() or None,
                "presented": self.documents_page.presented(),
                "attachments": self.documents_page.attachments(),
                "payment": self.fee_page.payment(),
                "delivery": self.fee_page.delivery(),
            },
        }

    def save_now(self) -> Any:
        """Write pending edits to the draft now (queued on the runner, in order); returns the
        save's Future, or None."""
        if self.procedure is not None and self.code is None:
            return self.saver.save_now()
        return None

    # ------------------------------------------------------------------ form loop
    def _field_changed(self, section_id: str, field_id: str, value: Any) -> None:
        self._touched.add(field_id)
        merged = dict(self.answers)
        if value is None:
            merged.pop(field_id, None)
        else:
            merged[field_id] = value
        self.answers = self.form.compute(self.form.normalize(merged))
        self.views[section_id].refresh(self.answers)
        self._check_section(section_id, all_fields=False)
        person = value if field_id == APPLICANT_FIELD and isinstance(value, dict) else {}
        if person.get("id_number") and not self.applicant_page.id_edit.hasFocus():
            self.applicant_page.id_edit.setText(str(person["id_number"]))
        self._changed()

    def _check_section(self, section_id: str, all_fields: bool) -> list:
        result = self.form.validate(self.answers, section=section_id)
        errors, warnings = list(result.errors), list(result.warnings)
        if not all_fields:
            errors = [i for i in errors if parse_path(i.path)[0][0] in self._touched]
            warnings = [i for i in warnings if parse_path(i.path)[0][0] in self._touched]
        self.views[section_id].show_issues(errors, warnings)
        return list(result.errors)

    # ------------------------------------------------------------------ navigation
    def _summary(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        return summary_groups(self)

    # ------------------------------------------------------------------ submit / receipt
    def submit(self) -> None:
        """Save, then submit the draft on the runner; errors are listed on the review page."""
        if self.draft_id is None or self.code is not None:
            return
        missing = self.documents_page.missing(self.answers)
        if missing:
            self.review_page.error.setText(
                self.tr("Còn thiếu giấy tờ bắt buộc: %1").replace("%1", "; ".join(missing))
            )
            return
        save = self.save_now()
        self.submit_button.setEnabled(False)
        draft_id, intake, session = self.draft_id, self.kiosk.intake, self.session

        def work() -> Any:
            # The runner has one worker, in order: the save above has finished. If it failed
            # (a full disk), the stored draft is older than the screen: submitting it would
            # refuse with the wrong reasons, or store stale answers.
            if save is not None and save.exception() is not None:
                raise save.exception()
            return intake.submit_draft(draft_id, session=session)

        self.runner.run(work, self._submitted, self._submit_error)

    def _submit_error(self, exc: BaseException) -> None:
        message = getattr(exc, "message", None) or str(exc)
        issues = getattr(exc, "issues", None) or []
        lines = [message] + [
            f"• {getattr(i, 'path', '')}: {getattr(getattr(i, 'message', ''), 'vi', i)}"
            if hasattr(i, "path")
            else f"• {i}"
            for i in issues
        ]
        text = unicodedata.normalize("NFC", "\n".join(lines))
        self.review_page.error.setText(text)
        self.submit_button.setEnabled(True)
        self.submit_failed.emit(text)

    def _submitted(self, result: Any) -> None:
        self.code = result.code
        self.saver.close()
        from kiosk_app.ui.clerk.receipt_view import ReceiptDialog

        self.receipt = ReceiptDialog(
            self.kiosk, self.code, runner=self.runner, embedded=True, session=self.session
        )
        self.receipt_host.layout().addWidget(self.receipt)
        self._show(RECEIPT)
        self.heading.setText(self.tr("Đã tiếp nhận hồ sơ %1").replace("%1", self.code))

    def print_current(self) -> None:
        """Ctrl+P: print the receipt once the dossier is submitted (nothing to print before)."""
        if self.receipt is not None:
            self.receipt.print_dialog()
        else:
            self._say(self.tr("Chưa có phiếu để in: hãy tiếp nhận hồ sơ trước"), error=True)

    def _done(self) -> None:
        if self.code:
            self.finished.emit(self.code)

    def cancel(self) -> None:
        """Leave the wizard; pending edits are written first, so the draft can be resumed."""
        if self.saver.dirty:
            self.save_now()
        self.cancelled.emit()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if self.saver.dirty:
            self.save_now()
        if self._own_scanner:
            self.scanner.enabled = False
        super().hideEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002, N802 (Qt override)
        if next and leaves_page(self.stack.currentWidget(), self.focusWidget()):
            for button in (self.submit_button, self.next_button, self.done_button):
                if button.isVisible() and button.isEnabled():
                    button.setFocus(Qt.FocusReason.TabFocusReason)
                    return True
        return super().focusNextPrevChild(next)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        # back from another screen of the shell: scans work again on the applicant page
        if self._own_scanner and self.form is not None:
            self.scanner.enabled = self.scan_target(self.current_key()) is not None
        super().showEvent(event)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if self._own_scanner:
            self.scanner.uninstall()
        super().closeEvent(event)
