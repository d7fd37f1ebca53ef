"""The desk locks itself after a while with no one using it.

:class:`InactivityLock` emits ``idle`` once ``interval_ms`` pass without activity while armed
(someone is logged in and the desk is not already locked). The shell sets the interval from the
``desk_lock_minutes`` setting (default 10); tests set milliseconds.

Activity is *polled*, not watched: every second (a quarter of the interval when that is
shorter) the lock compares a fingerprint of what input changes — the mouse position and
buttons, the active window, the focused widget and its text and cursor. An application-wide
event filter would see every event directly, but in Python every event of every widget then
crosses into the interpreter, and the first events of each kind make PySide6 build their
Python types: it doubled the desk's longest GUI stall (34 → 78 ms opening the wizard,
bench/gui_stalls.py) and slowed the login's first paint by ~25 ms (bench/startup.py). Reading
without moving the mouse or typing for the whole interval counts as idle, which is what a
lock after ten minutes is for.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QApplication

from kiosk_app.core.desk import DESK_LOCK_DEFAULT

POLL_MS = 1000


def _widget_state(w: Any) -> Any:
    """What typing or picking changes in the focused widget (cheap to read)."""
    for name in ("text", "toPlainText"):
        getter = getattr(w, name, None)
        if getter is not None:
            try:
                text = getter()
            except TypeError:
                continue
            cursor = getattr(w, "cursorPosition", None)
            return (len(text), hash(text), cursor() if callable(cursor) else None)
    index = getattr(w, "currentIndex", None)
    if callable(index):
        value = index()
        return value.row() if hasattr(value, "row") else value
    return None


class InactivityLock(QObject):
    """``idle`` after ``interval_ms`` without activity while armed."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None, minutes: int = DESK_LOCK_DEFAULT) -> None:
        super().__init__(parent)
        self.armed = False
        self._interval = 0
        self._last = time.monotonic()
        self._seen: Any = None
        self._poll = QTimer(self)
        self._poll.timeout.connect(self._check)
        self.set_minutes(minutes)

    @property
    def interval_ms(self) -> int:
        return self._interval

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(int(minutes) * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        self._interval = max(1, int(ms))
        self._poll.setInterval(max(10, min(POLL_MS, self._interval // 4)))
        if self.armed:
            self._last = time.monotonic()
            self._poll.start()

    def arm(self, on: bool = True) -> None:
        self.armed = on
        if on:
            self._seen = self._fingerprint()
            self._last = time.monotonic()
            self._poll.start()
        else:
            self._poll.stop()

    def poke(self) -> None:
        """Activity the fingerprint cannot see (a scanner's input, a finished long task)."""
        self._last = time.monotonic()

    def _fingerprint(self) -> Any:
        app = QApplication.instance()
        focus = app.focusWidget() if app is not None else None
        return (
            QCursor.pos().toTuple(),
            int(QGuiApplication.mouseButtons().value),
            id(QApplication.activeWindow()),
            id(focus),
            _widget_state(focus) if focus is not None else None,
        )

    def _check(self) -> None:
        if not self.armed:
            self._poll.stop()
            return
        now = time.monotonic()
        seen = self._fingerprint()
        if seen != self._seen:
            self._seen, self._last = seen, now
            return
        if (now - self._last) * 1000 >= self._interval:
            self.armed = False
            self._poll.stop()
            self.idle.emit()
