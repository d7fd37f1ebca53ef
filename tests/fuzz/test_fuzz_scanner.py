"""Fuzzing the keyboard-wedge scanner's burst parsing (kiosk_app.ui.scanner): whatever a
scanner or a fast typist sends, every key press ends up exactly once either in the emitted
QR text (a burst starting ``12 digits|``) or, in order, in the field it was typed into.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

from kiosk_app.ui.scanner import CccdScanner
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.strategies import hostile_text

QR = "001090012345|123456789|Nguyễn Văn An|15051990|Nam|Số 1, thôn Nam Đông|01022021"


class StepClock:
    """2 ms per reading (a scanner's pace), whatever the machine's real speed."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        self.now += 2
        return self.now


def _press(widget: QLineEdit, key: Qt.Key, text: str) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QCoreApplication.sendEvent(
            widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
        )


_PRINTABLE = hostile_text(max_size=120).map(lambda s: "".join(c for c in s if c.isprintable()))


@fuzz_settings(150, deadline_ms=3000)
@given(
    st.one_of(
        _PRINTABLE,
        st.builds(lambda a, b: a + b, st.from_regex(r"[0-9]{12}\|", fullmatch=True), _PRINTABLE),
        st.just(QR),
    ),
    st.booleans(),
)
@example(QR, True)
@example("001090012345|" + "|" * 20, False)
@example("0" * 12, True)
@example("0" * 13, True)
@example("\ud800", True)
def test_every_key_is_delivered_once(qtbot: object, text: str, enter: bool) -> None:
    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)  # not one key press
    edit = QLineEdit()
    edit.setMaxLength(100_000)
    qtbot.addWidget(edit)  # type: ignore[attr-defined]
    edit.show()
    scanner = CccdScanner(clock=StepClock())
    got: list[str] = []
    scanner.scanned.connect(got.append)
    try:
        for ch in text:
            _press(edit, Qt.Key.Key_unknown, ch)
        if enter:
            _press(edit, Qt.Key.Key_Return, "\r")
        qtbot.wait(45)  # type: ignore[attr-defined]  # the quiet timer (30 ms) releases the rest
        assert not scanner.holding
        if got:
            assert got == [text] and edit.text() == ""
            assert text[:12].isdigit() and text[12] == "|"
        else:
            assert edit.text() == text
    finally:
        scanner.uninstall()
        scanner.deleteLater()
