"""Learn: browse procedures in plain words — papers to bring, how long, how much — and print
that list on the 80 mm printer."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from kiosk_app.ui.kiosk.procedures import (
    ProcedureList,
    document_lines,
    fee_summary,
    plain_name,
    time_summary,
)
from kiosk_app.ui.kiosk.slips import PrintFn, checklist_pdf
from kiosk_app.ui.kiosk.widgets import BigButton, Flow, NavState, wrap_label


class LearnFlow(Flow):
    """Procedure list → one procedure's details. ``submit_requested(code)`` when the citizen
    wants to file it now."""

    submit_requested = Signal(str)

    def __init__(
        self, kiosk: Any, runner: Any, printer: PrintFn, lang: str = "vi", columns: int = 1
    ) -> None:
        super().__init__()
        self.kiosk, self.runner, self.printer, self.lang = kiosk, runner, printer, lang
        self.code: str | None = None
        self.stack = QStackedWidget(self)
        QVBoxLayout(self).addWidget(self.stack)
        self.layout().setContentsMargins(0, 0, 0, 0)
        self.list = ProcedureList(kiosk.catalog, lang, columns)
        self.list.chosen.connect(self.show_procedure)
        self.stack.addWidget(self.list)
        self.detail = QWidget()
        self.stack.addWidget(self.detail)

    def show_procedure(self, code: str) -> None:
        proc = self.kiosk.catalog.get(code)
        self.code = code
        old = self.detail
        self.detail = QWidget()
        box = QVBoxLayout(self.detail)
        box.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        v = QVBoxLayout(inner)
        v.setSpacing(10)
        v.addWidget(wrap_label(plain_name(proc, self.lang), "screenTitle"))
        v.addWidget(wrap_label(proc.name.get(self.lang), "questionContext"))
        self.sections = self._sections(proc)
        for heading, lines in self.sections:
            v.addWidget(wrap_label(heading, "groupTitle"))
            for line in lines:
                v.addWidget(wrap_label("• " + line, "bodyText"))
        v.addStretch(1)
        scroll.setWidget(inner)
        box.addWidget(scroll, 1)
        self.message = wrap_label("", "okText")
        box.addWidget(self.message)
        self.print_button = BigButton(self.tr("In danh sách này"), self.detail)
        self.print_button.clicked.connect(self.print_list)
        box.addWidget(self.print_button)
        self.stack.addWidget(self.detail)
        self.stack.setCurrentWidget(self.detail)
        self.stack.removeWidget(old)
        old.deleteLater()
        self.changed.emit()
        self.say.emit(self.speech_text())

    def _sections(self, proc: Any) -> list[tuple[str, list[str]]]:
        return [
            (self.tr("Giấy tờ cần mang"), document_lines(proc, self.lang)),
            (self.tr("Thời gian giải quyết"), [time_summary(proc, self.lang)]),
            (self.tr("Lệ phí"), [fee_summary(proc, self.lang)]),
        ]

    def print_list(self) -> None:
        proc = self.kiosk.catalog.get(self.code)
        office = self.kiosk.office
        pdf = checklist_pdf(
            plain_name(proc, self.lang),
            [(proc.name.get(self.lang), []), *self.sections],
            footer=office.agency_name or office.agency_id,
        )
        self.print_button.setEnabled(False)
        self.message.setObjectName("okText")
        self.message.setText(self.tr("Đang in…"))
        self.runner.run(lambda: self.printer(pdf), self._printed, self._print_failed)

    def _printed(self, _result: Any) -> None:
        if not shiboken6.isValid(self):
            return
        self.print_button.setEnabled(True)
        self.message.setText(self.tr("Đã in xong. Mời bạn lấy phiếu ở khe máy in."))
        self.say.emit(self.message.text())

    def _print_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.print_button.setEnabled(True)
        text = self.tr("Không in được: %1. Bạn có thể chụp ảnh màn hình này.").replace(
            "%1", getattr(exc, "message", None) or str(exc)
        )
        self.message.setText(text)
        self.say.emit(text)

    # ------------------------------------------------------------------ navigation
    def nav(self) -> NavState:
        if self.stack.currentWidget() is self.list:
            return NavState(self.tr("Tìm hiểu thủ tục: chọn việc bạn cần làm"), next_text=None)
        return NavState(self.tr("Cần chuẩn bị gì?"), next_text=self.tr("Nộp hồ sơ này →"))

    def go_back(self) -> None:
        if self.stack.currentWidget() is self.list:
            self.done.emit()
        else:
            self.stack.setCurrentWidget(self.list)
            self.changed.emit()

    def go_next(self) -> None:
        if self.code and self.stack.currentWidget() is self.detail:
            self.submit_requested.emit(self.code)

    def speech_text(self) -> str:
        if self.stack.currentWidget() is self.list:
            return self.tr("Hãy chạm vào việc bạn cần làm để xem cần mang giấy tờ gì.")
        proc = self.kiosk.catalog.get(self.code)
        parts = [plain_name(proc, self.lang)]
        for heading, lines in self.sections:
            parts.append(heading + ": " + "; ".join(lines))
        return ". ".join(parts)
