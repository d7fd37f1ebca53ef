"""Tapping, typing and tree-walking helpers for the kiosk tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from tests.ui.keys import press_key, type_text

__all__ = ["tap", "settle", "next_", "type_text", "press_key", "all_texts", "line_of"]


def tap(qtbot: Any, widget: QWidget) -> None:
    assert widget.isVisible(), f"{widget.objectName() or widget} is not visible"
    assert widget.isEnabled(), f"{widget.objectName() or widget} is disabled"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def settle(window: Any) -> None:
    window.runner.wait_idle(5000)
    QApplication.processEvents()


def next_(qtbot: Any, window: Any) -> None:
    tap(qtbot, window.next_button)
    settle(window)


def line_of(editor: QWidget) -> QLineEdit:
    lines = [w for w in editor.findChildren(QLineEdit) if w.isVisible()]
    assert lines, f"no visible text box in {editor}"
    return lines[0]


def all_texts() -> list[str]:
    """Every text any widget of the application holds (shown or not)."""
    out: list[str] = []
    for top in QApplication.topLevelWidgets():
        for w in [top, *top.findChildren(QWidget)]:
            out += [w.windowTitle(), w.toolTip(), w.accessibleName(), w.statusTip()]
            if isinstance(w, QLineEdit):
                out.append(w.text())
            elif isinstance(w, QTextEdit | QPlainTextEdit):
                out.append(w.toPlainText())
            elif isinstance(w, QLabel | QAbstractButton):
                out.append(w.text())
            elif isinstance(w, QComboBox):
                out.append(w.currentText())
                out += [w.itemText(i) for i in range(w.count())]
            elif isinstance(w, QListWidget):
                out += [w.item(i).text() for i in range(w.count())]
    return [t for t in out if t]
