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
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core import kiosk_session
from kiosk_app.ui.kiosk.idle import IdleWatch
from kiosk_app.ui.kiosk.speech import SilentSpeaker, Speaker, default_speaker
from kiosk_app.ui.kiosk.theme import LARGE_SCALE, kiosk_stylesheet, register_fonts
from kiosk_app.ui.kiosk.widgets import (
    BigButton,
    Flow,
    NavState,
    TapLabel,
    TwoLineButton,
    clear_inputs,
    wrap_label,
)
from kiosk_app.ui.tasks import TaskRunner

PORTRAIT, LANDSCAPE = "portrait", "landscape"
SIZES = {PORTRAIT: (1080, 1920), LANDSCAPE: (1920, 1080)}

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


class IdleOverlay(QWidget):
    """The big countdown over everything: "Bạn còn ở đây không?"."""

    still_here = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("idleOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = QWidget(self)
        card.setObjectName("idleCard")
        card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        v = QVBoxLayout(card)
        v.setContentsMargins(40, 40, 40, 40)
        v.setSpacing(20)
        v.addWidget(wrap_label(self.tr("Bạn còn ở đây không?"), "screenTitle"))
        self.text = wrap_label("", "questionHelp")
        v.addWidget(self.text)
        self.count = wrap_label("", "idleCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        v.addWidget(self.count)
        self.button = BigButton(self.tr("Tôi vẫn đang dùng"), card, "primaryButton")
        self.button.clicked.connect(self.still_here)
        v.addWidget(self.button)
        outer.addWidget(card)
        outer.addStretch(1)
        outer.setContentsMargins(60, 0, 60, 0)
        self.hide()

    def show_count(self, seconds: int) -> None:
        self.text.setText(
            self.tr("Nếu không ai chạm vào màn hình, mọi thông tin đã nhập sẽ bị xóa sau:")
        )
        self.count.setText(self.tr("%1 giây").replace("%1", str(seconds)))
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()


class WelcomeScreen(QWidget):
    """Four big tiles: submit, learn, check, rate."""

    chosen = Signal(str)

    def __init__(self, office: Any, columns: int, tile_height: int = 220) -> None:
        super().__init__()
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(24)
        v.addWidget(wrap_label(self.tr("Xin chào! Bạn cần làm gì?"), "screenTitle"))
        v.addWidget(
            wrap_label(
                self.tr("Chạm vào một ô bên dưới. Bấm nút “Đọc to” ở trên để nghe hướng dẫn."),
                "questionHelp",
            )
        )
        grid = QGridLayout()
        grid.setSpacing(24)
        tiles = [
            ("submit", self.tr("Nộp hồ sơ"), self.tr("Khai thông tin, in phiếu hẹn")),
            (
                "learn",
                self.tr("Tìm hiểu thủ tục"),
                self.tr("Cần giấy tờ gì, bao lâu, bao nhiêu tiền"),
            ),
            ("check", self.tr("Tra cứu hồ sơ"), self.tr("Xem hồ sơ đã nộp đến đâu")),
            ("rate", self.tr("Đánh giá"), self.tr("Bạn có hài lòng không?")),
        ]
        self.tiles: dict[str, TwoLineButton] = {}
        for i, (key, title, subtitle) in enumerate(tiles):
            b = TwoLineButton(title, subtitle, self, "tileButton")
            b.setMinimumHeight(max(b.minimumHeight(), tile_height))
            b.clicked.connect(lambda _=False, k=key: self.chosen.emit(k))
            grid.addWidget(b, i // columns, i % columns)
            self.tiles[key] = b
        v.addLayout(grid, 1)
        if office.hotline:
            v.addWidget(
                wrap_label(
                    self.tr("Cần giúp? Gọi %1 hoặc hỏi cán bộ ở quầy.").replace(
                        "%1", office.hotline
                    ),
                    "bodyText",
                )
            )

    def speech_text(self) -> str:
        return self.tr(
            "Xin chào! Bạn cần làm gì? Nộp hồ sơ. Tìm hiểu thủ tục. Tra cứu hồ sơ. Hoặc đánh giá."
        )


class KioskWindow(QWidget):
    """The kiosk. ``speaker``: a :class:`~kiosk_app.ui.kiosk.speech.Speaker` (default: a
    Vietnamese Qt voice, or silent); ``printer``: prints an 80 mm PDF (default: the office's
    printer); ``idle``: an :class:`IdleWatch` (tests pass short intervals); ``scanner``: False
    for no CCCD keyboard-wedge scanner (tests)."""

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
        scanner: bool = True,
        thanks_ms: int | None = None,
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
        if speaker is None:
            QTimer.singleShot(500, self._load_speaker)
        if printer is None:
            from kiosk_app.ui.kiosk.slips import default_printer

            printer = default_printer(kiosk)
        self.printer = printer
        self.thanks_ms = thanks_ms
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
        self.lockdown = Lockdown(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.lockdown)
        self.idle = idle or IdleWatch(self)
        self.idle.setParent(self)
        self.idle.warning.connect(self._idle_warning)
        self.idle.cancelled.connect(self.overlay.hide)
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
        self.speak_button.setVisible(bool(self.speaker.available))
        h.addWidget(self.speak_button)
        outer.addWidget(header)

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
        self.speaker = default_speaker(self)
        self.speak_button.setVisible(bool(self.speaker.available))

    def set_speech(self, on: bool) -> None:
        if on:
            self.speaker.say(self.speech_text())
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
                self.kiosk, self.runner, self.printer, self.lang, self.columns, arg, self.scanner
            )
            flow.rate_requested.connect(lambda code: self.start_flow("rate", code))
        elif kind == "learn":
            from kiosk_app.ui.kiosk.learn import LearnFlow

            flow = LearnFlow(self.kiosk, self.runner, self.printer, self.lang, self.columns)
            flow.submit_requested.connect(lambda code: self.start_flow("submit", code))
        elif kind == "check":
            from kiosk_app.ui.kiosk.check import CheckFlow

            flow = CheckFlow(self.kiosk, self.runner, self.lang, self.landscape)
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

            flow = AdminFlow(pad_height=400 if self.landscape else 560)
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
            QApplication.beep()
            self.say(self.tr("Bạn còn ở đây không? Chạm vào màn hình để tiếp tục."))

    def _still_here(self) -> None:
        self.idle.poke()
        self.overlay.hide()

    def wipe(self) -> None:
        """Discard everything a citizen entered and show the welcome screen again."""
        self.overlay.hide()
        self.speaker.stop()
        self._drop_flow()
        if self.large_button.isChecked():
            self.large_button.setChecked(False)
        if self.speak_button.isChecked():
            self.speak_button.blockSignals(True)
            self.speak_button.setChecked(False)
            self.speak_button.blockSignals(False)
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
        if self.scanner is not None:
            self.scanner.uninstall()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.lockdown)
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
