"""One editor widget per simple field type (see docs/forms.md for the stored values).

Every editor is a ``FieldEditor``: ``value()`` gives the stored form of what is shown
(``form_normalize.normalize_value``; text that cannot be coerced is returned as typed so that
validation reports it), ``set_value(v)`` shows a stored value without emitting ``edited``, and
``edited`` fires after each user edit. Empty input is ``None``. ``focus_widget()`` is the child
that takes the keyboard (type into it in tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from kiosk_app.core.form_fields import Field, Option
from kiosk_app.core.form_normalize import normalize_value
from kiosk_app.ui.widgets.choice import ChoiceEditor

__all__ = [
    "StoreFile",
    "group_thousands",
    "format_money",
    "format_date",
    "format_value",
    "FieldEditor",
    "LineEditor",
    "MoneyEditor",
    "DateEditor",
    "LongTextEditor",
    "BooleanEditor",
    "ChoiceEditor",
    "MultiChoiceEditor",
    "ComputedEditor",
    "AttachmentEditor",
]

StoreFile = Callable[[str], dict]

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def group_thousands(n: int) -> str:
    """``1234567`` → ``"1.234.567"`` (Vietnamese grouping with dots)."""
    sign = "-" if n < 0 else ""
    return sign + f"{abs(n):,}".replace(",", ".")


def format_money(value: Any) -> str:
    """An amount in đồng as shown to people: ``"1.000.000 đ"``; other values as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{group_thousands(value)} đ"
    return "" if value is None else str(value)


def format_date(value: Any) -> str:
    """Stored ``YYYY-MM-DD`` → ``DD/MM/YYYY``; anything else unchanged (as text)."""
    if isinstance(value, str) and (m := _ISO_DATE.fullmatch(value)):
        return f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
    return "" if value is None else str(value)


def format_value(value: Any, value_type: str | None, lang: str = "vi") -> str:
    """A (computed) value as text for a read-only display, by its value type."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("Có" if value else "Không") if lang != "en" else ("Yes" if value else "No")
    if value_type == "money":
        return format_money(value)
    if value_type == "date":
        return format_date(value)
    if value_type in ("integer", "number") and isinstance(value, int):
        return group_thousands(value)
    return str(value)


class FieldEditor(QWidget):
    """Base class: a widget that edits the value of one field."""

    edited = Signal()

    def __init__(self, field: Field, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.lang = lang
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        """The child that should take keyboard focus for this editor."""
        return self

    def set_options(self, options: list[Option]) -> None:
        """Replace the choices (fields with ``filter_by``); editors without choices ignore it."""


class LineEditor(FieldEditor):
    """text, id_number, phone, email, integer, time: one line of text, normalised on read."""

    def __init__(self, field: Field, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(field, lang, parent)
        self.line = QLineEdit(self)
        self.line.setObjectName(f"edit_{field.id}")
        if field.placeholder:
            self.line.setPlaceholderText(field.placeholder.get(lang))
        elif field.type == "time":
            self.line.setPlaceholderText("HH:MM")
        if field.max_length:
            self.line.setMaxLength(field.max_length)
        if field.type in ("id_number", "phone"):
            self.line.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
            self.line.setMaximumWidth(220)
        if field.type in ("integer", "time"):
            self.line.setMaximumWidth(140)
        if field.type == "integer":
            self.line.setValidator(QRegularExpressionValidator(r"-?[0-9.,\s]*", self.line))
        self._layout.addWidget(self.line)
        if self.line.maximumWidth() < 10000:
            self._layout.addStretch(1)  # narrow boxes (dates, numbers) stay at the left
        self.line.textEdited.connect(self._on_edit)
        self._showing_default = False
        self.line.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # A pre-filled default (e.g. "1" copy) is a suggestion: the first character typed
        # replaces it instead of being appended to it.
        if (
            watched is self.line
            and self._showing_default
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.text().isprintable()
            and event.text()
        ):
            self._showing_default = False
            self.line.selectAll()
        elif watched is self.line and event.type() == QEvent.Type.MouseButtonPress:
            self._showing_default = False
        return super().eventFilter(watched, event)

    def _on_edit(self, text: str) -> None:
        if self.field.uppercase and text != text.upper():
            pos = self.line.cursorPosition()
            self.line.setText(text.upper())
            self.line.setCursorPosition(pos)
        self.edited.emit()

    def value(self) -> Any:
        return normalize_value(self.field, self.line.text())

    def set_value(self, value: Any) -> None:
        self._show(value)

    def _show(self, value: Any) -> None:
        self._showing_default = value is not None and value == self.field.default
        self.line.setText(self._text(value))

    def _text(self, value: Any) -> str:
        return "" if value is None else str(value)

    def focus_widget(self) -> QWidget:
        return self.line


class MoneyEditor(LineEditor):
    """Amount in đồng, grouped with dots while typing (``1.000.000``), ``đ`` after the box."""

    def __init__(self, field: Field, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(field, lang, parent)
        self.line.setValidator(QRegularExpressionValidator(r"[0-9.\s]*", self.line))
        self.line.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.line.setMaximumWidth(200)
        self._layout.insertWidget(1, QLabel("đ", self))
        self._layout.addStretch(1)

    def _on_edit(self, text: str) -> None:
        # Re-group on every keystroke, keeping the cursor after the same number of digits.
        digits_before = sum(c.isdigit() for c in text[: self.line.cursorPosition()])
        digits = "".join(c for c in text if c.isdigit())
        grouped = group_thousands(int(digits)) if digits else ""
        if grouped != text:
            self.line.setText(grouped)
            pos, seen = 0, 0
            while pos < len(grouped) and seen < digits_before:
                seen += grouped[pos].isdigit()
                pos += 1
            self.line.setCursorPosition(pos)
        self.edited.emit()

    def _text(self, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            return group_thousands(value)
        return "" if value is None else str(value)


class DateEditor(LineEditor):
    """Date typed as DD/MM/YYYY (``.``/``-`` accepted); eight digits get their slashes as typed.
    Empty is allowed (``None``)."""

    def __init__(self, field: Field, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(field, lang, parent)
        hint = field.placeholder.get(lang) if field.placeholder else "DD/MM/YYYY"
        self.line.setPlaceholderText(hint)
        self.line.setValidator(QRegularExpressionValidator(r"[0-9/.\-\s]{0,12}", self.line))
        self.line.setMaximumWidth(140)
        self._layout.addStretch(1)
        self.line.editingFinished.connect(self._tidy)

    def _on_edit(self, text: str) -> None:
        if re.fullmatch(r"\d{8}", text):
            self.line.setText(f"{text[:2]}/{text[2:4]}/{text[4:]}")
        self.edited.emit()

    def _tidy(self) -> None:
        v = self.value()
        if isinstance(v, str) and _ISO_DATE.fullmatch(v):
            self.line.setText(format_date(v))

    def _text(self, value: Any) -> str:
        return format_date(value)


class LongTextEditor(FieldEditor):
    """Several lines; Tab leaves the box (Enter makes a new line)."""

    def __init__(self, field: Field, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(field, lang, parent)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(72)
        if field.placeholder:
            self.text.setPlaceholderText(field.placeholder.get(lang))
        self._layout.addWidget(self.text)
        self._silent = False
        self.text.textChanged.connect(self._changed)

    def _changed(self) -> None:
        if not self._silent:
            self.edited.emit()

    def value(self) -> Any:
        return normalize_value(self.field, self.text.toPlainText())

    def set_value(self, value: Any) -> None:
        self._silent = True
        try:
            self.text.setPlainText("" if value is None else str(value))
        finally:
            self._silent = False

    def focus_widget(self) -> QWidget:
        return self.text


class BooleanEditor(FieldEditor):
    """A check box (``None`` until ticked or set). A required yes/no question without a
    constraint gets "Có / Không" buttons instead, so "not answered" differs from "no"."""

    def __init__(self, field: Field, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(field, lang, parent)
        self.radios = bool(field.required) and field.constraint is None
        self.check: QCheckBox | None = None
        self._touched = False
        if self.radios:
            self.group = QButtonGroup(self)
            self.yes = QRadioButton("Có" if lang != "en" else "Yes", self)
            self.no = QRadioButton("Không" if lang != "en" else "No", self)
            for b in (self.yes, self.no):
                self.group.addButton(b)
                self._layout.addWidget(b)
                b.clicked.connect(self.edited)
            self._layout.addStretch(1)
        else:
            self.check = QCheckBox(field.label.get(lang), self)
            self.check.setObjectName(f"check_{field.id}")
            self._layout.addWidget(self.check)
            self._layout.addStretch(1)  # a stretched box would ignore clicks right of its text
            self.check.clicked.connect(self._clicked)

    def _clicked(self) -> None:
        self._touched = True
        self.edited.emit()

    def value(self) -> Any:
        if self.check is not None:
            return self.check.isChecked() if self._touched else None
        if self.yes.isChecked():
            return True
        return False if self.no.isChecked() else None

    def set_value(self, value: Any) -> None:
        if self.check is not None:
            self._touched = isinstance(value, bool)
            self.check.setChecked(value is True)
            return
        self.group.setExclusive(False)  # an exclusive group cannot be unset
        self.yes.setChecked(value is True)
        self.no.setChecked(value is False)
        self.group.setExclusive(True)

    def focus_widget(self) -> QWidget:
        return self.check if self.check is not None else self.yes


class MultiChoiceEditor(FieldEditor):
    """Check-list of options; the value is the list of ticked option values (in option order)."""

    def __init__(
        self, field: Field, options: list[Option], lang: str = "vi", parent: QWidget | None = None
    ) -> None:
        super().__init__(field, lang, parent)
        self.list = QListWidget(self)
        self.list.setMaximumHeight(120)
        self._layout.addWidget(self.list)
        self._silent = False
        self.options: list[Option] = []
        self.set_options(options)
        self.list.itemChanged.connect(self._changed)

    def _changed(self, _item: QListWidgetItem) -> None:
        if not self._silent:
            self.edited.emit()

    def set_options(self, options: list[Option]) -> None:
        current = self.value() or []
        self._silent = True
        try:
            self.options = list(options)
            self.list.clear()
            for o in self.options:
                item = QListWidgetItem(o.label.get(self.lang), self.list)
                item.setData(Qt.ItemDataRole.UserRole, o.value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                on = o.value in current
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        finally:
            self._silent = False

    def value(self) -> Any:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out or None

    def set_value(self, value: Any) -> None:
        wanted = set(value) if isinstance(value, list) else set()
        self._silent = True
        try:
            for i in range(self.list.count()):
                item = self.list.item(i)
                on = item.data(Qt.ItemDataRole.UserRole) in wanted
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        finally:
            self._silent = False

    def focus_widget(self) -> QWidget:
        return self.list


class ComputedEditor(FieldEditor):
    """Read-only display of a computed value, refreshed by the owner (``set_value``)."""

    def __init__(self, field: Field, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(field, lang, parent)
        self.label = QLabel(self)
        self.label.setObjectName(f"computed_{field.id}")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setWordWrap(True)
        self.label.setProperty("role", "computed")
        self._layout.addWidget(self.label, 1)
        self._value: Any = None

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value
        self.label.setText(format_value(value, self.field.value_type, self.lang))

    def focus_widget(self) -> QWidget:
        return self.label


class AttachmentEditor(FieldEditor):
    """File picker; the chosen file goes to ``store_file(path) -> {sha256, name, mime, size}``
    and that dict is the value. Without ``store_file`` the picker is disabled."""

    def __init__(
        self,
        field: Field,
        store_file: StoreFile | None,
        lang: str = "vi",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(field, lang, parent)
        self.store_file = store_file
        self.pick = QPushButton(self.tr("Chọn tệp…"), self)
        self.clear = QPushButton(self.tr("Bỏ tệp"), self)
        self.name = QLabel(self)
        self.pick.setEnabled(store_file is not None)
        if store_file is None:
            self.pick.setToolTip(self.tr("Chưa bật lưu tệp đính kèm"))
        for w in (self.pick, self.name, self.clear):
            self._layout.addWidget(w)
        self._layout.addStretch(1)
        self._value: dict | None = None
        self.pick.clicked.connect(self._choose)
        self.clear.clicked.connect(self._clear)
        self._update()

    def _choose(self) -> None:
        patterns = " ".join(
            "*.pdf" if a == "application/pdf" else "*.png *.jpg *.jpeg" for a in self.field.accept
        )
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Chọn tệp"), "", patterns or self.tr("Mọi tệp (*)")
        )
        if path:
            self.attach(path)

    def attach(self, path: str) -> None:
        """Store the file at ``path`` through the callback and show it (tests call this)."""
        if self.store_file is None:
            return
        self._value = self.store_file(path)
        self._update()
        self.edited.emit()

    def _clear(self) -> None:
        self._value = None
        self._update()
        self.edited.emit()

    def _update(self) -> None:
        v = self._value
        self.name.setText(v.get("name", "") if isinstance(v, dict) else self.tr("(chưa có tệp)"))
        self.clear.setEnabled(v is not None)

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value if isinstance(value, dict) else None
        self._update()

    def focus_widget(self) -> QWidget:
        return self.pick
