"""No way out for a villager: the keys that would close, hide or switch away from the kiosk
are eaten application-wide (Esc, Alt+F4, Ctrl+W, Ctrl+Q, Alt+Tab, the Super keys). The OS kiosk
session must do the rest (Alt+Tab and Super reach the window manager first)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent

_QUIT_KEYS = {
    (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
}


class Lockdown(QObject):
    """Application-wide filter eating the keys that would leave or hide the kiosk."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and isinstance(
            event, QKeyEvent
        ):
            key = Qt.Key(event.key())
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if key == Qt.Key.Key_Escape or key in (Qt.Key.Key_Super_L, Qt.Key.Key_Super_R):
                return True
            for k, m in _QUIT_KEYS:
                if key == k and mods & m:
                    return True
        return False
