"""The desk's inactivity lock polls what input changes (no application-wide event filter)."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QLineEdit

from kiosk_app.ui.clerk.desk_lock import InactivityLock
from tests.ui.keys import type_text


def test_typing_keeps_the_desk_open_and_silence_locks_it(qtbot) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    lock = InactivityLock()
    lock.set_interval_ms(400)
    fired = []
    lock.idle.connect(lambda: fired.append(time.monotonic()))
    lock.arm(True)
    for ch in "Nguyễn Văn An, đang gõ":  # a person typing, 0.1 s a key: longer than 400 ms
        type_text(edit, ch)
        qtbot.wait(100)
    assert fired == [] and lock.armed
    qtbot.waitUntil(lambda: bool(fired), timeout=3000)
    assert not lock.armed
    # disarmed: never fires again
    lock.arm(False)
    qtbot.wait(600)
    assert len(fired) == 1


def test_poke_counts_as_activity(qtbot) -> None:
    lock = InactivityLock()
    lock.set_interval_ms(300)
    fired = []
    lock.idle.connect(lambda: fired.append(1))
    lock.arm(True)
    for _ in range(6):
        qtbot.wait(100)
        lock.poke()  # e.g. a scanner's input
    assert fired == []
    qtbot.waitUntil(lambda: bool(fired), timeout=3000)
