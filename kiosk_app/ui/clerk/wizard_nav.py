"""Moving between the intake wizard's steps (mixed into ``IntakeWizard``).

Steps are keyed (``APPLICANT``, ``section:<id>``, ``DOCUMENTS``, ``FEE``, ``REVIEW``,
``RECEIPT``); a section with no visible field for the current answers is skipped both ways.
Leaving a step forward checks it first and shows why it cannot be left (``_blockers``).
"""

from __future__ import annotations

from kiosk_app.core.applicant import APPLICANT_FIELD
from kiosk_app.ui.clerk.wizard_keys import APPLICANT, DOCUMENTS, FEE, RECEIPT, REVIEW


class WizardNavigation:
    """Step navigation; expects the wizard's pages, keys, form, answers and buttons."""

    def current_key(self) -> str | None:
        page = self.stack.currentWidget()
        return next((k for k, p in self.pages.items() if p is page), None)

    def _skipped(self, key: str) -> bool:
        if key.startswith("section:"):
            return not self.form.visible_fields(key.split(":", 1)[1], self.answers)
        return key == RECEIPT and self.code is None

    def _show(self, key: str) -> None:
        self.stack.setCurrentWidget(self.pages[key])
        index = self.keys.index(key)
        self.steps.setCurrentRow(index)
        for i in range(self.steps.count()):
            item = self.steps.item(i)
            font = item.font()
            font.setBold(i == index)
            item.setFont(font)
        self.message.clear()
        self.scanner.enabled = self.scan_target(key) is not None
        if key.startswith("section:"):
            view = self.views[key.split(":", 1)[1]]
            view.set_answers(self.answers)
            view.focus_first()
        elif key == APPLICANT:
            self.applicant_page.id_edit.setFocus()
        elif key == DOCUMENTS:
            self.documents_page.refresh(self.answers)
        elif key == FEE:
            self.fee_page.refresh(self.answers)
        elif key == REVIEW:
            self.fee_page.refresh(self.answers)
            self.review_page.error.clear()
            self.review_page.show_summary(self._summary())
        self._set_nav()

    def _set_nav(self) -> None:
        key = self.current_key()
        ready = self.draft_id is not None and self.procedure is not None
        done = self.code is not None
        self.back_button.setEnabled(key not in (APPLICANT, RECEIPT) and not done)
        self.back_button.setVisible(not done)
        self.next_button.setVisible(key not in (REVIEW, RECEIPT))
        self.next_button.setEnabled(ready)
        self.submit_button.setVisible(key == REVIEW)
        self.submit_button.setEnabled(ready and not done)
        self.cancel_button.setVisible(not done)
        self.print_button.setVisible(key == RECEIPT)
        self.done_button.setVisible(key == RECEIPT)

    def _blockers(self, key: str) -> list[str]:
        """Why the clerk cannot leave ``key`` forward (shown to them); empty when fine."""
        if key == APPLICANT:
            sid = (
                self.form.section_of(APPLICANT_FIELD).id if APPLICANT_FIELD in self._top() else None
            )
            errors = self._check_section(sid, all_fields=True) if sid else []
            return [self.tr("Thông tin người nộp còn lỗi")] if errors else []
        if key.startswith("section:"):
            errors = self._check_section(key.split(":", 1)[1], all_fields=True)
            return [self.tr("Trang này còn lỗi, xem thông báo bên cạnh từng ô")] if errors else []
        if key == DOCUMENTS:
            missing = self.documents_page.missing(self.answers)
            self.documents_page.show_missing(missing)
            # the page lists the names; repeating them in the message bar doubled the list
            return (
                [
                    self.tr("Còn %1 giấy tờ bắt buộc chưa đánh dấu — xem danh sách ở trên").replace(
                        "%1", str(len(missing))
                    )
                ]
                if missing
                else []
            )
        return []

    def _top(self) -> set[str]:
        return {f.id for f in self.form.fields}

    def go_next(self) -> bool:
        """Validate the current step and move on; False (with the reasons shown) if blocked."""
        key = self.current_key()
        if key is None or self.procedure is None or key in (REVIEW, RECEIPT):
            return False
        blockers = self._blockers(key)
        if blockers:
            self.message.setText("\n".join(blockers))
            self.message.setStyleSheet("color: #b00020;")
            return False
        i = self.keys.index(key) + 1
        while self._skipped(self.keys[i]):
            i += 1
        self._show(self.keys[i])
        self._changed()  # the page reached is part of the draft
        return True

    def _next_clicked(self) -> None:
        self.go_next()

    def go_back(self) -> None:
        key = self.current_key()
        if key in (None, APPLICANT, RECEIPT) or self.code is not None:
            return
        i = self.keys.index(key) - 1
        while i > 0 and self._skipped(self.keys[i]):
            i -= 1
        self._show(self.keys[i])

    def edit_step(self, key: str) -> None:
        """ "Sửa" on the review page: jump to that step."""
        if key in self.pages and self.code is None:
            self._show(key)

    def _section_of_key(self, key: str) -> str | None:
        if key.startswith("section:"):
            return key.split(":", 1)[1]
        try:
            return self.form.section_of(APPLICANT_FIELD).id
        except (KeyError, ValueError):
            return None
