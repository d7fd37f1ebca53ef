"""Searchable choice editor: an editable combo whose pop-up lists the options containing the
typed text, ignoring case, diacritics and đ/d (``kiosk_app.core.textfold``), so "ha noi" finds
"Thành phố Hà Nội". The value is the option's value; text matching no option is returned as
typed (the form engine then reports it); empty is ``None``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QWidget

from kiosk_app.core.form_fields import Field, Option
from kiosk_app.core.textfold import fold_key

_KEY = Qt.ItemDataRole.UserRole + 1


class ChoiceEditor(QWidget):
    """``value()``, ``set_value(v)``, ``set_options(opts)`` (keeps the value while still
    offered), ``edited`` (user edits only). ``combo`` is the QComboBox; type into
    ``combo.lineEdit()``."""

    edited = Signal()

    def __init__(
        self,
        field: Field,
        options: list[Option],
        lang: str = "vi",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.lang = lang
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox(self)
        self.combo.setObjectName(f"combo_{field.id}")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumWidth(220)
        self.combo.setMaxVisibleItems(15)
        self.combo.setCompleter(None)  # our own completer below, fed folded text
        layout.addWidget(self.combo)
        self._model = QStandardItemModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setWidget(self.combo.lineEdit())
        self.completer.setCompletionRole(_KEY)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated[QModelIndex].connect(self._picked)
        self._silent = False
        self.options: list[Option] = []
        self.set_options(options)
        self.combo.lineEdit().textEdited.connect(self._typed)
        self.combo.lineEdit().editingFinished.connect(self._settle)
        self.combo.activated.connect(self._emit)

    def _typed(self, text: str) -> None:
        key = fold_key(text)
        if key:
            self.completer.setCompletionPrefix(key)
            if self.completer.completionCount() and self.isVisible():
                self.completer.complete()
        else:
            self.completer.popup().hide()
        self._emit()

    def matches(self, text: str) -> list[Option]:
        """Options whose label (or value) contains ``text``, ignoring case and diacritics."""
        key = fold_key(text)
        return [
            o
            for o in self.options
            if key and (key in fold_key(o.label.get(self.lang)) or key == o.value.lower())
        ]

    def _settle(self) -> None:
        # Leaving the box with text that fits exactly one option picks it ("dak lak" → Đắk Lắk).
        text = self.combo.currentText().strip()
        if not text or any(o.value == self.value() for o in self.options):
            return
        found = self.matches(text)
        if len(found) == 1:
            self.set_value(found[0].value)
            self._emit()

    def _picked(self, index: QModelIndex) -> None:
        self.combo.lineEdit().setText(index.data(Qt.ItemDataRole.DisplayRole))
        self._emit()

    def _emit(self, *_: Any) -> None:
        if not self._silent:
            self.edited.emit()

    def set_options(self, options: list[Option]) -> None:
        if [o.value for o in options] == [o.value for o in self.options]:
            return
        current = self.value()
        self._silent = True
        try:
            self.options = list(options)
            self.combo.clear()
            self.combo.addItem("", None)
            self._model.clear()
            for o in self.options:
                label = o.label.get(self.lang)
                self.combo.addItem(label, o.value)
                item = QStandardItem(label)
                item.setData(f"{fold_key(label)} {o.value.lower()}", _KEY)
                self._model.appendRow(item)
            keep = current if any(o.value == current for o in self.options) else None
            self._show(keep)
        finally:
            self._silent = False

    def _show(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self.combo.setEditText(self.combo.itemText(index))
        else:
            self.combo.setCurrentIndex(0)
            self.combo.setEditText(str(value))

    def value(self) -> Any:
        text = self.combo.currentText().strip()
        if not text:
            return None
        key = fold_key(text)
        for o in self.options:
            if o.label.get(self.lang) == text or o.value == text:
                return o.value
        for o in self.options:
            if fold_key(o.label.get(self.lang)) == key:
                return o.value
        return text

    def set_value(self, value: Any) -> None:
        self._silent = True
        try:
            self._show(value)
        finally:
            self._silent = False

    def focus_widget(self) -> QWidget:
        return self.combo
