"""Idle watch: nobody touched the kiosk for a while → warn (with a countdown and a sound),
then wipe. Any press, touch, key or wheel anywhere in the application counts as activity.
:class:`IdleOverlay` is the countdown the shell shows over everything.

Intervals and the clock are injectable so tests run in milliseconds:
``IdleWatch(warn_ms=60_000, wipe_ms=90_000, tick_ms=250, clock=...)``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from kiosk_app.ui.kiosk.widgets import BigButton, wrap_label

WARN_MS = 60_000
WIPE_MS = 90_000
TICK_MS = 250

_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
}


class IdleWatch(QObject):
    """``warning(seconds_left)`` once when ``warn_ms`` pass without activity and then every
    tick with the seconds left; ``cancelled`` when activity comes back during the warning;
    ``expired`` at ``wipe_ms``. Only counts while ``armed`` (the shell arms it once a citizen
    starts something; the welcome screen has nothing to wipe)."""

    warning = Signal(int)
    cancelled = Signal()
    expired = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        warn_ms: int = WARN_MS,
        wipe_ms: int = WIPE_MS,
        tick_ms: int = TICK_MS,
        clock: Callable[[], int] | None = None,
    ) -> None:
        super().__init__(parent)
        if not 0 < warn_ms < wipe_ms:
            raise ValueError("need 0 < warn_ms < wipe_ms")
        self.warn_ms, self.wipe_ms = warn_ms, wipe_ms
        if clock is None:
            timer = QElapsedTimer()
            timer.start()
            self._elapsed = timer
            clock = timer.elapsed
        self._now = clock
        self._last = self._now()
        self._armed = False
        self.warning_shown = False
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self.check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def armed(self) -> bool:
        return self._armed

    def arm(self, on: bool = True) -> None:
        if on == self._armed:
            return
        self._armed = on
        self.poke()
        if on:
            self._tick.start()
        else:
            self._tick.stop()
            if self.warning_shown:
                self.warning_shown = False
                self.cancelled.emit()

    def idle_ms(self) -> int:
        return self._now() - self._last

    def poke(self) -> None:
        """Activity: restart the count (and end a warning)."""
        self._last = self._now()
        if self.warning_shown:
            self.warning_shown = False
            self.cancelled.emit()

    def check(self) -> None:
        if not self._armed:
            return
        idle = self.idle_ms()
        if idle >= self.wipe_ms:
            self.warning_shown = False
            self._armed = False
            self._tick.stop()
            self.expired.emit()
        elif idle >= self.warn_ms:
            self.warning_shown = True
            left = (self.wipe_ms - idle + 999) // 1000
            self.warning.emit(int(left))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if self._armed and event.type() in _ACTIVITY:
            self.poke()
        return False

    def shutdown(self) -> None:
        self._tick.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class IdleOverlay(QWidget):
    """The big countdown over everything: "Bạn còn ở đây không?"."""

    still_here = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("idleOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = QWidget(self)
        card.setObjectName("idleCard")
        card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        v = QVBoxLayout(card)
        v.setContentsMargins(40, 40, 40, 40)
        v.setSpacing(20)
        v.addWidget(wrap_label(self.tr("Bạn còn ở đây không?"), "screenTitle"))
        self.text = wrap_label("", "questionHelp")
        v.addWidget(self.text)
        self.count = wrap_label("", "idleCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        v.addWidget(self.count)
        self.button = BigButton(self.tr("Tôi vẫn đang dùng"), card, "primaryButton")
        self.button.clicked.connect(self.still_here)
        v.addWidget(self.button)
        outer.addWidget(card)
        outer.addStretch(1)
        outer.setContentsMargins(60, 0, 60, 0)
        self.hide()

    def show_count(self, seconds: int) -> None:
        self.text.setText(
            self.tr("Nếu không ai chạm vào màn hình, mọi thông tin đã nhập sẽ bị xóa sau:")
        )
        self.count.setText(self.tr("%1 giây").replace("%1", str(seconds)))
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
