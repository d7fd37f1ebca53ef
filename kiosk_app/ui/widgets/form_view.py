"""One form section as a page of editors (``FormSectionView``) and the live edit loop
(``LiveForm``): merge answers → compute → refresh relevance/computed/options → validate → show
messages beside the fields.

The view only knows the form definition; it neither stores nor validates by itself, so the
wizard decides when answers are saved (see docs/forms.md for values and issue paths).
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.form_fields import Issue
from kiosk_app.core.forms import FormDefinition, ValidationResult
from kiosk_app.ui.widgets.compound import (
    AddressEditor,
    Container,
    FieldRow,
    PersonEditor,
    RepeatEditor,
    make_editor,
)
from kiosk_app.ui.widgets.editors import ChoiceEditor, FieldEditor, StoreFile

_PART = re.compile(r"([a-z][a-z0-9_]*)(?:\[(\d+)\])?")


def parse_path(path: str) -> list[tuple[str, int | None]]:
    """``"documents[1].pages"`` → ``[("documents", 1), ("pages", None)]``; KeyError if malformed."""
    out = []
    for part in path.split("."):
        m = _PART.fullmatch(part)
        if m is None:
            raise KeyError(path)
        out.append((m.group(1), int(m.group(2)) if m.group(2) is not None else None))
    return out


def _get(answers: Any, path: str) -> Any:
    value = answers
    for fid, index in parse_path(path):
        value = value.get(fid) if isinstance(value, dict) else None
        if index is not None:
            value = value[index] if isinstance(value, list) and index < len(value) else None
    return value


class FormSectionView(QWidget, Container):
    """The editors of one section. Signals ``changed(field_id, value)`` after each user edit
    of a top-level field (``value`` is ``None`` when emptied). Programmatic ``set_answers`` and
    ``refresh`` emit nothing. ``store_file(path) -> {sha256, name, mime, size}`` enables
    attachment fields (disabled when ``None``)."""

    changed = Signal(str, object)

    def __init__(
        self,
        form: FormDefinition,
        section_id: str,
        lang: str = "vi",
        parent: QWidget | None = None,
        store_file: StoreFile | None = None,
    ) -> None:
        QWidget.__init__(self, parent)
        self.form = form
        self.section = form.section(section_id)
        self.section_id = section_id
        self.lang = lang
        self.rows: dict[str, FieldRow] = {}
        self._loading = False
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 12, 8)
        box.setSpacing(6)
        self.title = QLabel(self.section.title.get(lang), self)
        self.title.setObjectName("section_title")
        self.title.setProperty("role", "pageTitle")
        box.addWidget(self.title)
        for f in self.section.fields:
            editor = make_editor(form, f, lang, store_file)
            editor.edited.connect(lambda fid=f.id: self._edited(fid))
            row = FieldRow(f, editor, lang)
            self.rows[f.id] = row
            box.addWidget(row)
        box.addStretch(1)
        self.set_answers({})

    # ------------------------------------------------------------------ values

    def _edited(self, field_id: str) -> None:
        if not self._loading:
            self.changed.emit(field_id, self.rows[field_id].editor.value())

    def set_answers(self, answers: dict) -> None:
        """Fill this section's editors from the whole form's ``answers`` (no signal)."""
        self._loading = True
        try:
            for fid, row in self.rows.items():
                # a missing answer shows the field's default, as the paper form pre-fills it
                row.editor.set_value(answers.get(fid, row.field.default))
            self._install_enter_filter()  # repeat items may have been created
        finally:
            self._loading = False
        self.refresh(answers)

    def answers(self) -> dict:
        """This section's top-level values as entered (computed fields and empty ones left out)."""
        out = {}
        for fid, row in self.rows.items():
            if row.field.type == "computed":
                continue
            v = row.editor.value()
            if v is not None:
                out[fid] = v
        return out

    # ------------------------------------------------------------------ live state

    def refresh(self, all_answers: dict) -> None:
        """Re-evaluate relevance (hide/show), computed values and filtered choice options
        against the whole form's answers (this section's current values merged in)."""
        merged = {**all_answers, **self.answers()}
        computed = self.form.compute(self.form.normalize(merged))
        self._loading = True
        try:
            for path, row in self.all_rows():
                try:
                    relevant = self.form.is_relevant(path, computed)
                except KeyError:
                    relevant = True
                row.setVisible(relevant)
                f = row.field
                if f.required is not True and f.required:
                    row.set_required(relevant)  # conditional "required" follows relevance
                if f.type == "computed":
                    row.editor.set_value(_get(computed, path))
                elif f.type in ("choice", "multi_choice") and f.filter_by:
                    opts = self.form.options_for(re.sub(r"\[\d+\]", "", path), computed)
                    row.editor.set_options(opts)
        finally:
            self._loading = False

    def show_issues(self, issues: list[Issue], warnings: list[Issue] | None = None) -> None:
        """Show each issue's message beside its field, ``warnings`` in amber; clear the others.
        An issue whose field is not on this page is ignored."""
        messages: dict[int, tuple[FieldRow, list[str], bool]] = {}
        tagged = [(i, False) for i in issues] + [(w, True) for w in warnings or []]
        for issue, warning in tagged:
            try:
                parts = parse_path(issue.path)
            except KeyError:
                continue
            row, rest = self.find_row(parts)
            if row is None:
                continue
            text = issue.message.get(self.lang)
            if rest and isinstance(row.editor, AddressEditor):
                text = f"{self._part_label(rest[0][0])}: {text}"
            entry = messages.setdefault(id(row), (row, [], True))
            entry[1].append(text)
            messages[id(row)] = (row, entry[1], entry[2] and warning)
        shown = {key for key in messages}
        for _path, row in self.all_rows():
            if id(row) not in shown:
                row.set_issue(None)
        for row, texts, warning in messages.values():
            row.set_issue(" · ".join(dict.fromkeys(texts)), warning=warning)

    def _part_label(self, part: str) -> str:
        vi = {"province": "Tỉnh", "commune": "Xã/phường", "detail": "Chi tiết", "legacy": "Cũ"}
        en = {"province": "Province", "commune": "Commune", "detail": "Detail", "legacy": "Old"}
        return (en if self.lang == "en" else vi).get(part, part)

    def focus_first(self) -> None:
        """Focus the first visible, editable field."""
        for _path, row in self.all_rows():
            if row.isVisibleTo(self) and row.field.type not in ("computed", "person", "repeat"):
                row.editor.focus_widget().setFocus(Qt.FocusReason.TabFocusReason)
                return

    def editor(self, path: str) -> QWidget:
        """The editor for ``path``: a ``FieldEditor`` (``"mother.full_name"``,
        ``"documents[0].pages"``), or an address part (``"residence.province"``, a
        ``ChoiceEditor``/``LineEditor``). KeyError if there is none."""
        parts = parse_path(path)
        row, rest = self.find_row(parts)
        if row is None:
            raise KeyError(path)
        ed: FieldEditor = row.editor
        if rest and isinstance(ed, AddressEditor) and len(rest) == 1 and rest[0][0] in ed.parts:
            return ed.parts[rest[0][0]]
        if rest:
            raise KeyError(path)
        return ed

    # ------------------------------------------------------------------ keyboard

    def _install_enter_filter(self) -> None:
        for w in self.findChildren(QLineEdit):
            w.removeEventFilter(self)
            w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # Enter in a one-line box moves on like Tab (the clerk's hands stay on the keyboard).
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and isinstance(watched, QLineEdit)
        ):
            combo = watched.parent()
            owner = combo.parent() if isinstance(combo, QComboBox) else None
            completer = owner.completer if isinstance(owner, ChoiceEditor) else None
            if completer is not None and completer.popup().isVisible():
                return False  # let Enter pick the highlighted choice first
            watched.editingFinished.emit()
            self.focusNextChild()
            return True
        return super().eventFilter(watched, event)


class LiveForm(QObject):
    """Wires one ``FormSectionView`` to a form: keeps the whole form's answers, and after each
    edit recomputes, refreshes the view and validates the section.

    Messages are shown only for fields the clerk has touched (so an empty page is not all red);
    ``validate_all()`` shows every message of the section (e.g. on "Tiếp"). ``answers_changed``
    carries the merged answers (computed values included) after each edit; ``validated`` the
    section's ``ValidationResult``."""

    answers_changed = Signal(dict)
    validated = Signal(object)

    def __init__(
        self,
        form: FormDefinition,
        view: FormSectionView,
        answers: dict | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or view)
        self.form = form
        self.view = view
        self.touched: set[str] = set()
        view.set_answers(dict(answers or {}))
        # defaults shown by the view count as answers (as if the clerk had left them as is)
        merged = {**view.answers(), **(answers or {})}
        self.answers: dict = self.form.compute(self.form.normalize(merged))
        view.changed.connect(self._on_changed)

    def _on_changed(self, field_id: str, value: Any) -> None:
        self.touched.add(field_id)
        self.update(field_id, value)

    def update(self, field_id: str, value: Any) -> None:
        """Merge one top-level value (``None`` removes it) and run the loop."""
        merged = dict(self.answers)
        if value is None:
            merged.pop(field_id, None)
        else:
            merged[field_id] = value
        self.answers = self.form.compute(self.form.normalize(merged))
        self.view.refresh(self.answers)
        self.answers_changed.emit(self.answers)
        self._check(all_fields=False)

    def validate_all(self) -> ValidationResult:
        """Validate the section and show every message; returns the result."""
        return self._check(all_fields=True)

    def _check(self, all_fields: bool) -> ValidationResult:
        result = self.form.validate(self.answers, section=self.view.section_id)
        errors, warnings = list(result.errors), list(result.warnings)
        if not all_fields:
            errors = [i for i in errors if parse_path(i.path)[0][0] in self.touched]
            warnings = [i for i in warnings if parse_path(i.path)[0][0] in self.touched]
        self.view.show_issues(errors, warnings)
        self.validated.emit(result)
        return result


__all__ = [
    "FormSectionView",
    "LiveForm",
    "ChoiceEditor",
    "PersonEditor",
    "RepeatEditor",
    "AddressEditor",
    "parse_path",
]
