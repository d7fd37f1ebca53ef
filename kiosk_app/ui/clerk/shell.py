"""The clerk's main window: a header, and a stack of screens (start, wizard, dossier desk).

Keyboard first: Ctrl+N new dossier (the catalogue search on the start screen), Ctrl+F find a
dossier, Esc back (asking first if the wizard has unsaved changes), Ctrl+P print (forwarded to
the screen shown), Ctrl+L lock the desk. The wizard (``IntakeWizard``) is imported when first
opened, so the shell works while it is being built.

Who is at the desk: the shell holds a :class:`kiosk_app.core.session.Session` and hands it to
every screen that acts (wizard, dossier desk, receipts, settings, accounts). Without one it
shows the gate (:mod:`kiosk_app.ui.clerk.gate`): first-run administrator set-up, or login.
The desk locks itself after ``desk_lock_minutes`` without input; locking only puts the gate in
front of the body, so everything typed stays as it was. "Đổi người dùng" saves the open
wizard's draft and closes it (the draft stays in the store under its author) before the other
person's session starts.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core import permissions as perms
from kiosk_app.core.accounts import Accounts
from kiosk_app.core.permissions import ROLE_LABELS
from kiosk_app.ui.clerk.desk_lock import InactivityLock
from kiosk_app.ui.clerk.gate import FIRST_RUN, Gate
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
        session: Any = None,
        accounts: Accounts | None = None,
    ) -> None:
        """``sync_worker``: a started :class:`kiosk_app.ui.sync_worker.SyncWorker` whose
        reports the start screen shows (none in tests and screenshots). ``session``: someone
        already logged in (tests, tools); without it the gate asks (login or first run)."""
        super().__init__(parent)
        self.kiosk = kiosk
        self.session: Any = None
        self._hidden_dialogs: list[QDialog] = []
        self.accounts = accounts or Accounts(kiosk.store, clock=kiosk.intake.clock)
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
            self.tr("Ctrl+N hồ sơ mới · Ctrl+F tra cứu · Esc quay lại · Ctrl+P in · Ctrl+L khóa")
        )
        self.keys_label.setObjectName("muted")
        h.addWidget(self.keys_label)
        self.user_label = QLabel()
        self.user_label.setObjectName("userLabel")
        h.addWidget(self.user_label)
        # an office PC's 1366-pixel screen: the header's texts wrap instead of widening the
        # window past the screen (the buttons keep their size)
        for label in (self.office_label, self.demo_label, self.keys_label, self.user_label):
            label.setWordWrap(True)
        self.stats_button = QPushButton(self.tr("Thống kê"))
        self.stats_button.setObjectName("statsButton")
        self.stats_button.clicked.connect(self.open_stats)
        self.accounts_button = QPushButton(self.tr("Tài khoản"))
        self.accounts_button.setObjectName("accountsButton")
        self.accounts_button.clicked.connect(self.open_accounts)
        self.lock_button = QPushButton(self.tr("Khóa máy"))
        self.lock_button.setObjectName("lockButton")
        self.lock_button.clicked.connect(lambda: self.lock("manual"))
        self.logout_button = QPushButton(self.tr("Đăng xuất"))
        self.logout_button.setObjectName("logoutButton")
        self.logout_button.clicked.connect(self.logout)
        for b in (self.stats_button, self.accounts_button, self.lock_button, self.logout_button):
            h.addWidget(b)
        layout.addWidget(header)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        # The gate (login, first run, lock screen) is shown instead of the body, never over
        # it: the body's widgets keep their state while the desk is locked.
        self.outer = QStackedWidget()
        self.body = body
        self.outer.addWidget(body)
        self.gate = Gate(self.accounts, self.runner)
        self.gate.entered.connect(self._entered)
        self.outer.addWidget(self.gate)
        self.setCentralWidget(self.outer)
        self.idle = InactivityLock(self)
        self.idle.idle.connect(lambda: self.lock("idle"))

        self.lang = lang
        self.sync_worker = sync_worker
        self._start: StartScreen | None = None
        self._desk: Any = None

        self.shortcuts: list[QShortcut] = []
        for keys, slot in (
            ("Ctrl+N", self.new_dossier),
            ("Ctrl+F", self.find),
            ("Esc", self.back),
            ("Ctrl+P", self.print_current),
            ("Ctrl+L", lambda: self.lock("manual")),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)
        if session is not None:
            self.show_start()
            self._enter(session)
        else:
            self._show_gate()
            accounts_ = self.accounts
            self.runner.run(accounts_.has_accounts, self._first_gate, self._gate_failed)
            # the start screen is not what a person at the login sees: built after the first
            # paint (bench/startup.py), long before anyone has typed a password
            QTimer.singleShot(100, lambda: self.start if shiboken6.isValid(self) else None)
        # After the start screen's own queries (the runner is FIFO): import what the first
        # dossier needs on the worker, so the clerk's first Ctrl+N does not freeze the desk.
        # Queued a moment after the first paint: imports on the worker still hold the GIL in
        # slices, and the first paint is what a clerk waits for (bench/startup.py).
        QTimer.singleShot(300, self._start_warm_up)

    @property
    def start(self) -> StartScreen:
        """The start screen, built on first use (see __init__: after the login's first paint)."""
        if self._start is None:
            start = self._start = StartScreen(self.kiosk, self.runner, self.lang)
            if self.sync_worker is not None:
                self.sync_worker.reported.connect(start.sync_reported)
            start.sync.sync_now.connect(self.sync_now)
            start.sync.show_refused.connect(self.show_refused)
            self.stack.insertWidget(0, start)
            start.procedure_chosen.connect(lambda code: self.open_wizard(code))
            start.draft_chosen.connect(lambda d, code: self.open_wizard(code, d))
            start.dossier_chosen.connect(self.open_dossier)
            start.desk_requested.connect(self.find)
            start.settings_requested.connect(self.open_settings)
            if self.session is not None:
                start.show_for(self.session)
        return self._start

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

    # ------------------------------------------------------------------ who is at the desk
    @property
    def locked(self) -> bool:
        return self.outer.currentWidget() is self.gate

    def _show_gate(self) -> None:
        self.idle.arm(False)
        for shortcut in self.shortcuts:
            shortcut.setEnabled(False)
        for b in (self.accounts_button, self.lock_button, self.logout_button):
            b.setEnabled(False)
        self.outer.setCurrentWidget(self.gate)

    def _first_gate(self, has_accounts: bool) -> None:
        if not shiboken6.isValid(self) or self.session is not None:
            return
        if has_accounts:
            self.gate.show_login()
        else:
            self.gate.show_first_run()

    def _gate_failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.gate.show_login()
            self.gate.error.setText(str(exc))

    def sign_in(self, session: Any) -> None:
        """Someone logged in by other means (tools, benches): as if through the gate."""
        self._entered(session, "login")

    def _entered(self, session: Any, purpose: str) -> None:
        """Someone came in through the gate: the same person (unlock, or login again after
        "Đổi người dùng") keeps the desk as it was; another person gets a clean desk."""
        previous = self.session
        hidden, self._hidden_dialogs = self._hidden_dialogs, []
        same = previous is not None and previous.username == session.username
        if previous is not None and not same:
            self._hand_over_desk()
        for dialog in hidden:
            if not shiboken6.isValid(dialog):
                continue
            if same and not isinstance(dialog, QMessageBox):
                dialog.show()  # as it was, with whatever was typed in it
            else:
                dialog.close()
        self._enter(session)
        if purpose == FIRST_RUN and getattr(self.kiosk.office, "demo", False):
            self.open_setup()

    def open_setup(self) -> Any:
        """The office set-up (first run on a PC never set up): office, printer, enrolment."""
        if self.session is None or not self.session.can(perms.SETTINGS):
            return None
        from kiosk_app.ui.clerk.setup_wizard import SetupWizard

        wizard = SetupWizard(self.kiosk, self.runner, self.session, parent=self)
        wizard.done_setup.connect(self._office_changed)
        wizard.open()
        return wizard

    def _office_changed(self, office: Any) -> None:
        self.office_label.setText(
            self.tr("{name} · mã cơ quan {agency} · máy số {slot}").format(
                name=office.agency_name or "—", agency=office.agency_id, slot=office.device_slot
            )
        )
        self.demo_label.setVisible(bool(office.demo))

    def _hand_over_desk(self) -> None:
        """Before another person's session: write the open wizard's draft (it stays, under
        its author, among the unfinished drafts) and close what showed the last person's work."""
        w = self.wizard
        if w is not None:
            saver = getattr(w, "saver", None)
            if saver is not None and saver.dirty:
                w.save_now()
            self._drop_wizard()
        if self._desk is not None:
            self._desk.show_list()
        self.show_start()

    def _enter(self, session: Any) -> None:
        self.session = session
        self.user_label.setText(
            self.tr("{name} · {role}").format(
                name=session.display_name, role=ROLE_LABELS.get(session.role, session.role)
            )
        )
        self.accounts_button.setVisible(session.can(perms.ACCOUNTS))
        self.stats_button.setVisible(session.can(perms.REPORTS))
        self.start.show_for(session)
        for b in (self.accounts_button, self.lock_button, self.logout_button):
            b.setEnabled(True)
        if self._desk is not None:
            self._desk.set_session(session)
        if self.wizard is not None:
            self.wizard.session = session
        for shortcut in self.shortcuts:
            shortcut.setEnabled(True)
        self.outer.setCurrentWidget(self.body)
        if self.stack.currentWidget() is self.start:
            self.start.focus_search()
        self.idle.arm(True)
        self._load_lock_minutes()

    def _load_lock_minutes(self) -> None:
        from kiosk_app.core.desk import DESK_LOCK_SETTING, Desk

        desk = Desk(self.kiosk.store, self.kiosk.intake)

        def apply(values: dict[str, Any]) -> None:
            if shiboken6.isValid(self) and values.get(DESK_LOCK_SETTING):
                minutes = int(values[DESK_LOCK_SETTING])
                if self.idle.interval_ms == minutes * 60_000:
                    return
                self.idle.set_minutes(minutes)

        self.runner.run(desk.office_settings, apply, lambda _exc: None)

    def lock(self, reason: str = "manual") -> None:
        """Put the lock screen in front of the desk (everything on it stays as it is)."""
        session = self.session
        if session is None or self.locked:
            return
        # Dialogs over the desk (receipt, accounts, settings) would stay usable over the lock
        # screen: hidden now, shown again when the same person unlocks. (A dialog run with
        # exec() — a question, the settings — returns "cancelled" when hidden.)
        self._hidden_dialogs = [d for d in self.findChildren(QDialog) if d.isVisible()]
        for dialog in self._hidden_dialogs:
            dialog.hide()
        self.gate.show_locked(session)
        self._show_gate()
        accounts = self.accounts
        self.runner.run(lambda: accounts.lock(session, reason), lambda _r: None, lambda _e: None)

    def logout(self) -> None:
        """End the session: the open wizard's draft is written and kept; the gate asks."""
        session = self.session
        if session is None:
            return
        self._hand_over_desk()
        self.session = None
        self.user_label.clear()
        self.gate.username.clear()
        self.gate.show_login()
        self._show_gate()
        accounts = self.accounts
        self.runner.run(lambda: accounts.logout(session), lambda _r: None, lambda _e: None)

    def open_accounts(self) -> Any:
        """The administrator's accounts screen (hidden, and refused by the core, for others)."""
        if self.session is None or not self.session.can(perms.ACCOUNTS):
            self.statusBar().showMessage(self.tr("Chỉ quản trị được quản lý tài khoản"), 5000)
            return None
        from kiosk_app.ui.clerk.accounts_dialog import AccountsDialog

        dialog = AccountsDialog(self.accounts, self.runner, self.session, self)
        dialog.open()
        return dialog

    def open_stats(self) -> Any:
        """The commune's figures (heads of office): a window over the desk, hidden on lock."""
        if self.session is None or not self.session.can(perms.REPORTS):
            self.statusBar().showMessage(self.tr("Chỉ lãnh đạo được xem báo cáo thống kê"), 5000)
            return None
        from kiosk_app.ui.stats_view import StatsView

        dialog = QDialog(self)
        dialog.setObjectName("statsDialog")
        dialog.setWindowTitle(self.tr("Thống kê kết quả giải quyết thủ tục hành chính"))
        view = StatsView(self.kiosk, self.runner, session=self.session, parent=dialog)
        QVBoxLayout(dialog).addWidget(view)
        dialog.resize(1200, 760)
        dialog.view = view
        dialog.open()
        view.refresh()
        return dialog

    # ------------------------------------------------------------------ screens
    @property
    def desk(self) -> Any:
        """The dossier desk, built on first use (it is not needed to paint the start screen)."""
        if self._desk is None:
            from kiosk_app.ui.clerk.dossier_desk import DossierDesk

            self._desk = DossierDesk(self.kiosk, self.runner, self.lang, session=self.session)
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

    def _may_view(self) -> bool:
        if self.session is None or self.session.can(perms.VIEW):
            return True
        self.statusBar().showMessage(self.tr("Tài khoản này không xem hồ sơ của công dân"), 5000)
        return False

    def find(self) -> None:
        """Ctrl+F: the dossier desk with its search field focused."""
        if not self._may_view():
            return
        if self.current() is self.wizard and not self._leave_wizard():
            return
        self.stack.setCurrentWidget(self.desk)
        self.desk.focus_search()
        self.desk.refresh()

    def open_dossier(self, code: str) -> None:
        if not self._may_view():
            return
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
        if self.session is not None and not self.session.can(perms.INTAKE):
            self.statusBar().showMessage(
                self.tr("Tài khoản này không tiếp nhận hồ sơ (đăng nhập bằng tài khoản cán bộ)"),
                8000,
            )
            return False
        cls = wizard_class()
        if self.wizard is not None and not self._leave_wizard():
            return False
        wizard = cls(
            self.kiosk,
            self.runner,
            procedure_code=procedure_code,
            draft_id=draft_id,
            lang=self.lang,
            session=self.session,
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
        """The office settings: administrators only (the button is hidden for the others, and
        saving is refused by the core for them)."""
        from kiosk_app.ui.clerk.settings_dialog import SettingsDialog

        if self.session is None or not self.session.can(perms.SETTINGS):
            self.statusBar().showMessage(self.tr("Chỉ quản trị được thay đổi thiết lập"), 5000)
            return
        dialog = SettingsDialog(self.kiosk, self.runner, self, session=self.session)
        if dialog.exec() and dialog.saved is not None:
            self._load_lock_minutes()
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
