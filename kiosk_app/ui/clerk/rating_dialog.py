"""The citizen rates the service at the counter: five big levels, optional reasons as toggle
buttons, "Gửi đánh giá" / "Bỏ qua". Opened by the clerk after a receipt or a hand-over and
turned towards the citizen, so it is large and needs no typing.

The rating is anonymous (the dossier code and channel "desk", never a person) and stored by
:class:`kiosk_app.core.ratings.Ratings` on the TaskRunner, never on the GUI thread. The core
refuses a second desk rating of the same dossier; the dialog asks the core when it opens and
shows that refusal instead of the levels.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.ratings import LEVELS, RatingError, Ratings

CHANNEL = "desk"
# The kiosk's own reasons ("the kiosk was easy/hard to use") do not apply at the counter.
DESK_REASONS = ("staff_helpful", "fast", "clear_info", "long_wait", "hard_procedure", "fees",
                "staff_attitude")  # fmt: skip
THANKS_MS = 2500
STYLE = """
QPushButton { font-size: 19px; padding: 4px 12px; min-height: 34px; }
QPushButton#level { font-size: 24px; min-height: 46px; text-align: left; padding-left: 24px; }
QPushButton:checked { background: #1f6feb; color: white; border: 2px solid #0b3d91; }
QLabel#question { font-size: 26px; font-weight: bold; }
QLabel#hint { font-size: 19px; }
QLabel#message { font-size: 22px; font-weight: bold; }
QPushButton#send, QPushButton#skip { font-size: 21px; min-height: 40px; min-width: 160px; }
QPushButton#send { font-weight: bold; }
"""


class RatingDialog(QDialog):
    """Rate dossier ``code`` at the desk. ``succeeded(rating)`` fires once stored; the dialog
    then thanks the citizen and closes after ``thanks_ms``. Refusals stay on screen."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        kiosk: Any,
        code: str,
        runner: Any = None,
        parent: QWidget | None = None,
        *,
        thanks_ms: int = THANKS_MS,
    ) -> None:
        super().__init__(parent)
        self.kiosk, self.code, self.runner = kiosk, code, runner
        self.ratings = Ratings.for_kiosk(kiosk)
        self.level: int | None = None
        self.rating: Any = None
        self._sending = False
        self.setWindowTitle(self.tr("Đánh giá sự hài lòng — hồ sơ %1").replace("%1", code))
        self.setStyleSheet(STYLE)
        self.resize(760, 700)  # fits a 1366 × 768 desk screen

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        question = QLabel(self.tr("Ông/bà có hài lòng với việc giải quyết hồ sơ hôm nay không?"))
        question.setObjectName("question")
        question.setWordWrap(True)
        layout.addWidget(question)
        labels = {
            5: self.tr("Rất hài lòng"),
            4: self.tr("Hài lòng"),
            3: self.tr("Bình thường"),
            2: self.tr("Không hài lòng"),
            1: self.tr("Rất không hài lòng"),
        }
        faces = {5: "☺☺", 4: "☺", 3: "–", 2: "☹", 1: "☹☹"}
        self.level_group = QButtonGroup(self)
        self.level_buttons: dict[int, QPushButton] = {}
        for level in LEVELS:
            b = QPushButton(f"{faces[level]}   {labels[level]}", self)
            b.setObjectName("level")
            b.setCheckable(True)
            self.level_group.addButton(b)
            b.clicked.connect(lambda _=False, lv=level: self.choose(lv))
            layout.addWidget(b)
            self.level_buttons[level] = b

        hint = QLabel(self.tr("Vì sao? (chọn nếu muốn, không bắt buộc)"))
        hint.setObjectName("hint")
        layout.addWidget(hint)
        reason_labels = {
            "staff_helpful": self.tr("Cán bộ tận tình, chu đáo"),
            "fast": self.tr("Nhanh, đúng hẹn"),
            "clear_info": self.tr("Hướng dẫn dễ hiểu"),
            "long_wait": self.tr("Phải chờ lâu"),
            "hard_procedure": self.tr("Thủ tục khó hiểu, nhiều giấy tờ"),
            "fees": self.tr("Phí, lệ phí chưa rõ"),
            "staff_attitude": self.tr("Thái độ cán bộ chưa tốt"),
        }
        grid = QGridLayout()
        grid.setSpacing(8)
        self.reason_buttons: dict[str, QPushButton] = {}
        for i, code_ in enumerate(DESK_REASONS):
            b = QPushButton(reason_labels[code_], self)
            b.setCheckable(True)
            grid.addWidget(b, i // 2, i % 2)
            self.reason_buttons[code_] = b
        layout.addLayout(grid)

        self.message = QLabel("", self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        layout.addStretch(1)

        row = QHBoxLayout()
        self.skip_button = QPushButton(self.tr("Bỏ qua"), self)
        self.skip_button.setObjectName("skip")
        self.skip_button.clicked.connect(self.reject)
        self.send_button = QPushButton(self.tr("Gửi đánh giá"), self)
        self.send_button.setObjectName("send")
        self.send_button.setEnabled(False)
        self.send_button.clicked.connect(self.send)
        row.addWidget(self.skip_button)
        row.addStretch(1)
        row.addWidget(self.send_button)
        layout.addLayout(row)

        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(thanks_ms)
        self.thanks_timer.timeout.connect(self.accept)
        self._run(lambda: self.ratings.rated(code, CHANNEL), self._checked, self._failed)

    # ------------------------------------------------------------------ choices
    def choose(self, level: int) -> None:
        self.level = level
        self.level_buttons[level].setChecked(True)
        self.send_button.setEnabled(not self._sending and self.rating is None)

    def reasons(self) -> list[str]:
        return [code for code, b in self.reason_buttons.items() if b.isChecked()]

    def _run(self, work: Any, done: Any, failed: Any) -> None:
        if self.runner is not None:
            self.runner.run(work, done, failed)
            return
        try:  # no runner (a caller without one): the store call is short
            result = work()
        except Exception as exc:  # noqa: BLE001 — shown in the dialog, never a crash
            failed(exc)
        else:
            done(result)

    def _checked(self, already: bool) -> None:
        if already and shiboken6.isValid(self) and self.rating is None:
            self._refused(self.tr("Hồ sơ %1 đã được đánh giá tại quầy; mỗi hồ sơ chỉ được "
                                  "đánh giá một lần.").replace("%1", self.code))  # fmt: skip

    # ------------------------------------------------------------------ sending
    def send(self) -> None:
        """Store the rating off the GUI thread (nothing happens before a level is chosen)."""
        if self.level is None or self._sending or self.rating is not None:
            return
        self._sending = True
        self.send_button.setEnabled(False)
        ratings, level, reasons, code = self.ratings, self.level, self.reasons(), self.code
        self._run(
            lambda: ratings.submit(level, reasons, dossier_code=code, channel=CHANNEL),
            self._sent,
            self._failed,
        )

    def _sent(self, rating: Any) -> None:
        if not shiboken6.isValid(self):
            return
        self._sending = False
        self.rating = rating
        for b in (*self.level_buttons.values(), *self.reason_buttons.values()):
            b.setEnabled(False)
        self.skip_button.setText(self.tr("Đóng"))
        self.message.setText(self.tr("Cảm ơn ông/bà đã đánh giá!"))
        self.message.show()
        self.succeeded.emit(rating)
        self.thanks_timer.start()

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._sending = False
        message = getattr(exc, "message", None) or str(exc)
        if isinstance(exc, RatingError):  # refused by the core (rated already): final
            self._refused(message)
            return
        self.message.setText(message)  # e.g. the disk is full: the choices stay, retry
        self.message.show()
        self.send_button.setEnabled(self.level is not None)
        self.failed.emit(message)

    def _refused(self, message: str) -> None:
        for b in (*self.level_buttons.values(), *self.reason_buttons.values()):
            b.setEnabled(False)
        self.send_button.setEnabled(False)
        self.skip_button.setText(self.tr("Đóng"))
        self.message.setText(message)
        self.message.show()
        self.failed.emit(message)

    def done(self, result: int) -> None:  # noqa: D102 (Qt override: stop the thanks timer)
        self.thanks_timer.stop()
        super().done(result)


def open_rating(parent: QWidget | None, kiosk: Any, code: str, runner: Any) -> RatingDialog:
    """Open (window-modal) the rating dialog for dossier ``code``; returns it."""
    from PySide6.QtCore import Qt

    dialog = RatingDialog(kiosk, code, runner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
