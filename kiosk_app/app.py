"""The Qt application: open the kiosk's data, show the clerk's desk, run the event loop."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk_app.resources import resource_path


def stylesheet() -> str:
    """The clerk desk's theme (``resources/theme/clerk.qss``); empty if it is missing.

    ``@THEME@`` becomes the theme folder: Qt resolves ``url()`` against the working directory.
    """
    path = resource_path("theme", "clerk.qss")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    return text.replace("@THEME@", path.parent.as_posix())


def build_window(kiosk: Any, app: Any, lang: str = "vi", sync_worker: Any = None) -> Any:
    """The themed main window for ``kiosk`` (shared with tools/screenshots.py).

    ``lang`` picks the form labels' language; the Qt texts follow the translator installed
    on ``app`` (:func:`kiosk_app.ui.i18n.install_translator`), so install it first.
    """
    from kiosk_app.ui.main_window import MainWindow

    app.setStyleSheet(stylesheet())
    return MainWindow(kiosk, lang=lang, sync_worker=sync_worker)


def run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from kiosk_app.bootstrap import open_kiosk
    from kiosk_app.ui.i18n import install_translator

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("MotCua Kiosk")
    lang = getattr(args, "lang", None) or "vi"
    if not install_translator(app, lang):
        print(f"motcua-kiosk: no {lang!r} translation found; showing Vietnamese", file=sys.stderr)
        lang = "vi"
    try:
        kiosk = open_kiosk(Path(args.data_dir) if args.data_dir else None)
    except Exception as exc:  # noqa: BLE001 - shown to the clerk, then exit
        QMessageBox.critical(None, "MotCua Kiosk", f"Không mở được dữ liệu của máy:\n{exc}")
        print(f"motcua-kiosk: cannot open data: {exc}", file=sys.stderr)
        return 1
    from kiosk_app.ui.sync_worker import SyncWorker

    # Syncs in the background while the desk is open (the province's link comes and goes);
    # a PC that never enrolled just shows so on the start screen.
    worker = SyncWorker(kiosk)
    if getattr(args, "kiosk", False):
        from kiosk_app.ui.kiosk.shell import build_kiosk_window

        window = build_kiosk_window(kiosk, app, orientation=args.orientation, lang=lang)
        window.show_kiosk()
    else:
        window = build_window(kiosk, app, lang, sync_worker=worker)
        window.show()
    worker.start()
    if args.screenshot:

        def shoot() -> None:
            window.runner.wait_idle(3000)
            window.grab().save(args.screenshot)
            app.exit(0)  # not quit(): Qt 6 first asks every window to close, the kiosk refuses

        QTimer.singleShot(500, shoot)
    elif args.quit_after:
        QTimer.singleShot(int(args.quit_after * 1000), lambda: app.exit(0))
    try:
        return app.exec()
    finally:
        worker.stop()
        window.runner.wait_idle(5000)
        window.runner.shutdown()
        kiosk.close()
