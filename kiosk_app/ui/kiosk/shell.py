"""The kiosk's window: full screen and frameless, a header, a progress bar, the current flow,
and big Back / Start over / Next buttons; an idle warning and wipe; read-aloud; no way out for
a villager (close events, Alt+F4, Esc and the usual quit keys are swallowed) and a PIN for staff.

Entry point wiring (see ``kiosk_app.ui.kiosk.__init__``)::

    from kiosk_app.ui.kiosk import prepare_environment
    prepare_environment()                       # before QApplication
    app = QApplication(...)
    from kiosk_app.ui.kiosk.shell import build_kiosk_window
    window = build_kiosk_window(kiosk, app, orientation="auto")
    window.show_kiosk()
    app.exec()

Nothing of a citizen's survives :meth:`KioskWindow.wipe` (idle, "Start over", after a flow
ends): the flow widget is emptied and destroyed, its unfinished draft deleted through the
core, and the welcome screen shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core import kiosk_session
from kiosk_app.ui.kiosk.alert import AlertPlayer, ChimePlayer
from kiosk_app.ui.kiosk.idle import IdleOverlay, IdleWatch
from kiosk_app.ui.kiosk.lockdown import Lockdown
from kiosk_app.ui.kiosk.speech import SilentSpeaker, Speaker, default_speaker
from kiosk_app.ui.kiosk.theme import LARGE_SCALE, kiosk_stylesheet, register_fonts
from kiosk_app.ui.kiosk.welcome import WelcomeScreen
from kiosk_app.ui.kiosk.widgets import BigButton, Flow, NavState, TapLabel, clear_inputs, wrap_label
from kiosk_app.ui.tasks import TaskRunner

PORTRAIT, LANDSCAPE = "portrait", "landscape"
SIZES = {PORTRAIT: (1080, 1920), LANDSCAPE: (1920, 1080)}


class KioskWindow(QWidget):
    """The kiosk. ``speaker``: a :class:`~kiosk_app.ui.kiosk.speech.Speaker` (default: a
    Vietnamese Qt voice, or silent); ``printer``: prints an 80 mm PDF (default: the office's
    printer); ``idle``: an :class:`IdleWatch` (tests pass short intervals); ``alert``: the
    warning's sound (default: the chime, loaded at the first warning); ``scanner``: False
    for no CCCD keyboard-wedge scanner (tests); ``cameras``: the video inputs for QR scans
    (None: asked from Qt when a flow needs them; [] for none) and ``frame_source`` what makes
    their frame source (tests: still frames)."""

    wiped = Signal()

    def __init__(
        self,
        kiosk: Any,
        *,
        orientation: str = PORTRAIT,
        lang: str = "vi",
        runner: TaskRunner | None = None,
        speaker: Speaker | None = None,
        printer: Callable[[bytes], None] | None = None,
        idle: IdleWatch | None = None,
        alert: AlertPlayer | None = None,
        scanner: bool = True,
        thanks_ms: int | None = None,
        cameras: list[Any] | None = None,
        frame_source: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        register_fonts()
        self.kiosk, self.lang = kiosk, lang
        self.orientation = orientation if orientation in SIZES else PORTRAIT
        self.landscape = self.orientation == LANDSCAPE
        self.columns = 2 if self.landscape else 1
        self.own_runner = runner is None
        self.runner = runner or TaskRunner(self)
        # The real voice is looked for after the first paint: speech-dispatcher may take a few
        # seconds to start (measured 2.7 s here), and the kiosk must not wait for it.
        self.speaker: Speaker = speaker if speaker is not None else SilentSpeaker()
        self._speaker_pending = speaker is None
        if speaker is None:
            QTimer.singleShot(500, self._load_speaker)
        if printer is None:
            from kiosk_app.ui.kiosk.slips import default_printer

            printer = default_printer(kiosk)
        self.printer = printer
        self.alert: AlertPlayer = alert if alert is not None else ChimePlayer(self)
        self.thanks_ms = thanks_ms
        self.cameras, self.frame_source = cameras, frame_source
        if cameras is None:
            # Asking Qt loads the multimedia backend (~145 ms here): while nobody is waiting,
            # not at the first tap on "Tra cứu" (a flow opened before asks by itself).
            QTimer.singleShot(2000, self._find_cameras)
        self.unlocked = False
        self._shut = False
        self.keyboard_height = 0
        self.compact = False
        self.welcome: WelcomeScreen | None = None
        self.large = False
        self.flow: Flow | None = None
        self.wipes = 0
        self.setObjectName("kioskWindow")
        self.setWindowTitle("MotCua Kiosk")
        # Not "stays on top": the virtual keyboard is a window of its own and must show above.
        self.setWindowFlags(Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.resize(*SIZES[self.orientation])
        self._build()
        self.apply_theme()
        self.use_speaker(self.speaker)
        self.lockdown = Lockdown(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.lockdown)
            # the app may end without closing the kiosk (app.exit): still end the helper
            app.aboutToQuit.connect(self._stop_speaker)
        self.idle = idle or IdleWatch(self)
        self.idle.setParent(self)
        self.idle.warning.connect(self._idle_warning)
        self.idle.cancelled.connect(self._idle_cancelled)
        self.idle.expired.connect(self.wipe)
        self.scanner: Any = None
        if scanner:
            from kiosk_app.ui.scanner import CccdScanner

            self.scanner = CccdScanner(self)
            self.scanner.enabled = False
        # The virtual keyboard covers the bottom of the screen: lift the frame above it so
        # Back / Next stay visible while typing.
        from PySide6.QtGui import QGuiApplication

        im = QGuiApplication.inputMethod()
        im.visibleChanged.connect(self._keyboard_shown)
        im.keyboardRectangleChanged.connect(self._keyboard_moved)
        # A power cut or a crash must not leave the last citizen's answers behind.
        intake = kiosk.intake
        self.runner.run(lambda: kiosk_session.discard_kiosk_drafts(intake), None, lambda _e: None)
        self.show_welcome()

    # ------------------------------------------------------------------ frame
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        header = self.header = QWidget(self)
        header.setObjectName("kioskHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        h = QHBoxLayout(header)
        h.setContentsMargins(24, 12, 24, 12)
        h.setSpacing(16)
        office = self.kiosk.office
        self.office_label = TapLabel(office.agency_name or office.agency_id)
        self.office_label.setObjectName("officeLabel")
        self.office_label.setWordWrap(True)
        self.office_label.unlocked.connect(self.open_admin)
        h.addWidget(self.office_label, 1)
        self.large_button = BigButton(self.tr("Chữ to"), header, "largeButton")
        self.large_button.setCheckable(True)
        self.large_button.setSizePolicy(self.large_button.sizePolicy().horizontalPolicy().Fixed,
                                        self.large_button.sizePolicy().verticalPolicy())  # fmt: skip
        self.large_button.toggled.connect(self.set_large)
        h.addWidget(self.large_button)
        self.speak_button = BigButton(self.tr("Đọc to"), header, "speakButton")
        self.speak_button.setCheckable(True)
        self.speak_button.setSizePolicy(self.large_button.sizePolicy())
        self.speak_button.toggled.connect(self.set_speech)
        h.addWidget(self.speak_button)
        outer.addWidget(header)
        # "reading aloud is unavailable" and such: under the header, for a few seconds
        self.notice = wrap_label("", "errorText")
        self.notice.setContentsMargins(24, 8, 24, 8)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        outer.addWidget(self.notice)

        body = QWidget(self)
        bv = QVBoxLayout(body)
        margin = 48 if self.landscape else 36
        bv.setContentsMargins(margin, 20, margin, 20)
        bv.setSpacing(16)
        self.title_label = wrap_label("", "screenTitle")
        bv.addWidget(self.title_label)
        self.progress = QProgressBar(body)
        self.progress.setObjectName("kioskProgress")
        self.progress.setMinimumHeight(56)
        self.progress.setTextVisible(True)
        bv.addWidget(self.progress)
        self.stack = QStackedWidget(body)
        self.stack.setObjectName("kioskStack")
        bv.addWidget(self.stack, 1)
        outer.addWidget(body, 1)

        nav = QWidget(self)
        nav.setObjectName("kioskNav")
        n = QHBoxLayout(nav)
        n.setContentsMargins(margin, 12, margin, 24)
        n.setSpacing(20)
        self.back_button = BigButton(self.tr("← Quay lại"), nav, "backButton")
        self.restart_button = BigButton(self.tr("Làm lại từ đầu"), nav, "restartButton")
        self.next_button = BigButton(self.tr("Tiếp →"), nav, "nextButton")
        for b in (self.back_button, self.restart_button, self.next_button):
            b.setMinimumHeight(max(b.minimumHeight(), 100 if self.landscape else 120))
            n.addWidget(b)
        self.back_button.clicked.connect(self.go_back)
        self.restart_button.clicked.connect(self.start_over)
        self.next_button.clicked.connect(self.go_next)
        outer.addWidget(nav)
        self.nav_bar = nav
        self.overlay = IdleOverlay(self)
        self.overlay.still_here.connect(self._still_here)

    def _keyboard_shown(self) -> None:
        # Shown again with the same geometry: no keyboardRectangleChanged, and the rectangle
        # may only be known after the panel's first frame. Look now and once more a bit later.
        self._keyboard_moved()
        QTimer.singleShot(250, self._keyboard_moved)

    def _keyboard_moved(self) -> None:
        from PySide6.QtGui import QGuiApplication

        if not shiboken6.isValid(self):
            return
        im = QGuiApplication.inputMethod()
        height = int(im.keyboardRectangle().height()) if im.isVisible() else 0
        self.keyboard_height = height
        # Landscape: the keyboard takes over half the height. Keep only the question and its
        # box (the keyboard's ↵ key answers it); the frame comes back when the keyboard hides.
        screen = self.screen()
        full = screen.geometry().height() if screen is not None else self.height()
        self.compact = bool(height) and height > full // 2
        self.header.setVisible(not self.compact)
        self.refresh_nav()
        self.layout().setContentsMargins(0, 0, 0, height)

    def apply_theme(self) -> None:
        self.setStyleSheet(kiosk_stylesheet(LARGE_SCALE if self.large else 1.0))

    def set_large(self, on: bool) -> None:
        self.large = bool(on)
        self.apply_theme()

    def _load_speaker(self) -> None:
        if not shiboken6.isValid(self) or self._shut:
            return
        self._speaker_pending = False
        self.use_speaker(default_speaker(self))

    def use_speaker(self, speaker: Speaker) -> None:
        self.speaker = speaker
        changed = getattr(speaker, "changed", None)
        if changed is not None:  # a ProcessSpeaker tells when its voice is known
            changed.connect(self._speaker_changed)
        self._speaker_changed()

    def _stop_speaker(self) -> None:
        shutdown = getattr(self.speaker, "shutdown", None)
        if shutdown is not None:
            shutdown()  # the speech helper process

    def _find_cameras(self) -> None:
        if shiboken6.isValid(self) and not self._shut and self.cameras is None:
            from kiosk_app.ui.widgets.camera import cameras

            self.cameras = cameras()

    def speaker_state(self) -> str:
        """``ready``, ``starting`` (the voice is being looked for) or ``unavailable``."""
        if self.speaker.available:
            return "ready"
        if self._speaker_pending or getattr(self.speaker, "starting", False):
            return "starting"
        return "unavailable"

    def _speaker_changed(self) -> None:
        state = self.speaker_state()
        if state == "unavailable":
            # The button stays, so a villager who looks for it learns why it does nothing.
            self.speak_button.setText(self.tr("Không đọc to được"))
            if self.speak_button.isChecked():
                self._set_speak_checked(False)
                self.show_notice(self.speech_unavailable_text())
        else:
            self.speak_button.setText(self.tr("Đọc to"))
            if state == "ready" and self.speak_button.isChecked():
                self.speaker.say(self.speech_text())  # pressed while the voice was starting

    def speech_unavailable_text(self) -> str:
        return self.tr("Máy này chưa đọc to được. Mời bạn hỏi cán bộ ở quầy nếu cần giúp.")

    def _set_speak_checked(self, on: bool) -> None:
        self.speak_button.blockSignals(True)
        self.speak_button.setChecked(on)
        self.speak_button.blockSignals(False)

    def show_notice(self, text: str, ms: int = 8000) -> None:
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start(ms)

    def set_speech(self, on: bool) -> None:
        if on and self.speaker_state() == "unavailable":
            self._set_speak_checked(False)
            self.show_notice(self.speech_unavailable_text())
        elif on:
            self.speaker.say(self.speech_text())  # (starting: said once the voice answers)
        else:
            self.speaker.stop()

    @property
    def speech_on(self) -> bool:
        return self.speak_button.isChecked() and bool(self.speaker.available)

    def say(self, text: str) -> None:
        if self.speech_on and text:
            self.speaker.say(text)

    def speech_text(self) -> str:
        if self.flow is not None:
            return self.flow.speech_text()
        return self.welcome.speech_text() if self.welcome is not None else ""

    # ------------------------------------------------------------------ screens
    def show_welcome(self) -> None:
        old = self.welcome
        self.welcome = WelcomeScreen(
            self.kiosk.office, 2 if self.landscape else 1, 160 if self.landscape else 220
        )
        self.welcome.chosen.connect(self.start_flow)
        self.stack.addWidget(self.welcome)
        self.stack.setCurrentWidget(self.welcome)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self.idle.arm(False)
        self.refresh_nav()
        self.say(self.welcome.speech_text())

    def start_flow(self, kind: str, arg: str | None = None) -> Flow:
        """Open a flow: ``submit`` (``arg`` = procedure code), ``learn``, ``check``, ``rate``
        (``arg`` = dossier code), ``admin``."""
        self._drop_flow()
        flow: Flow
        if kind == "submit":
            from kiosk_app.ui.kiosk.submit import SubmitFlow

            flow = SubmitFlow(
                self.kiosk,
                self.runner,
                self.printer,
                self.lang,
                self.columns,
                arg,
                self.scanner,
                self.cameras,
                self.frame_source,
            )
            flow.rate_requested.connect(lambda code: self.start_flow("rate", code))
        elif kind == "learn":
            from kiosk_app.ui.kiosk.learn import LearnFlow

            flow = LearnFlow(self.kiosk, self.runner, self.printer, self.lang, self.columns)
            flow.submit_requested.connect(lambda code: self.start_flow("submit", code))
        elif kind == "check":
            from kiosk_app.ui.kiosk.check import CheckFlow

            flow = CheckFlow(
                self.kiosk,
                self.runner,
                self.lang,
                self.landscape,
                self.cameras,
                self.frame_source,
            )
        elif kind == "rate":
            from kiosk_app.ui.kiosk.rate import THANKS_MS, RateFlow

            flow = RateFlow(
                self.kiosk,
                self.runner,
                self.lang,
                arg,
                self.columns,
                self.thanks_ms or THANKS_MS,
                level_height=96 if self.landscape else 130,
            )
        elif kind == "admin":
            from kiosk_app.ui.kiosk.admin import AdminFlow

            flow = AdminFlow(pad_height=400 if self.landscape else 560, landscape=self.landscape)
            flow.unlocked.connect(self.leave)
        else:
            raise ValueError(f"unknown kiosk flow {kind!r}")
        if self.welcome is not None:
            # out of the stack: a stack is as tall as its tallest page, shown or not
            self.stack.removeWidget(self.welcome)
            self.welcome.deleteLater()
            self.welcome = None
        flow.setObjectName(f"{kind}Flow")
        flow.changed.connect(self.refresh_nav)
        flow.say.connect(self.say)
        flow.done.connect(self.wipe)
        self.flow = flow
        self.stack.addWidget(flow)
        self.stack.setCurrentWidget(flow)
        self.idle.arm(kind != "admin")
        self.refresh_nav()
        if kind not in ("submit",) or arg is None:
            self.say(flow.speech_text())
        return flow

    def _drop_flow(self) -> None:
        flow, self.flow = self.flow, None
        if flow is None or not shiboken6.isValid(flow):
            return
        flow.close_flow()
        for signal in (flow.changed, flow.say, flow.done):
            signal.disconnect()
        self.stack.removeWidget(flow)
        clear_inputs(flow)
        flow.hide()
        flow.deleteLater()

    def refresh_nav(self) -> None:
        state = self.flow.nav() if self.flow is not None else NavState(back=False)
        on_welcome = self.flow is None
        self.title_label.setText(state.title)
        self.title_label.setVisible(bool(state.title) and not self.compact)
        self.progress.setVisible(state.steps > 0 and not self.compact)
        if state.steps:
            self.progress.setRange(0, state.steps)
            self.progress.setValue(state.step)
            self.progress.setFormat(
                self.tr("Bước %1 / %2")
                .replace("%1", str(state.step))
                .replace("%2", str(state.steps))
            )
        self.nav_bar.setVisible(not on_welcome and not self.compact)
        self.back_button.setVisible(state.back)
        self.next_button.setVisible(state.next_text is not None)
        self.next_button.setText(state.next_text or "")
        self.next_button.setEnabled(state.next_enabled)
        self.restart_button.setVisible(not on_welcome)

    def go_back(self) -> None:
        if self.flow is not None:
            self.flow.go_back()

    def go_next(self) -> None:
        if self.flow is not None:
            self.flow.go_next()

    def start_over(self) -> None:
        self.wipe()

    # ------------------------------------------------------------------ idle
    def _idle_warning(self, seconds: int) -> None:
        first = not self.overlay.isVisible()
        self.overlay.show_count(seconds)
        if first:
            self.alert.play()  # once per warning, not every second of the countdown
            self.say(self.tr("Bạn còn ở đây không? Chạm vào màn hình để tiếp tục."))

    def _idle_cancelled(self) -> None:
        self.alert.stop()
        self.overlay.hide()

    def _still_here(self) -> None:
        self.idle.poke()
        self._idle_cancelled()

    def wipe(self) -> None:
        """Discard everything a citizen entered and show the welcome screen again."""
        self._idle_cancelled()
        self.speaker.stop()
        self._drop_flow()
        if self.large_button.isChecked():
            self.large_button.setChecked(False)
        if self.speak_button.isChecked():
            self._set_speak_checked(False)
        self.notice.hide()
        self.wipes += 1
        self.show_welcome()
        self.wiped.emit()

    # ------------------------------------------------------------------ lock
    def open_admin(self) -> None:
        self.start_flow("admin")

    def leave(self) -> None:
        """Staff entered the PIN: close the kiosk (the application quits with its last
        window, Qt's default)."""
        self.unlocked = True
        self.close()

    def show_kiosk(self) -> None:
        """Full screen on the current screen."""
        self.showFullScreen()
        self.raise_()
        self.activateWindow()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.rect())
        super().resizeEvent(event)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if not self.unlocked:
            event.ignore()
            return
        if self._shut:
            super().closeEvent(event)
            return
        self._shut = True
        from PySide6.QtGui import QGuiApplication

        im = QGuiApplication.inputMethod()
        im.visibleChanged.disconnect(self._keyboard_shown)
        im.keyboardRectangleChanged.disconnect(self._keyboard_moved)
        self._drop_flow()
        self.idle.shutdown()
        self.alert.stop()
        self._stop_speaker()
        if self.scanner is not None:
            self.scanner.uninstall()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.lockdown)
            app.aboutToQuit.disconnect(self._stop_speaker)
        self.runner.wait_idle(5000)
        if self.own_runner:
            self.runner.shutdown()
        super().closeEvent(event)


def build_kiosk_window(
    kiosk: Any, app: Any = None, orientation: str = "auto", lang: str = "vi", **options: Any
) -> KioskWindow:
    """The kiosk window for ``kiosk`` (not shown: call ``show_kiosk()``). ``orientation``:
    ``portrait`` (1080×1920), ``landscape`` (1920×1080) or ``auto`` (from the screen's shape).
    ``options`` go to :class:`KioskWindow` (``speaker``, ``printer``, ``idle``, ``runner``…).
    Call :func:`kiosk_app.ui.kiosk.prepare_environment` before the QApplication exists."""
    if orientation == "auto":
        from PySide6.QtGui import QGuiApplication

        screen = QGuiApplication.primaryScreen()
        size = screen.size() if screen is not None else None
        orientation = LANDSCAPE if size is not None and size.width() > size.height() else PORTRAIT
    return KioskWindow(kiosk, orientation=orientation, lang=lang, **options)
