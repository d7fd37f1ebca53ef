"""Wizard step "Người nộp hồ sơ": ID number typed or CCCD QR scanned, an offer to reuse a returning
applicant's details (``intake.prefill``), and the form section holding the requester block."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.applicant import APPLICANT_FIELD
from kiosk_app.core.identity import CccdQrError, parse_cccd_qr


class ApplicantPage(QWidget):
    """``lookup_requested(id_number)`` when the clerk confirms a number; ``prefill_accepted``
    when the clerk takes the offered earlier details. The requester section view is embedded."""

    lookup_requested = Signal(str)
    prefill_accepted = Signal()

    def __init__(self, section_view: QWidget | None) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        title = QLabel(self.tr("Người nộp hồ sơ"))
        title.setStyleSheet("font-size: 16px; font-weight: 600;")
        outer.addWidget(title)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Số CCCD/định danh:")))
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("applicant_id")
        self.id_edit.setPlaceholderText(self.tr("Nhập 12 số hoặc quét mã QR trên thẻ CCCD"))
        self.id_edit.setMaxLength(12)
        self.id_edit.returnPressed.connect(self._lookup_and_move_on)
        row.addWidget(self.id_edit, 1)
        find = QPushButton(self.tr("Tìm"))
        find.clicked.connect(self._lookup)
        row.addWidget(find)
        outer.addLayout(row)
        self.scan_status = QLabel(self.tr("Có thể quét mã QR trên thẻ CCCD bằng máy quét."))
        self.scan_status.setObjectName("scan_status")
        self.scan_status.setWordWrap(True)
        outer.addWidget(self.scan_status)

        self.offer = QFrame()
        self.offer.setFrameShape(QFrame.Shape.StyledPanel)
        offer_box = QHBoxLayout(self.offer)
        self.offer_label = QLabel()
        self.offer_label.setWordWrap(True)
        offer_box.addWidget(self.offer_label, 1)
        self.offer_button = QPushButton(self.tr("Dùng lại thông tin"))
        self.offer_button.clicked.connect(self.prefill_accepted)
        offer_box.addWidget(self.offer_button)
        self.offer.hide()
        outer.addWidget(self.offer)

        if section_view is not None:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(section_view)
            outer.addWidget(scroll, 1)
        else:
            outer.addStretch(1)

    def _lookup_and_move_on(self) -> None:
        self._lookup()
        self.focusNextChild()  # Enter moves on, as in every other field

    def _lookup(self) -> None:
        digits = "".join(ch for ch in self.id_edit.text() if ch.isdigit())
        if digits:
            self.lookup_requested.emit(digits)

    def offer_prefill(self, person: dict[str, Any] | None) -> None:
        if not person:
            self.offer.hide()
            return
        self.offer_label.setText(
            self.tr("Người này đã nộp hồ sơ trước đây: %1. Dùng lại thông tin đã lưu?").replace(
                "%1", str(person.get("full_name", ""))
            )
        )
        self.offer.show()

    def show_scan(self, text: str, error: bool = False) -> None:
        self.scan_status.setText(text)
        self.scan_status.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")


class ApplicantSteps:
    """The wizard's applicant logic (mixed into ``IntakeWizard``): merge a person into the
    requester block, apply a CCCD scan, look up and accept a returning applicant."""

    def _merge_requester(self, person: dict[str, Any]) -> None:
        self._merge_person(APPLICANT_FIELD, person)

    def _merge_person(self, field_id: str, person: dict[str, Any]) -> None:
        """Fill the sub-fields this person field asks for (others in ``person`` are dropped)."""
        field = self.form.field(field_id)
        allowed = {f.id for f in field.fields}
        current = dict(self.answers.get(field_id) or {})
        current.update({k: v for k, v in person.items() if k in allowed and v not in (None, "")})
        self.answers = self.form.compute(self.form.normalize({**self.answers, field_id: current}))
        self._touched.add(field_id)
        for view in self.views.values():
            view.set_answers(self.answers)
        self._changed()

    def scan_target(self, key: str | None) -> str | None:
        """Which person field a CCCD scan fills on page ``key``: the requester on the applicant
        page, else the first visible person field of that section (the mother, the father…)."""
        if self.form is None or key is None:
            return None
        if key == "applicant":
            return APPLICANT_FIELD
        if not key.startswith("section:"):
            return None
        fields = self.form.visible_fields(key.split(":", 1)[1], self.answers)
        return next((f.id for f in fields if f.type == "person"), None)

    def apply_scan(self, text: str) -> None:
        """A CCCD QR from the scanner: fill the requester (and look for an earlier dossier), or
        on a section page the person that section is about."""
        target = self.scan_target(self.current_key())
        if target is None:
            return
        try:
            qr = parse_cccd_qr(text)
        except CccdQrError as exc:
            if target == APPLICANT_FIELD:
                self.applicant_page.show_scan(exc.text.get(self.lang), error=True)
            else:
                self._say(exc.text.get(self.lang), error=True)
            return
        if target != APPLICANT_FIELD:
            self._merge_person(target, qr.to_person())
            label = self.form.field(target).label.get(self.lang)
            read = self.tr("Đã đọc thẻ CCCD của %1 vào mục “%2”")
            self._say(read.replace("%1", qr.full_name).replace("%2", label))
            return
        self.applicant_page.id_edit.setText(qr.id_number)
        self._merge_requester(qr.to_person())
        self.applicant_page.show_scan(self.tr("Đã đọc thẻ CCCD của %1").replace("%1", qr.full_name))
        self._lookup_applicant(qr.id_number)

    def _lookup_applicant(self, id_number: str) -> None:
        current = self.answers.get(APPLICANT_FIELD) or {}
        if current.get("id_number") != id_number:
            self._merge_requester({"id_number": id_number})
        from kiosk_app.core.desk import Desk

        desk, session = Desk(self.kiosk.store, self.kiosk.intake), getattr(self, "session", None)
        self._prefill: dict[str, Any] | None = None

        def done(person: dict[str, Any] | None) -> None:
            if not shiboken6.isValid(self):
                return
            self._prefill = person
            self.applicant_page.offer_prefill(person)

        self.runner.run(lambda: desk.prefill(id_number, session), done, self._fatal)

    def _accept_prefill(self) -> None:
        if getattr(self, "_prefill", None):
            earlier = dict(self._prefill)
            mine = {k: v for k, v in (self.answers.get(APPLICANT_FIELD) or {}).items() if v}
            self._merge_requester({**earlier, **mine})
        self.applicant_page.offer_prefill(None)
