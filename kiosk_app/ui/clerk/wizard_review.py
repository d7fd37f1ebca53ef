"""Wizard step "Kiểm tra": everything entered on one page, with a "Sửa" button per step, and the
display formatting of answers (choices by label, dates DD/MM/YYYY, money with dots)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.applicant import format_address
from kiosk_app.ui.clerk import doc_form_label, fee_text
from kiosk_app.ui.widgets.editors import format_money

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def display_value(form: Any, field: Any, value: Any, answers: dict, path: str, lang: str) -> str:
    """One line of text for a stored value (lists and groups flattened with "; ")."""
    if value is None or value == "" or value == []:
        return ""
    t = field.type
    if t == "computed":
        t = {"money": "money", "date": "date", "boolean": "boolean"}.get(field.value_type or "", t)
    if t == "boolean":
        return "Có" if value else "Không"
    if t == "money":
        return format_money(value) if value else "0 đ"  # an amount field, not a fee: 0 is 0
    if t == "date" and isinstance(value, str) and _ISO.match(value):
        y, m, d = _ISO.match(value).groups()
        return f"{d}/{m}/{y}"
    if t == "address":
        return format_address(value)
    if t in ("choice", "multi_choice"):
        try:
            labels = {o.value: o.label.get(lang) for o in form.options_for(path, answers)}
        except (KeyError, ValueError, TypeError):
            labels = {}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in values)
    if t == "person" and isinstance(value, dict):
        parts = []
        for sub in field.fields:
            text = display_value(form, sub, value.get(sub.id), answers, f"{path}.{sub.id}", lang)
            if text:
                parts.append(f"{sub.label.get(lang)}: {text}")
        return "; ".join(parts)
    if t == "repeat" and isinstance(value, list):
        items = []
        for i, item in enumerate(value, 1):
            sub_parts = [
                display_value(form, sub, item.get(sub.id), answers, f"{path}.{sub.id}", lang)
                for sub in field.fields
            ]
            items.append(f"({i}) " + ", ".join(p for p in sub_parts if p))
        return "; ".join(items)
    return str(value)


class ReviewPage(QWidget):
    """Rebuilt by :meth:`show_summary` each time the clerk arrives; "Sửa" calls ``on_edit(key)``."""

    def __init__(self, on_edit: Callable[[str], None]) -> None:
        super().__init__()
        self.on_edit = on_edit
        outer = QVBoxLayout(self)
        title = QLabel(self.tr("Kiểm tra trước khi nộp"))
        title.setStyleSheet("font-size: 16px; font-weight: 600;")
        outer.addWidget(title)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        outer.addWidget(self.scroll, 1)
        self.error = QLabel()
        self.error.setObjectName("submit_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        outer.addWidget(self.error)
        self.edit_buttons: dict[str, QPushButton] = {}

    def show_summary(self, groups: list[tuple[str, str, list[tuple[str, str]]]]) -> None:
        """``groups``: (step key, title, [(label, text)]) in step order."""
        host = QWidget()
        box = QVBoxLayout(host)
        self.edit_buttons = {}
        for key, title, lines in groups:
            frame = QFrame()
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            inner = QVBoxLayout(frame)
            head = QHBoxLayout()
            head.addWidget(QLabel(f"<b>{title}</b>"), 1)
            edit = QPushButton(self.tr("Sửa"))
            edit.clicked.connect(lambda _=False, k=key: self.on_edit(k))
            head.addWidget(edit)
            self.edit_buttons[key] = edit
            inner.addLayout(head)
            grid = QGridLayout()
            for row, (label, text) in enumerate(lines):
                name = QLabel(label)
                name.setWordWrap(True)
                name.setMaximumWidth(320)
                grid.addWidget(name, row, 0)
                value = QLabel(text)
                value.setWordWrap(True)
                grid.addWidget(value, row, 1)
            grid.setColumnStretch(1, 1)
            inner.addLayout(grid)
            box.addWidget(frame)
        box.addStretch(1)
        self.scroll.setWidget(host)

    def text(self) -> str:
        """All labels' text (tests and accessibility)."""
        host = self.scroll.widget()
        if host is None:
            return ""
        return "\n".join(lbl.text() for lbl in host.findChildren(QLabel))


def summary_groups(wiz: Any) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The review page's content for an ``IntakeWizard``: (step key, title, [(label, text)])
    for every step the clerk went through, in order."""
    from kiosk_app.ui.clerk.wizard_keys import DOCUMENTS, FEE, RECEIPT, REVIEW

    groups = []
    form, answers, lang = wiz.form, wiz.answers, wiz.lang
    for key in wiz.keys:
        if key in (REVIEW, RECEIPT) or wiz._skipped(key):
            continue
        lines: list[tuple[str, str]] = []
        if key == DOCUMENTS:
            for d in wiz.documents_page.documents():
                name = wiz.documents_page.rows[d["id"]].req.name.get(lang)
                lines.append((name, f"{doc_form_label(d['form'])} × {d['count']}"))
            for rid in wiz.documents_page.presented():
                req = wiz.documents_page.rows[rid].req
                lines.append(
                    (
                        req.name.get(lang),
                        QCoreApplication.translate("IntakeWizard", "đã xuất trình"),
                    )
                )
            for a in wiz.documents_page.attachments():
                lines.append(
                    (QCoreApplication.translate("IntakeWizard", "Tệp đính kèm"), a["name"])
                )
            if not lines:
                lines.append(
                    (
                        QCoreApplication.translate(
                            "IntakeWizard", "(không có giấy tờ nào được đánh dấu)"
                        ),
                        "",
                    )
                )
        elif key == FEE:
            fee = wiz.fee_page
            lines.append((QCoreApplication.translate("IntakeWizard", "Lệ phí"), fee_text(fee.fee)))
            method = fee.payment().get("method")
            if method:
                lines.append(
                    (
                        QCoreApplication.translate("IntakeWizard", "Hình thức nộp"),
                        fee.buttons[method].text(),
                    )
                )
            lines.append(
                (
                    QCoreApplication.translate("IntakeWizard", "Nơi trả kết quả"),
                    fee.buttons[fee.delivery()].text(),
                )
            )
        else:
            sid = wiz._section_of_key(key)
            for f in form.visible_fields(sid, answers) if sid else []:
                text = display_value(form, f, answers.get(f.id), answers, f.id, lang)
                lines.append((f.label.get(lang), text))
        groups.append((key, wiz.titles[key], lines))
    return groups
