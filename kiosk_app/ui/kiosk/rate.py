"""Rate the service: five big levels (rất hài lòng … rất không hài lòng), optional reasons,
stored and queued for the province (``kiosk_app.core.ratings``)."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk_app.core.ratings import LEVELS, REASONS, Ratings
from kiosk_app.ui.kiosk.widgets import BigButton, Flow, NavState, wrap_label

THANKS_MS = 8000


class RateFlow(Flow):
    """Level → reasons → thanks (back to the welcome screen after ``thanks_ms``)."""

    def __init__(
        self,
        kiosk: Any,
        runner: Any,
        lang: str = "vi",
        dossier_code: str | None = None,
        columns: int = 1,
        thanks_ms: int = THANKS_MS,
        level_height: int = 130,
    ) -> None:
        super().__init__()
        self.kiosk, self.runner, self.lang = kiosk, runner, lang
        self.dossier_code = dossier_code
        self.ratings = Ratings.for_kiosk(kiosk)
        self.level: int | None = None
        self.saved_id: str | None = None
        self._sending = False
        self._closed = False
        self.stack = QStackedWidget(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)
        labels = {
            5: self.tr("Rất hài lòng"),
            4: self.tr("Hài lòng"),
            3: self.tr("Bình thường"),
            2: self.tr("Không hài lòng"),
            1: self.tr("Rất không hài lòng"),
        }
        faces = {5: "☺☺", 4: "☺", 3: "–", 2: "☹", 1: "☹☹"}
        self.levels_page = QWidget()
        v = QVBoxLayout(self.levels_page)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(10)
        v.addWidget(wrap_label(self.tr("Bạn có hài lòng với dịch vụ hôm nay không?"),
                               "questionLabel"))  # fmt: skip
        self.level_buttons: dict[int, BigButton] = {}
        self.level_group = QButtonGroup(self)
        for level in LEVELS:
            b = BigButton(f"{faces[level]}   {labels[level]}", self.levels_page, f"level{level}")
            b.setCheckable(True)
            b.setMinimumHeight(max(b.minimumHeight(), level_height))
            self.level_group.addButton(b)
            b.clicked.connect(lambda _=False, lv=level: self.choose(lv))
            v.addWidget(b)
            self.level_buttons[level] = b
        v.addStretch(1)
        self.stack.addWidget(self.levels_page)

        self.reasons_page = QWidget()
        rv = QVBoxLayout(self.reasons_page)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.setSpacing(16)
        rv.addWidget(wrap_label(self.tr("Vì sao? (chọn nếu muốn, không bắt buộc)"),
                                "questionLabel"))  # fmt: skip
        grid = QGridLayout()
        grid.setSpacing(14)
        reason_labels = {
            "staff_helpful": self.tr("Cán bộ tận tình, chu đáo"),
            "fast": self.tr("Nhanh, đúng hẹn"),
            "easy_kiosk": self.tr("Máy dễ dùng"),
            "clear_info": self.tr("Hướng dẫn dễ hiểu"),
            "long_wait": self.tr("Phải chờ lâu"),
            "hard_procedure": self.tr("Thủ tục khó hiểu, nhiều giấy tờ"),
            "hard_kiosk": self.tr("Máy khó dùng"),
            "fees": self.tr("Phí, lệ phí chưa rõ"),
            "staff_attitude": self.tr("Thái độ cán bộ chưa tốt"),
        }
        self.reason_buttons: dict[str, BigButton] = {}
        for i, code in enumerate(REASONS):
            b = BigButton(reason_labels.get(code, REASONS[code].get(lang)), self.reasons_page)
            b.setCheckable(True)
            grid.addWidget(b, i // columns, i % columns)
            self.reason_buttons[code] = b
        rv.addLayout(grid)
        self.error_label = wrap_label("", "errorText")
        self.error_label.hide()
        rv.addWidget(self.error_label)
        rv.addStretch(1)
        self.stack.addWidget(self.reasons_page)

        self.thanks_page = QWidget()
        tv = QVBoxLayout(self.thanks_page)
        tv.addStretch(1)
        thanks = wrap_label(self.tr("Cảm ơn bạn đã đánh giá!"), "screenTitle")
        tv.addWidget(thanks)
        tv.addWidget(wrap_label(self.tr("Ý kiến của bạn giúp xã phục vụ tốt hơn."), "bodyText"))
        tv.addStretch(2)
        self.stack.addWidget(self.thanks_page)
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(thanks_ms)
        self.thanks_timer.timeout.connect(self.done)

    def choose(self, level: int) -> None:
        self.level = level
        self.level_buttons[level].setChecked(True)
        self.stack.setCurrentWidget(self.reasons_page)
        self.changed.emit()
        self.say.emit(self.speech_text())

    def reasons(self) -> list[str]:
        return [code for code, b in self.reason_buttons.items() if b.isChecked()]

    def send(self) -> None:
        if self.level is None or self._sending or self.saved_id:
            return
        self._sending = True
        self.changed.emit()
        ratings, level, reasons, code = self.ratings, self.level, self.reasons(), self.dossier_code
        self.runner.run(
            lambda: ratings.submit(level, reasons, dossier_code=code, channel="kiosk"),
            self._sent,
            self._failed,
        )

    def _sent(self, rating: Any) -> None:
        if self._closed or not shiboken6.isValid(self):
            return
        self._sending = False
        self.saved_id = rating.id
        self.stack.setCurrentWidget(self.thanks_page)
        self.thanks_timer.start()
        self.changed.emit()
        self.say.emit(self.speech_text())

    def _failed(self, exc: BaseException) -> None:
        if self._closed or not shiboken6.isValid(self):
            return
        self._sending = False
        self.error_label.setText(getattr(exc, "message", None) or str(exc))
        self.error_label.show()
        self.changed.emit()

    def nav(self) -> NavState:
        page = self.stack.currentWidget()
        if page is self.levels_page:
            return NavState(self.tr("Đánh giá sự hài lòng"), next_text=None, step=1, steps=2)
        if page is self.reasons_page:
            return NavState(
                self.tr("Đánh giá sự hài lòng"),
                next_text=self.tr("Gửi đánh giá ✓"),
                next_enabled=not self._sending,
                step=2,
                steps=2,
            )
        return NavState(self.tr("Cảm ơn"), back=False, next_text=self.tr("Xong"))

    def go_next(self) -> None:
        page = self.stack.currentWidget()
        if page is self.reasons_page:
            self.send()
        elif page is self.thanks_page:
            self.done.emit()

    def go_back(self) -> None:
        if self.stack.currentWidget() is self.reasons_page:
            self.stack.setCurrentWidget(self.levels_page)
            self.changed.emit()
        else:
            self.done.emit()

    def speech_text(self) -> str:
        page = self.stack.currentWidget()
        if page is self.levels_page:
            return self.tr(
                "Bạn có hài lòng với dịch vụ hôm nay không? Rất hài lòng, hài lòng, bình "
                "thường, không hài lòng, hay rất không hài lòng?"
            )
        if page is self.reasons_page:
            return self.tr("Vì sao? Chọn lý do nếu muốn, rồi bấm Gửi đánh giá.")
        return self.tr("Cảm ơn bạn đã đánh giá!")

    def close_flow(self) -> None:
        self._closed = True
        self.thanks_timer.stop()
