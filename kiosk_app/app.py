"""The Qt application: open the kiosk's data, show the main window, run the event loop."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from kiosk_app.bootstrap import open_kiosk
    from kiosk_app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("MotCua Kiosk")
    try:
        kiosk = open_kiosk(Path(args.data_dir) if args.data_dir else None)
    except Exception as exc:  # noqa: BLE001 - shown to the clerk, then exit
        QMessageBox.critical(None, "MotCua Kiosk", f"Không mở được dữ liệu của máy:\n{exc}")
        print(f"motcua-kiosk: cannot open data: {exc}", file=sys.stderr)
        return 1
    window = MainWindow(kiosk)
    window.show()
    if args.screenshot:

        def shoot() -> None:
            window.grab().save(args.screenshot)
            app.quit()

        QTimer.singleShot(500, shoot)
    elif args.quit_after:
        QTimer.singleShot(int(args.quit_after * 1000), app.quit)
    try:
        return app.exec()
    finally:
        kiosk.close()
