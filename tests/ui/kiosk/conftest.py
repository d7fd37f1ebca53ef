"""Fixtures for the self-service kiosk: a window with a fake voice, a fake printer and an idle
watch on a hand-driven clock (milliseconds, so the idle tests take no time)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6


class FakePrinter:
    """Records each PDF; ``fail`` makes it raise the printing module's error."""

    def __init__(self) -> None:
        self.pdfs: list[bytes] = []
        self.fail: str | None = None

    def __call__(self, pdf: bytes) -> None:
        if self.fail:
            from kiosk_app.ui.printing import PrinterNotFoundError

            raise PrinterNotFoundError(self.fail)
        self.pdfs.append(pdf)


class ManualClock:
    def __init__(self) -> None:
        self.ms = 0

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


@pytest.fixture
def make_window(qtbot: Any, kiosk: Any) -> Iterator[Any]:
    """``make_window(orientation="portrait", **options)`` → a shown KioskWindow with
    ``.fake_speaker``, ``.fake_printer``, ``.fake_alert`` and ``.clock`` (the idle watch's)."""
    from kiosk_app.ui.kiosk.alert import FakeAlert
    from kiosk_app.ui.kiosk.idle import IdleWatch
    from kiosk_app.ui.kiosk.shell import KioskWindow
    from kiosk_app.ui.kiosk.speech import FakeSpeaker

    made: list[Any] = []

    def make(orientation: str = "portrait", **options: Any) -> Any:
        clock = ManualClock()
        speaker = options.pop("speaker", None) or FakeSpeaker()
        printer = options.pop("printer", None) or FakePrinter()
        alert = options.pop("alert", None) or FakeAlert()
        idle = IdleWatch(warn_ms=60_000, wipe_ms=90_000, tick_ms=5, clock=clock)
        window = KioskWindow(
            kiosk,
            orientation=orientation,
            speaker=speaker,
            printer=printer,
            idle=idle,
            alert=alert,
            scanner=options.pop("scanner", False),
            thanks_ms=options.pop("thanks_ms", 50),
            cameras=options.pop("cameras", []),  # no camera unless a test gives one
            **options,
        )
        # not qtbot.addWidget: pytest-qt would close (refused: the kiosk is locked) and
        # delete it before this fixture unlocks and closes it
        window.show()
        window.fake_speaker, window.fake_printer, window.clock = speaker, printer, clock
        window.fake_alert = alert
        window.runner.wait_idle(5000)
        made.append(window)
        return window

    yield make
    for w in made:
        if not shiboken6.isValid(w):
            continue
        w.runner.wait_idle(5000)
        w.unlocked = True
        w.close()
        w.deleteLater()
