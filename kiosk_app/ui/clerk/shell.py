"""The clerk's main window: a header, and a stack of screens (start, wizard, dossier desk).

Keyboard first: Ctrl+N new dossier (the catalogue search on the start screen), Ctrl+F find a
dossier, Esc back (asking first if the wizard has unsaved changes), Ctrl+P print (forwarded to
the screen shown). The wizard (``IntakeWizard``) is imported when first opened, so the shell
works while it is being built.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.ui.clerk.start_screen import StartScreen
from kiosk_app.ui.tasks import TaskRunner


def wizard_class() -> Any:
    """The wizard's class, imported on first use: the form widgets are not needed to paint the
    start screen, and startup time is a goal (bench/startup.py)."""
    from kiosk_app.ui.clerk.wizard import IntakeWizard

    return IntakeWizard


def warm_up() -> None:
    """Import the wizard's and the receipt's modules (~0.3 s on a desk PC). Worker thread:
    importing defines classes only; no widget is made here."""
    from PySide6 import QtMultimedia, QtMultimediaWidgets  # noqa: F401

    import kiosk_app.receipts.issued  # noqa: F401
    import kiosk_app.receipts.mau01  # noqa: F401
    import kiosk_app.ui.clerk.receipt_view  # noqa: F401
    import kiosk_app.ui.clerk.wizard  # noqa: F401
    import kiosk_app.ui.widgets.camera  # noqa: F401


class ClerkShell(QMainWindow):
    """The desk's window. Give it a ``runner`` to share one; otherwise it makes its own."""

    def __init__(
        self,
        kiosk: Any,
        runner: TaskRunner | None = None,
        lang: str = "vi",
        parent=None,
        *,
        sync_worker: Any = None,
    ) -> None:
        """``sync_worker``: a started :class:`kiosk_app.ui.sync_worker.SyncWorker` whose
        reports the start screen shows (none in tests and screenshots)."""
        super().__init__(parent)
        self.kiosk = kiosk
        self.lang = lang
        self.own_runner = runner is None
        self.runner = runner or TaskRunner(self)
        self.wizard: QWidget | None = None
        office = kiosk.office
        self.setObjectName("clerkShell")
        self.setWindowTitle(
            self.tr("MotCua Kiosk — {office}").format(office=office.agency_name or office.agency_id)
        )
        self.resize(1366, 768)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QWidget()
        header.setObjectName("header")
        h = QHBoxLayout(header)
        h.setContentsMargins(16, 8, 16, 8)
        self.office_label = QLabel(
            self.tr("{name} · mã cơ quan {agency} · máy số {slot}").format(
                name=office.agency_name or "—", agency=office.agency_id, slot=office.device_slot
            )
        )
        self.office_label.setObjectName("officeLabel")
        h.addWidget(self.office_label, 1)
        self.demo_label = QLabel(self.tr("VĂN PHÒNG MẪU — chưa cấu hình (motcua init)"))
        self.demo_label.setObjectName("demoBanner")
        self.demo_label.setVisible(bool(office.demo))
        h.addWidget(self.demo_label)
        self.keys_label = QLabel(
            self.tr("Ctrl+N hồ sơ mới · Ctrl+F tra cứu · Esc quay lại · Ctrl+P in")
        )
        self.keys_label.setObjectName("muted")
        h.addWidget(self.keys_label)
        layout.addWidget(header)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)

        self.start = StartScreen(kiosk, self.runner, lang)
        self.sync_worker = sync_worker
        if sync_worker is not None:
            sync_worker.reported.connect(self.start.sync_reported)
        self.start.sync.sync_now.connect(self.sync_now)
        self.start.sync.show_refused.connect(self.show_refused)
        self._desk: Any = None
        self.stack.addWidget(self.start)
        self.start.procedure_chosen.connect(lambda code: self.open_wizard(code))
        self.start.draft_chosen.connect(lambda d, code: self.open_wizard(code, d))
        self.start.dossier_chosen.connect(self.open_dossier)
        self.start.desk_requested.connect(self.find)
        self.start.settings_requested.connect(self.open_settings)

        for keys, slot in (
            ("Ctrl+N", self.new_dossier),
            ("Ctrl+F", self.find),
            ("Esc", self.back),
            ("Ctrl+P", self.print_current),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self.show_start()
        # After the start screen's own queries (the runner is FIFO): import what the first
        # dossier needs on the worker, so the clerk's first Ctrl+N does not freeze the desk.
        # Queued a moment after the first paint: imports on the worker still hold the GIL in
        # slices, and the first paint is what a clerk waits for (bench/startup.py).
        QTimer.singleShot(300, self._start_warm_up)

    def _start_warm_up(self) -> None:
        if shiboken6.isValid(self) and not getattr(self.runner, "closed", False):
            self.runner.run(warm_up, lambda _: self._warm_up_gui(), lambda _exc: None)

    def _warm_up_gui(self) -> None:
        """GUI-thread warm-up while the desk idles, one short piece per event-loop turn: Qt's
        first camera query (~20 ms), then the dossier desk (~40 ms) — instead of when the
        clerk first opens the documents step or presses Ctrl+F."""
        from kiosk_app.ui.widgets.camera import cameras

        cameras()
        QTimer.singleShot(0, lambda: self.desk if shiboken6.isValid(self) else None)

    # ------------------------------------------------------------------ screens
    @property
    def desk(self) -> Any:
        """The dossier desk, built on first use (it is not needed to paint the start screen)."""
        if self._desk is None:
            from kiosk_app.ui.clerk.dossier_desk import DossierDesk

            self._desk = DossierDesk(self.kiosk, self.runner, self.lang)
            self._desk.changed.connect(lambda _code: self.start.reload())
            self.stack.addWidget(self._desk)
        return self._desk

    def current(self) -> QWidget:
        return self.stack.currentWidget()

    def show_start(self) -> None:
        self.stack.setCurrentWidget(self.start)
        self.start.reload()
        self.start.focus_search()

    def new_dossier(self) -> None:
        """Ctrl+N: choose a procedure on the start screen (leaving the wizard asks first)."""
        if self.current() is self.wizard and not self._leave_wizard():
            return
        self.show_start()

    def find(self) -> None:
        """Ctrl+F: the dossier desk with its search field focused."""
        if self.current() is self.wizard and not self._leave_wizard():
            return
        self.stack.setCurrentWidget(self.desk)
        self.desk.focus_search()
        self.desk.refresh()

    def open_dossier(self, code: str) -> None:
        self.stack.setCurrentWidget(self.desk)
        self.desk.open_dossier(code)

    def back(self) -> None:
        """Esc: one step back towards the start screen."""
        w = self.current()
        if w is self.wizard:
            if self._leave_wizard():
                self.show_start()
        elif w is self._desk and not self.desk.back():
            self.show_start()

    def print_current(self) -> None:
        """Ctrl+P: the screen shown decides what printing means (receipt, dossier page)."""
        w = self.current()
        for name in ("print_current", "print_receipt"):
            fn = getattr(w, name, None)
            if callable(fn):
                fn()
                return

    # ------------------------------------------------------------------ wizard
    def open_wizard(self, procedure_code: str, draft_id: str | None = None) -> bool:
        """Start (or resume) a dossier in the wizard; False when the wizard is not available."""
        cls = wizard_class()
        if self.wizard is not None and not self._leave_wizard():
            return False
        wizard = cls(
            self.kiosk,
            self.runner,
            procedure_code=procedure_code,
            draft_id=draft_id,
            lang=self.lang,
        )
        wizard.finished.connect(self._wizard_finished)
        wizard.cancelled.connect(self._wizard_cancelled)
        self.wizard = wizard
        self.stack.addWidget(wizard)
        self.stack.setCurrentWidget(wizard)
        return True

    def confirm(self, title: str, text: str) -> bool:
        """Ask yes/no (tests replace it to answer without a modal box)."""
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _leave_wizard(self) -> bool:
        """Close the wizard, asking first if it has unsaved changes; True when closed."""
        w = self.wizard
        if w is None:
            return True
        has_unsaved = getattr(w, "has_unsaved", None)
        unsaved = callable(has_unsaved) and has_unsaved()
        if unsaved and not self.confirm(
            self.tr("Rời hồ sơ đang nhập?"),
            self.tr(
                "Hồ sơ đang nhập còn thay đổi chưa lưu. Rời màn hình này? "
                "(Phần đã lưu vẫn còn trong mục hồ sơ đang nhập dở.)"
            ),
        ):
            return False
        self._drop_wizard()
        return True

    def _drop_wizard(self) -> None:
        if self.wizard is not None:
            self.stack.removeWidget(self.wizard)
            self.wizard.deleteLater()
            self.wizard = None

    def _wizard_finished(self, _code: str) -> None:
        self._drop_wizard()
        self.show_start()
        self.sync_now()  # a new dossier: send it while the citizen is still at the desk

    # ------------------------------------------------------------------ sync
    def sync_now(self) -> None:
        """Ask the background sync for a pass now (nothing when the desk runs without one)."""
        if self.sync_worker is not None:
            self.sync_worker.kick()
            self.statusBar().showMessage(self.tr("Đang đồng bộ với tỉnh…"), 5000)

    def show_refused(self) -> Any:
        """The items the province refused, with its reasons and "Gửi lại"."""
        from kiosk_app.ui.clerk.refused_dialog import RefusedDialog

        dialog = RefusedDialog(self.kiosk, self.runner, self)
        dialog.retried.connect(lambda _n: (self.sync_now(), self.start.reload()))
        dialog.open()
        return dialog

    def _wizard_cancelled(self) -> None:
        self._drop_wizard()
        self.show_start()

    # ------------------------------------------------------------------ settings
    def open_settings(self) -> None:
        from kiosk_app.ui.clerk.settings_dialog import SettingsDialog, ask_pin

        if not ask_pin(self):
            self.statusBar().showMessage(self.tr("Sai mã PIN quản trị"), 5000)
            return
        dialog = SettingsDialog(self.kiosk, self.runner, self)
        if dialog.exec() and dialog.saved is not None:
            self.statusBar().showMessage(
                self.tr("Đã lưu thiết lập; khởi động lại chương trình để áp dụng."), 8000
            )

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self.wizard is not None and not self._leave_wizard():
            event.ignore()
            return
        self.runner.wait_idle(5000)
        if self.own_runner:
            self.runner.shutdown()
        super().closeEvent(event)
