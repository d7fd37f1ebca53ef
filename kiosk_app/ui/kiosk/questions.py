"""A declaration form as one question per screen.

Each top-level field is a question, except a ``person`` block, whose sub-fields are one
question each ("Người yêu cầu — Họ, chữ đệm và tên"); computed fields and attachments are not
asked (computed values are shown on the review page; the kiosk takes no files). Relevance,
validation and options come from the form engine, exactly as at the desk.

Editors: the shared ones (``kiosk_app.ui.widgets``) for text, dates, numbers, addresses and
lists of items; for yes/no and short choices, big buttons (a drop-down is hard to hit with a
finger); for long choices (ethnic groups, nationalities), a filter box over a big list.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.form_fields import Field, Issue, Option
from kiosk_app.core.textfold import fold_key
from kiosk_app.ui.kiosk.widgets import BigButton
from kiosk_app.ui.widgets.compound import make_editor
from kiosk_app.ui.widgets.editors import FieldEditor, LineEditor

NOT_ASKED = ("computed", "attachment")
BUTTON_CHOICES = 12  # at most this many options: big buttons; more: filter + list
CHOICE_HEIGHT = 130
NUMERIC = ("id_number", "phone", "date", "integer", "money", "time")


@dataclass(frozen=True)
class Question:
    path: str  # "requester.full_name", "signed_date", "documents"
    field: Field
    parent: Field | None = None  # the person block a sub-field belongs to
    section_id: str = ""

    @property
    def top(self) -> str:
        return self.path.split(".", 1)[0]


def questions(form: Any) -> list[Question]:
    out = []
    for s in form.sections:
        for f in s.fields:
            if f.type in NOT_ASKED:
                continue
            if f.type == "person":
                for sub in f.fields:
                    if sub.type not in NOT_ASKED:
                        out.append(Question(f"{f.id}.{sub.id}", sub, f, s.id))
            else:
                out.append(Question(f.id, f, None, s.id))
    return out


def is_relevant(form: Any, q: Question, answers: dict) -> bool:
    try:
        return form.is_relevant(q.path, answers)
    except KeyError:
        return True


def get_value(answers: dict, q: Question) -> Any:
    if q.parent is None:
        return answers.get(q.path)
    block = answers.get(q.parent.id)
    return block.get(q.field.id) if isinstance(block, dict) else None


def set_value(answers: dict, q: Question, value: Any) -> dict:
    """A copy of ``answers`` with ``q`` set to ``value`` (``None`` removes it)."""
    out = copy.deepcopy(answers)
    if q.parent is None:
        if value is None:
            out.pop(q.path, None)
        else:
            out[q.path] = value
        return out
    block = dict(out.get(q.parent.id) or {})
    if value is None:
        block.pop(q.field.id, None)
    else:
        block[q.field.id] = value
    if block:
        out[q.parent.id] = block
    else:
        out.pop(q.parent.id, None)
    return out


def issues_for(issues: list[Issue], q: Question) -> list[Issue]:
    """The issues about this question (its path, or inside it: an address part, an item)."""
    return [
        i
        for i in issues
        if i.path == q.path or i.path.startswith(q.path + ".") or i.path.startswith(q.path + "[")
    ]


def is_required(form: Any, q: Question, answers: dict) -> bool:
    """True when leaving it empty is an error (asked of the engine, so expressions count)."""
    probe = set_value(answers, q, None)
    result = form.validate(probe)
    return any(i.code == "required" for i in issues_for(list(result.errors), q))


# ------------------------------------------------------------------ editors
class YesNoEditor(FieldEditor):
    """Two big buttons "Có" / "Không"; ``None`` until one is pressed."""

    def __init__(self, field: Field, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(field, lang, parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.yes = BigButton(self.tr("Có"), self, "choiceButton")
        self.no = BigButton(self.tr("Không"), self, "choiceButton")
        for b in (self.yes, self.no):
            b.setCheckable(True)
            b.setMinimumHeight(max(b.minimumHeight(), CHOICE_HEIGHT))
            self.group.addButton(b)
            self._layout.addWidget(b)
            b.clicked.connect(self.edited)

    def value(self) -> Any:
        if self.yes.isChecked():
            return True
        return False if self.no.isChecked() else None

    def set_value(self, value: Any) -> None:
        self.group.setExclusive(False)
        self.yes.setChecked(value is True)
        self.no.setChecked(value is False)
        self.group.setExclusive(True)

    def focus_widget(self) -> QWidget:
        return self.yes


class ButtonChoiceEditor(FieldEditor):
    """One big button per option (one or two columns); ``multi`` for multi_choice."""

    def __init__(
        self,
        field: Field,
        options: list[Option],
        lang: str = "vi",
        columns: int = 2,
        multi: bool = False,
    ) -> None:
        super().__init__(field, lang)
        self.multi = multi
        self.options = list(options)
        grid_host = QWidget(self)
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(14)
        self._layout.addWidget(grid_host)
        self.group = QButtonGroup(self)
        self.group.setExclusive(not multi)
        self.buttons: dict[str, BigButton] = {}
        for i, o in enumerate(self.options):
            b = BigButton(o.label.get(lang), grid_host, "choiceButton")
            b.setMinimumHeight(max(b.minimumHeight(), CHOICE_HEIGHT))
            b.setCheckable(True)
            self.group.addButton(b)
            grid.addWidget(b, i // columns, i % columns)
            b.clicked.connect(self.edited)
            self.buttons[o.value] = b

    def value(self) -> Any:
        chosen = [v for v, b in self.buttons.items() if b.isChecked()]
        if self.multi:
            return chosen or None
        return chosen[0] if chosen else None

    def set_value(self, value: Any) -> None:
        wanted = set(value) if isinstance(value, list) else {value}
        self.group.setExclusive(False)
        for v, b in self.buttons.items():
            b.setChecked(v in wanted)
        self.group.setExclusive(not self.multi)

    def focus_widget(self) -> QWidget:
        return next(iter(self.buttons.values()), self)


class ListChoiceEditor(FieldEditor):
    """A filter box (typing "kinh" or "viet" narrows the list, diacritics ignored) over a
    list with big rows; a tap picks."""

    def __init__(self, field: Field, options: list[Option], lang: str = "vi") -> None:
        super().__init__(field, lang)
        box = QVBoxLayout()
        self._layout.addLayout(box)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("choiceFilter")
        self.filter.setPlaceholderText(self.tr("Gõ vài chữ để tìm…"))
        self.list = QListWidget(self)
        self.list.setObjectName("choiceList")
        self.list.setMinimumHeight(300)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        box.addWidget(self.filter)
        box.addWidget(self.list, 1)
        self.options = list(options)
        for o in self.options:
            item = QListWidgetItem(o.label.get(lang), self.list)
            item.setData(Qt.ItemDataRole.UserRole, o.value)
            item.setData(Qt.ItemDataRole.UserRole + 1, fold_key(o.label.get(lang)))
        self.filter.textEdited.connect(self._filter)
        self.list.itemClicked.connect(lambda _i: self.edited.emit())
        self.list.currentItemChanged.connect(lambda *_: self.edited.emit())

    def _filter(self, text: str) -> None:
        key = fold_key(text)
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hide = bool(key) and key not in item.data(Qt.ItemDataRole.UserRole + 1)
            item.setHidden(hide)
            if not hide and first is None:
                first = item
        if first is not None:
            self.list.scrollToItem(first)

    def value(self) -> Any:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item and item.isSelected() else None

    def set_value(self, value: Any) -> None:
        self.list.blockSignals(True)
        try:
            self.list.clearSelection()
            self.list.setCurrentItem(None)
            for i in range(self.list.count()):
                item = self.list.item(i)
                if value is not None and item.data(Qt.ItemDataRole.UserRole) == value:
                    self.list.setCurrentItem(item)
                    item.setSelected(True)
                    self.list.scrollToItem(item, QListWidget.ScrollHint.PositionAtCenter)
        finally:
            self.list.blockSignals(False)

    def focus_widget(self) -> QWidget:
        return self.filter


def options_of(form: Any, q: Question, answers: dict) -> list[Option]:
    try:
        return list(form.options_for(q.path, answers))
    except (KeyError, ValueError):
        return list(q.field.options or [])


def kiosk_editor(form: Any, q: Question, answers: dict, lang: str, columns: int) -> FieldEditor:
    """The editor of one question, made big for fingers."""
    f = q.field
    if f.type == "boolean":
        editor: FieldEditor = YesNoEditor(f, lang)
    elif f.type in ("choice", "multi_choice"):
        opts = options_of(form, q, answers)
        if f.type == "multi_choice" or len(opts) <= BUTTON_CHOICES:
            editor = ButtonChoiceEditor(
                f, opts, lang, columns=columns, multi=f.type == "multi_choice"
            )
        else:
            editor = ListChoiceEditor(f, opts, lang)
    else:
        editor = make_editor(form, f, lang, None)
    for line in editor.findChildren(QLineEdit):
        if isinstance(line.parent(), QComboBox):
            continue  # a combo's own box: the combo is made tall instead
        line.setMaximumWidth(16777215)
        line.setMinimumHeight(90)
    for combo in editor.findChildren(QComboBox):
        combo.setMinimumHeight(100)
    if isinstance(editor, LineEditor) and f.type in NUMERIC:
        hints = Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhNoPredictiveText
        if f.type in ("date", "time"):
            # "/" and ":" are added as the digits come (DateEditor); the pad needs none.
            hints |= Qt.InputMethodHint.ImhPreferNumbers
        editor.line.setInputMethodHints(hints)
        editor.line.setMinimumWidth(520)
    elif isinstance(editor, LineEditor):
        editor.line.setInputMethodHints(Qt.InputMethodHint.ImhNoPredictiveText)
    return editor
