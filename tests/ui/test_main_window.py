"""The minimal window: it opens on the demo office and filters the catalogue as you type."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from kiosk_app.bootstrap import open_kiosk
from kiosk_app.ui.main_window import MainWindow


def type_text(widget, text: str) -> None:
    """Type any Unicode text (qtbot.keyClicks aborts on non-ASCII: PLATFORM.md)."""
    for ch in text:
        QApplication.sendEvent(
            widget,
            QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch),
        )


def _procedures(window: MainWindow) -> list[str]:
    tree = window.tree
    return [
        tree.topLevelItem(i).child(j).text(1)
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())
    ]


def test_window_shows_demo_office_and_filters(qtbot, tmp_path: Path) -> None:
    kiosk = open_kiosk(tmp_path)
    try:
        window = MainWindow(kiosk)
        qtbot.addWidget(window)
        window.show()
        assert "VĂN PHÒNG MẪU" in window.centralWidget().findChildren(type(window.status))[0].text()
        assert len(_procedures(window)) >= 9
        type_text(window.search, "khai sinh")
        assert _procedures(window) == ["1.001193"]
        window.search.clear()
        type_text(window.search, "chứng thực chữ ký")
        assert _procedures(window) == ["2.000884"]
    finally:
        kiosk.close()
