"""Field rows (label, required mark, help, message) and the compound editors: address, person
(a group of sub-rows) and repeat (rows of items with add/remove). ``make_editor`` picks the
editor for a field type."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.form_fields import Field, Option, Text
from kiosk_app.core.forms import FormDefinition
from kiosk_app.ui.widgets.editors import (
    AttachmentEditor,
    BooleanEditor,
    ChoiceEditor,
    ComputedEditor,
    DateEditor,
    FieldEditor,
    LineEditor,
    LongTextEditor,
    MoneyEditor,
    MultiChoiceEditor,
    StoreFile,
)

LABEL_WIDTH = 230


def _options(form: FormDefinition, field: Field) -> list[Option]:
    # filter_by fields start empty; the owner's refresh() fills them once the filter is set.
    if field.options is not None:
        return list(field.options)
    if field.options_from and not field.filter_by:
        try:
            return list(form.lists(field.options_from, None) or [])
        except Exception:  # noqa: BLE001 - an unknown list was rejected at load; be defensive
            return []
    return []


def make_editor(
    form: FormDefinition, field: Field, lang: str, store_file: StoreFile | None
) -> FieldEditor:
    """The editor widget for ``field`` (sub-editors of person/repeat are built recursively)."""
    t = field.type
    if t == "money":
        return MoneyEditor(field, lang)
    if t == "date":
        return DateEditor(field, lang)
    if t == "long_text":
        return LongTextEditor(field, lang)
    if t == "boolean":
        return BooleanEditor(field, lang)
    if t == "choice":
        return ChoiceEditor(field, _options(form, field), lang)
    if t == "multi_choice":
        return MultiChoiceEditor(field, _options(form, field), lang)
    if t == "computed":
        return ComputedEditor(field, lang)
    if t == "attachment":
        return AttachmentEditor(field, store_file, lang)
    if t == "address":
        return AddressEditor(form, field, lang)
    if t == "person":
        return PersonEditor(form, field, lang, store_file)
    if t == "repeat":
        return RepeatEditor(form, field, lang, store_file)
    return LineEditor(field, lang)  # text, integer, time, id_number, phone, email


class FieldRow(QWidget):
    """Label (with ``*`` when required) on the left; editor, help and message on the right."""

    def __init__(self, field: Field, editor: FieldEditor, lang: str = "vi") -> None:
        super().__init__()
        self.field = field
        self.editor = editor
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(1)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setFixedWidth(LABEL_WIDTH)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._label_text = field.label.get(lang)
        # A check box carries its own label; a group (person/repeat) takes the whole width.
        wide = field.type in ("person", "repeat") or (
            isinstance(editor, BooleanEditor) and editor.check is not None
        )
        if field.type in ("person", "repeat"):
            grid.addWidget(self.label, 0, 0, 1, 2)
            grid.addWidget(editor, 1, 0, 1, 2)
            self.label.setFixedWidth(16777215)
            self.label.setProperty("role", "groupLabel")
            col, first = 0, 2
        elif wide:
            self.label.hide()
            grid.addWidget(editor, 0, 0, 1, 2)
            col, first = 0, 1
        else:
            grid.addWidget(self.label, 0, 0)
            grid.addWidget(editor, 0, 1)
            self.label.setBuddy(editor.focus_widget())
            col, first = 1, 1
        span = 2 if col == 0 else 1
        self.help = QLabel(field.help.get(lang) if field.help else "", self)
        self.help.setWordWrap(True)
        self.help.setProperty("role", "help")
        self.help.setVisible(field.help is not None)
        self.message = QLabel(self)
        self.message.setObjectName(f"issue_{field.id}")
        self.message.setWordWrap(True)
        self.message.hide()
        grid.addWidget(self.help, first, col, 1, span)
        grid.addWidget(self.message, first + 1, col, 1, span)
        grid.setColumnStretch(1, 1)
        self.set_required(field.required is True or (field.required and field.relevant is None))

    def set_required(self, required: bool) -> None:
        mark = ' <span style="color:#b3261e">*</span>' if required else ""
        self.label.setText(f"{self._label_text}{mark}")
        if isinstance(self.editor, BooleanEditor) and self.editor.check is not None:
            self.editor.check.setText(self._label_text + (" *" if required else ""))

    def set_issue(self, text: str | None, warning: bool = False) -> None:
        """Show ``text`` under the editor (red; amber for a warning); ``None`` hides it."""
        self.message.setText(text or "")
        severity = "warning" if warning else "error"
        if self.message.property("severity") != severity:
            # A property read by the theme (clerk.qss), not a per-widget style sheet: those
            # restyle the widget each time and made building and validating pages slow.
            self.message.setProperty("severity", severity)
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)
        self.message.setVisible(bool(text))


class Container:
    """Rows keyed by field id, shared by the section view, person blocks and repeat items."""

    rows: dict[str, FieldRow]

    def find_row(self, parts: list[tuple[str, int | None]]) -> tuple[FieldRow | None, list]:
        """The deepest row along ``parts`` and the parts left (e.g. an address's ``commune``)."""
        fid, index = parts[0]
        row = self.rows.get(fid)
        if row is None:
            return None, parts
        rest = parts[1:]
        ed = row.editor
        if isinstance(ed, RepeatEditor) and index is not None and index < len(ed.items):
            if rest:
                deeper, left = ed.items[index].find_row(rest)
                if deeper is not None:
                    return deeper, left
        elif isinstance(ed, PersonEditor) and rest:
            deeper, left = ed.find_row(rest)
            if deeper is not None:
                return deeper, left
        return row, rest

    def all_rows(self, prefix: str = "") -> list[tuple[str, FieldRow]]:
        """Every row with its issue path, depth first."""
        out: list[tuple[str, FieldRow]] = []
        for fid, row in self.rows.items():
            path = f"{prefix}{fid}"
            out.append((path, row))
            if isinstance(row.editor, PersonEditor):
                out.extend(row.editor.all_rows(path + "."))
            elif isinstance(row.editor, RepeatEditor):
                for i, item in enumerate(row.editor.items):
                    out.extend(item.all_rows(f"{path}[{i}]."))
        return out


class _Group(QFrame, Container):
    """A framed column of sub-field rows (a person block or one repeat item)."""

    edited = Signal()

    def __init__(
        self, form: FormDefinition, fields: tuple[Field, ...], lang: str, store: StoreFile | None
    ) -> None:
        QFrame.__init__(self)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(10, 6, 10, 6)
        self.rows = {}
        for f in fields:
            ed = make_editor(form, f, lang, store)
            ed.edited.connect(self.edited)
            row = FieldRow(f, ed, lang)
            self.rows[f.id] = row
            self.box.addWidget(row)
        self.set_value({})  # a new item or block starts with its fields' defaults

    def value(self) -> dict | None:
        out = {}
        for fid, row in self.rows.items():
            if row.field.type == "computed":
                continue  # recomputed by the engine; typing never sets it
            v = row.editor.value()
            if v is not None:
                out[fid] = v
        return out or None

    def set_value(self, value: Any) -> None:
        value = value if isinstance(value, dict) else {}
        for fid, row in self.rows.items():
            row.editor.set_value(copy.deepcopy(value.get(fid, row.field.default)))


class PersonEditor(FieldEditor, Container):
    """The sub-fields of a person block (as included by the form) in one framed group."""

    def __init__(
        self, form: FormDefinition, field: Field, lang: str, store: StoreFile | None
    ) -> None:
        FieldEditor.__init__(self, field, lang)
        self.group = _Group(form, field.fields, lang, store)
        self.rows = self.group.rows
        self.group.edited.connect(self.edited)
        self._layout.addWidget(self.group)

    def value(self) -> Any:
        return self.group.value()

    def set_value(self, value: Any) -> None:
        self.group.set_value(value)

    def focus_widget(self) -> QWidget:
        first = next(iter(self.rows.values()), None)
        return first.editor.focus_widget() if first else self


class RepeatEditor(FieldEditor):
    """A list of items, each a framed group of sub-rows with a remove button; "Thêm" adds one.

    ``max`` limits the count (the add button is disabled there); ``min`` items are created empty
    when the value is empty, so the clerk sees what to fill."""

    def __init__(
        self, form: FormDefinition, field: Field, lang: str, store: StoreFile | None
    ) -> None:
        FieldEditor.__init__(self, field, lang)
        self.form, self.store = form, store
        self._layout.setDirection(QVBoxLayout.Direction.TopToBottom)
        self.items: list[_Group] = []
        self.list_box = QVBoxLayout()
        self._layout.addLayout(self.list_box)
        bar = QHBoxLayout()
        self.add_button = QPushButton(self.tr("+ Thêm"), self)
        self.add_button.setObjectName(f"add_{field.id}")
        self.add_button.clicked.connect(self._add_clicked)
        bar.addWidget(self.add_button)
        bar.addStretch(1)
        self._layout.addLayout(bar)
        self._ensure_min()

    def _min(self) -> int:
        return self.field.min if isinstance(self.field.min, int) else 0

    def _ensure_min(self) -> None:
        while len(self.items) < max(self._min(), 1 if not self.items else 0):
            self._append()
        self._update_buttons()

    def _append(self) -> _Group:
        item = _Group(self.form, self.field.fields, self.lang, self.store)
        item.edited.connect(self.edited)
        head = QHBoxLayout()
        title = QLabel(item)
        title.setProperty("role", "itemTitle")
        remove = QPushButton(self.tr("Xóa"), item)
        remove.setObjectName("remove_item")
        remove.setToolTip(self.tr("Xóa mục này"))
        remove.clicked.connect(lambda: self.remove_item(self.items.index(item), user=True))
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(remove)
        item.box.insertLayout(0, head)
        item.title, item.remove = title, remove  # type: ignore[attr-defined]
        self.items.append(item)
        self.list_box.addWidget(item)
        QWidget.setTabOrder(remove, self.add_button)  # Tab goes through the new item first
        return item

    def _add_clicked(self) -> None:
        item = self.add_item()
        first = next(iter(item.rows.values()), None)
        if first is not None:
            first.editor.focus_widget().setFocus()
        self.edited.emit()

    def add_item(self) -> _Group:
        """Append an empty item (no signal) and return it."""
        item = self._append()
        self._update_buttons()
        return item

    def remove_item(self, index: int, user: bool = False) -> None:
        item = self.items.pop(index)
        self.list_box.removeWidget(item)
        item.hide()  # deleteLater waits for the event loop; don't paint it meanwhile
        item.setParent(None)
        item.deleteLater()
        self._update_buttons()
        if user:
            self.edited.emit()

    def _update_buttons(self) -> None:
        mx = self.field.max if isinstance(self.field.max, int) else None
        self.add_button.setEnabled(mx is None or len(self.items) < mx)
        for i, item in enumerate(self.items):
            item.title.setText(self.tr("Mục {0}").format(i + 1))  # type: ignore[attr-defined]
            item.remove.setEnabled(len(self.items) > max(self._min(), 1))  # type: ignore[attr-defined]

    def value(self) -> Any:
        values = [item.value() for item in self.items]
        kept = [v for v in values if v]
        return kept or None

    def set_value(self, value: Any) -> None:
        value = value if isinstance(value, list) else []
        while len(self.items) > len(value):
            self.remove_item(len(self.items) - 1)
        while len(self.items) < len(value):
            self._append()
        for item, v in zip(self.items, value, strict=True):
            item.set_value(v)
        self._ensure_min()

    def focus_widget(self) -> QWidget:
        if self.items and self.items[0].rows:
            return next(iter(self.items[0].rows.values())).editor.focus_widget()
        return self.add_button


def _part(fid: str, kind: str, vi: str, en: str, **kw: Any) -> Field:
    return Field(id=fid, type=kind, label=Text(vi, en), **kw)


class AddressEditor(FieldEditor):
    """Province combo → commune combo (only that province's communes, post-2025 codes) → detail
    line; an optional "old address" line for the pre-2025 wording."""

    def __init__(self, form: FormDefinition, field: Field, lang: str = "vi") -> None:
        super().__init__(field, lang)
        self.form = form
        self._layout.setDirection(QVBoxLayout.Direction.TopToBottom)
        top = QHBoxLayout()
        self.province = ChoiceEditor(
            _part("province", "choice", "Tỉnh/thành phố", "Province"),
            list(form.lists("provinces", None) or []),
            lang,
        )
        self.commune = ChoiceEditor(_part("commune", "choice", "Xã/phường", "Commune"), [], lang)
        self.province.combo.lineEdit().setPlaceholderText(
            "Tỉnh/thành phố" if lang == "vi" else "Province"
        )
        self.commune.combo.lineEdit().setPlaceholderText(
            "Xã/phường/đặc khu" if lang == "vi" else "Commune"
        )
        for part in (self.province, self.commune):
            part.combo.setMinimumWidth(160)
            top.addWidget(part, 1)
        self._layout.addLayout(top)
        self.detail = LineEditor(_part("detail", "text", "Số nhà, thôn", "Detail"), lang)
        self.detail.line.setPlaceholderText(
            "Số nhà, đường, thôn/tổ dân phố" if lang == "vi" else "House no., street, hamlet"
        )
        self.legacy = LineEditor(_part("legacy", "text", "Địa chỉ cũ", "Old address"), lang)
        self.legacy.line.setPlaceholderText(
            "Địa chỉ cũ trước 01/07/2025 (nếu có)"
            if lang == "vi"
            else "Pre-2025 address (optional)"
        )
        self._layout.addWidget(self.detail)
        self._layout.addWidget(self.legacy)
        self.parts: dict[str, FieldEditor] = {
            "province": self.province,
            "commune": self.commune,
            "detail": self.detail,
            "legacy": self.legacy,
        }
        self.province.edited.connect(self._province_changed)
        for part in (self.commune, self.detail, self.legacy):
            part.edited.connect(self.edited)

    def _province_changed(self) -> None:
        self._load_communes(self.province.value())
        self.edited.emit()

    def _load_communes(self, province: Any) -> None:
        opts: list[Option] = []
        if isinstance(province, str) and any(o.value == province for o in self.province.options):
            opts = list(self.form.lists("communes", province) or [])
        keep = self.commune.value()
        self.commune.set_options(opts)
        if keep is not None and not any(o.value == keep for o in opts):
            self.commune.set_value(None)  # a commune of another province no longer applies

    def value(self) -> Any:
        out = {k: ed.value() for k, ed in self.parts.items()}
        out = {k: v for k, v in out.items() if v is not None}
        return out or None

    def set_value(self, value: Any) -> None:
        value = value if isinstance(value, dict) else {}
        self.province.set_value(value.get("province"))
        self._load_communes(value.get("province"))
        for key in ("commune", "detail", "legacy"):
            self.parts[key].set_value(value.get(key))

    def focus_widget(self) -> QWidget:
        return self.province.focus_widget()
