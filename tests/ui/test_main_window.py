"""The main window is the clerk's shell: it opens on the demo office and the start screen
filters the catalogue as you type."""

from __future__ import annotations

from pathlib import Path

from kiosk_app.bootstrap import open_kiosk
from kiosk_app.ui.main_window import MainWindow
from tests.ui.keys import type_text


def test_window_shows_demo_office_and_filters(qtbot, tmp_path: Path, desk_login) -> None:
    kiosk = open_kiosk(tmp_path)
    try:
        window = MainWindow(kiosk, session=desk_login(kiosk))
        qtbot.addWidget(window)
        window.show()
        assert window.demo_label.isVisible()
        assert "VĂN PHÒNG MẪU" in window.demo_label.text()
        start = window.start
        assert len(start.visible_procedures()) >= 9
        type_text(start.search, "khai sinh")
        assert start.visible_procedures() == ["1.001193"]
        start.search.clear()
        type_text(start.search, "chứng thực chữ ký")
        assert start.visible_procedures() == ["2.000884"]
        start.search.clear()
        type_text(start.search, "chung thuc chu ky")
        assert start.visible_procedures() == ["2.000884"]
        window.runner.wait_idle()
        window.close()
    finally:
        kiosk.close()
