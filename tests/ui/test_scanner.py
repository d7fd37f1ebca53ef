"""The keyboard-wedge CCCD QR detector: fast bursts are swallowed and emitted, typing passes."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kiosk_app.ui.scanner import CccdScanner

QR = "001090012345|123456789|Nguyễn Văn An|15051990|Nam|Số 1, thôn Nam Đông|01022021"


def _key(widget: QWidget, ch: str) -> None:
    if ch == "\n":
        key, txt = Qt.Key.Key_Return, "\r"
    else:
        key, txt = Qt.Key.Key_unknown, ch
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QCoreApplication.sendEvent(
            widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, txt)
        )


class StepClock:
    """The scanner's clock in these tests: each reading is 2 ms after the last (a scanner's
    pace), plus whatever a test lets pass with ``advance`` — so a burst stays a burst however
    slowly a loaded CI machine delivers the synthetic key events."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        self.now += 2
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


CLOCK = StepClock()


def _burst(widget: QWidget, text: str) -> None:
    for ch in text:
        _key(widget, ch)


def _slow(qtbot, widget: QWidget, text: str, pause_ms: int = 60) -> None:
    for ch in text:
        _key(widget, ch)
        CLOCK.advance(pause_ms)
        qtbot.wait(pause_ms)


def _setup(qtbot):
    host = QWidget()
    lay = QVBoxLayout(host)
    edit, other = QLineEdit(), QLineEdit()
    lay.addWidget(edit)
    lay.addWidget(other)
    qtbot.addWidget(host)
    host.show()
    scanner = CccdScanner(clock=CLOCK)
    got: list[str] = []
    scanner.scanned.connect(got.append)
    return host, edit, scanner, got


def test_fast_burst_with_enter_is_swallowed_and_emitted(qtbot) -> None:
    _host, edit, scanner, got = _setup(qtbot)
    try:
        edit.setText("giữ nguyên")
        _burst(edit, QR + "\n")
        qtbot.wait(60)
        assert got == [QR]
        assert edit.text() == "giữ nguyên"
    finally:
        scanner.uninstall()


def test_slow_typing_passes_through(qtbot) -> None:
    _host, edit, scanner, got = _setup(qtbot)
    try:
        _slow(qtbot, edit, "001090012345|ab")
        _key(edit, "\n")
        qtbot.wait(60)
        assert got == []
        assert edit.text() == "001090012345|ab"
    finally:
        scanner.uninstall()


def test_fast_digits_without_qr_shape_are_replayed_in_order(qtbot) -> None:
    _host, edit, scanner, got = _setup(qtbot)
    try:
        _burst(edit, "0912345678")  # e.g. a phone number from a test helper or paste tool
        qtbot.waitUntil(lambda: edit.text() == "0912345678", timeout=15000)
        _burst(edit, "12ab")  # a letter breaks the pattern: replayed at once, no wait
        assert edit.text() == "091234567812ab"
        _burst(edit, "123456789012\n")  # 12 digits + Enter, but no "|": not a scan
        qtbot.wait(60)
        assert edit.text() == "091234567812ab123456789012"
        assert got == []
        assert not scanner.holding
    finally:
        scanner.uninstall()


def test_pause_inside_a_would_be_scan_releases_it(qtbot) -> None:
    _host, edit, scanner, got = _setup(qtbot)
    try:
        _burst(edit, "001090")
        CLOCK.advance(80)
        qtbot.wait(80)
        _burst(edit, "012345|x\n")
        qtbot.wait(60)
        assert got == []
        assert edit.text() == "001090012345|x"
    finally:
        scanner.uninstall()


def test_disabled_scanner_lets_everything_through(qtbot) -> None:
    _host, edit, scanner, got = _setup(qtbot)
    try:
        scanner.enabled = False
        _burst(edit, QR[:20])
        assert edit.text() == QR[:20]
        assert got == []
    finally:
        scanner.uninstall()


def test_gaps_are_read_from_the_scanners_clock(qtbot) -> None:
    # Sent back-to-back in real time, but 50 ms apart by the scanner's clock: a person typing.
    _host, edit, scanner, got = _setup(qtbot)
    try:
        for ch in "001090012345|ab\n":
            CLOCK.advance(50)
            _key(edit, ch)
        qtbot.wait(60)
        assert got == []
        assert edit.text() == "001090012345|ab"
    finally:
        scanner.uninstall()
