"""Type arbitrary (including Vietnamese) text into a Qt widget in tests.

``qtbot.keyClicks`` aborts the process on non-ASCII characters, so each character is sent as a
``QKeyEvent(KeyPress, Key_unknown, NoModifier, ch)`` followed by the matching release.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Send ``text`` (NFC-normalised) to ``widget`` one character at a time, then process events.

    The widget is given keyboard focus first. Newlines become Return key presses.
    """
    widget.setFocus()
    for ch in unicodedata.normalize("NFC", text):
        if ch == "\n":
            key, txt = Qt.Key.Key_Return, "\r"
        else:
            key, txt = Qt.Key.Key_unknown, ch
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, txt)
            QCoreApplication.sendEvent(widget, event)
    QApplication.processEvents()


def press_key(widget: QWidget, key: Qt.Key) -> None:
    """Send one non-text key (e.g. Return, Tab) press+release to ``widget``."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QCoreApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))
    QApplication.processEvents()
