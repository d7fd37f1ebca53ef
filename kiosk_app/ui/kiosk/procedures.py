"""Choosing a procedure in plain words, grouped by field, and what each one needs.

The seed articles say citizens do not know what services exist: the kiosk names each one the
way people ask for it ("Làm giấy khai sinh cho con"), with the official name underneath.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGridLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk_app.ui.kiosk.widgets import TwoLineButton, wrap_label


def plain_name(proc: Any, lang: str = "vi") -> str:
    """How people ask for ``proc`` (falls back to the catalogue's name)."""
    names = {
        "1.001193": QCoreApplication.translate("KioskPlain", "Làm giấy khai sinh cho con"),
        "1.000894": QCoreApplication.translate("KioskPlain", "Đăng ký kết hôn"),
        "1.000656": QCoreApplication.translate("KioskPlain", "Báo tử cho người đã mất (khai tử)"),
        "1.004873": QCoreApplication.translate(
            "KioskPlain", "Xin giấy xác nhận độc thân (tình trạng hôn nhân)"
        ),
        "2.000815": QCoreApplication.translate("KioskPlain", "Chứng thực bản sao giấy tờ (sao y)"),
        "2.000884": QCoreApplication.translate("KioskPlain", "Chứng thực chữ ký"),
        "1.004859": QCoreApplication.translate(
            "KioskPlain", "Sửa, thay đổi thông tin hộ tịch (tên, ngày sinh…)"
        ),
        "2.000635": QCoreApplication.translate(
            "KioskPlain", "Xin bản sao giấy khai sinh, kết hôn… (trích lục)"
        ),
        "1.001022": QCoreApplication.translate("KioskPlain", "Đăng ký nhận cha, mẹ, con"),
    }
    return names.get(proc.code) or proc.name.get(lang)


def official_name(proc: Any, lang: str = "vi") -> str:
    name = proc.name.get(lang)
    return name if len(name) <= 90 else name[:88].rstrip(" ,") + "…"


class ProcedureList(QWidget):
    """Every procedure of the catalogue as a big button, under its field's title.
    ``chosen(code)`` on a tap."""

    chosen = Signal(str)

    def __init__(self, catalog: Any, lang: str = "vi", columns: int = 1) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        box = QVBoxLayout(body)
        box.setSpacing(14)
        self.buttons: dict[str, TwoLineButton] = {}
        for field_id, procs in catalog.by_field().items():
            if not procs:
                continue
            fld = catalog.fields.get(field_id)
            box.addWidget(wrap_label(fld.name.get(lang) if fld else field_id, "groupTitle"))
            grid = QGridLayout()
            grid.setSpacing(14)
            for i, proc in enumerate(sorted(procs, key=lambda p: plain_name(p, lang))):
                plain, official = plain_name(proc, lang), official_name(proc, lang)
                subtitle = "" if official == plain else official
                b = TwoLineButton(plain, subtitle, body, "procedureButton")
                b.setToolTip(proc.code)
                b.clicked.connect(lambda _=False, c=proc.code: self.chosen.emit(c))
                grid.addWidget(b, i // columns, i % columns)
                self.buttons[proc.code] = b
            box.addLayout(grid)
        box.addStretch(1)
        scroll.setWidget(body)


def fee_summary(proc: Any, lang: str = "vi") -> str:
    """The fee in plain words (free, an amount, or the rule's note)."""
    rule = proc.fee
    if rule.type == "free":
        return QCoreApplication.translate("KioskPlain", "Miễn phí")
    if rule.type in ("fixed", "provincial") and rule.amount:
        from kiosk_app.ui.widgets.editors import format_money

        text = format_money(int(rule.amount))
        if rule.per is not None:
            text += " / " + rule.per.get(lang)
        return text + (f"\n{rule.note.get(lang)}" if rule.note else "")
    if rule.note is not None:
        return rule.note.get(lang)
    return QCoreApplication.translate("KioskPlain", "Cán bộ sẽ báo khi nhận hồ sơ")


def time_summary(proc: Any, lang: str = "vi") -> str:
    text = proc.processing_time.describe(lang)
    return text


def document_lines(proc: Any, lang: str = "vi") -> list[str]:
    """The papers to bring, one line each: name, in what form, how many, and when needed."""
    from kiosk_app.ui.clerk import doc_form_label

    lines = []
    for d in proc.documents:
        forms = " / ".join(doc_form_label(f) for f in d.forms)
        line = f"{d.name.get(lang)} — {forms}, {d.count} " + QCoreApplication.translate(
            "KioskPlain", "bản"
        )
        if d.action == "present":
            line += " " + QCoreApplication.translate(
                "KioskPlain", "(mang theo để cán bộ xem, không nộp)"
            )
        if d.required is False:
            line += " " + QCoreApplication.translate("KioskPlain", "(nếu có)")
        elif d.required is not True:
            line += " " + QCoreApplication.translate("KioskPlain", "(tùy trường hợp)")
        lines.append(line)
    return lines
