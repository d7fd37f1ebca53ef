"""Keyboard-wedge CCCD QR detector: a USB scanner "types" the QR text into the focused field.

A chip CCCD's QR reads ``12 digits|old CMND|name|DDMMYYYY|sex|address|DDMMYYYY``; the scanner
sends it as key presses a few milliseconds apart, ending in Enter, into whatever has focus.
People never type that fast (> ~30 ms between keys), so an application-wide event filter holds
back key presses while they arrive fast AND could still be the start of a scan (digits, then
``12 digits|`` and anything after). A completed burst ending in Enter is emitted as
``scanned(text)`` and never reaches the field; anything else is replayed, in order, to the
widget it was meant for — at once when a key breaks the pattern, or after ``max_gap_ms`` of
quiet. Normal typing is untouched: a lone digit is held for at most ``max_gap_ms``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

MAX_GAP_MS = 30
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_SCAN_HEAD = re.compile(r"[0-9]{12}\|")
_MAYBE_SCAN = re.compile(r"[0-9]{0,12}|[0-9]{12}\|.*", re.DOTALL)
_FULL_SCAN_BARS = 6  # seven fields


class CccdScanner(QObject):
    """Watches every key press of the application (installed on creation unless
    ``install=False``); ``scanned(str)`` carries the QR text. Set ``enabled = False`` to let
    every key through (e.g. a desk without a scanner, a page with no person to fill).

    ``clock`` returns milliseconds (monotonic); default a QElapsedTimer. Tests give their own
    so that a burst's timing does not depend on the machine's scheduler.
    """

    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_gap_ms: int = MAX_GAP_MS,
        install: bool = True,
        clock: Callable[[], int] | None = None,
    ) -> None:
        super().__init__(parent)
        self._enabled = True
        self._wanted = False
        self.max_gap_ms = max_gap_ms
        self._held: list[tuple[QWidget, int, Qt.KeyboardModifier, str]] = []
        if clock is None:
            timer = QElapsedTimer()
            timer.start()
            clock = timer.elapsed
            self._timer = timer  # kept alive with the scanner
        self._now = clock
        self._last_ms = -1_000_000
        self._last_obj: QWidget | None = None
        self._last_text = ""
        self._replaying = False
        self._installed = False
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.timeout.connect(self._on_quiet)
        if install:
            self.install()

    # ---------------------------------------------------------------- installing
    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, on: bool) -> None:
        # An application-wide filter costs a Python call for every event of every widget, and
        # building a wizard's pages sends thousands (25 ms of a 175 ms build): the filter is
        # attached only while it is wanted AND enabled.
        self._enabled = bool(on)
        self._attach(self._wanted and self._enabled)

    def install(self) -> None:
        self._wanted = True
        self._attach(self._enabled)

    def uninstall(self) -> None:
        """Stop watching; anything held back is delivered first."""
        self._wanted = False
        self._attach(False)

    def _attach(self, on: bool) -> None:
        app = QApplication.instance()
        if app is None or on == self._installed:
            return
        if on:
            app.installEventFilter(self)
        else:
            self._release()
            app.removeEventFilter(self)
        self._installed = on

    @property
    def holding(self) -> bool:
        """True while key presses are held back (a possible scan in progress)."""
        return bool(self._held)

    @property
    def _text(self) -> str:
        return "".join(h[3] for h in self._held)

    # ---------------------------------------------------------------- filtering
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            self._replaying
            or not self.enabled
            or event.type() != QEvent.Type.KeyPress
            or not isinstance(obj, QWidget)
        ):
            return False
        assert isinstance(event, QKeyEvent)
        now = self._now()
        text = event.text()
        if self._is_propagation(obj, text, now):
            return False  # an ignored key travelling up to the parent: already seen
        gap = now - self._last_ms
        self._last_ms, self._last_obj, self._last_text = now, obj, text
        if self._held and gap > self.max_gap_ms:
            self._on_quiet()
        if event.key() in _ENTER_KEYS:
            if self._held and _SCAN_HEAD.match(self._text):
                self._emit()
                return True
            self._release()
            return False
        if not text or not text.isprintable():
            self._release()
            return False
        if _MAYBE_SCAN.fullmatch(self._text + text):
            self._held.append((obj, event.key(), event.modifiers(), text))
            self._quiet.start(self.max_gap_ms)
            return True
        self._release()
        return False

    def _is_propagation(self, obj: QWidget, text: str, now: int) -> bool:
        last = self._last_obj
        return (
            last is not None
            and obj is not last
            and shiboken6.isValid(last)
            and obj.isAncestorOf(last)
            and text == self._last_text
            and now - self._last_ms <= 2
        )

    # ---------------------------------------------------------------- outcomes
    def _on_quiet(self) -> None:
        """No key for ``max_gap_ms``: a complete QR without Enter still counts as a scan."""
        if self._text.count("|") >= _FULL_SCAN_BARS and _SCAN_HEAD.match(self._text):
            self._emit()
        else:
            self._release()

    def _emit(self) -> None:
        payload = self._text
        self._held = []
        self._quiet.stop()
        self.scanned.emit(payload)

    def _release(self) -> None:
        """Deliver the held key presses, in order, to the widgets they were meant for."""
        held, self._held = self._held, []
        self._quiet.stop()
        if not held:
            return
        self._replaying = True
        try:
            for widget, key, mods, text in held:
                if shiboken6.isValid(widget):
                    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, mods, text))
        finally:
            self._replaying = False
