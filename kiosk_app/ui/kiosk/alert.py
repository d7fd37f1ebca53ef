"""The idle warning's sound: a short chime (``resources/sounds/idle_warning.wav``, made by
``tools/make_sounds.py``) played with QSoundEffect, or the system beep when QtMultimedia cannot
play it (no audio device, no multimedia backend, a missing file).

Start-up: nothing is loaded until the first warning. QtMultimedia's import plus the file's
load cost ~110 ms here (most of it the FFmpeg backend and the audio-device probe), which a
kiosk waiting for a villager can afford at that moment but its first paint should not.

``AlertPlayer`` is the interface the shell uses; tests pass a fake that counts calls.
GUI thread only (QSoundEffect lives there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from kiosk_app.resources import resource_path

WARNING_SOUND = ("sounds", "idle_warning.wav")
VOLUME = 0.8


class AlertPlayer(Protocol):
    def play(self) -> None: ...

    def stop(self) -> None: ...


class ChimePlayer(QObject):
    """Plays the warning chime; ``beep`` (default ``QApplication.beep``) when it cannot.

    ``fallbacks`` counts the times the beep was used instead (a test can see the fallback);
    ``reason`` says why the chime is not used, once known.
    """

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        path: Any = None,
        beep: Callable[[], None] = QApplication.beep,
    ) -> None:
        super().__init__(parent)
        self.path = path if path is not None else resource_path(*WARNING_SOUND)
        self.beep = beep
        self.effect: Any = None
        self.broken = False
        self.reason = ""
        self.fallbacks = 0
        self._wanted = False

    def _load(self) -> Any:
        if self.effect is not None or self.broken:
            return self.effect
        try:
            from PySide6.QtCore import QUrl
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError as exc:  # a build without QtMultimedia: the beep still works
            return self._give_up(f"QtMultimedia: {exc}")
        if not self.path.is_file():
            return self._give_up(f"{self.path}: no such file")
        effect = QSoundEffect(self)
        effect.setVolume(VOLUME)
        effect.statusChanged.connect(self._status)
        effect.setSource(QUrl.fromLocalFile(str(self.path)))
        self.effect = effect
        return effect

    def _give_up(self, reason: str) -> None:
        self.broken, self.reason = True, reason
        return None

    def _status(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        if self.effect is not None and self.effect.status() == QSoundEffect.Status.Error:
            # Reported asynchronously (e.g. no audio output): beep for the warning that was
            # waiting for the chime, and from now on.
            self.effect.deleteLater()
            self.effect = None
            self._give_up("the sound cannot be played on this machine's audio output")
            if self._wanted:
                self._fallback()

    def _fallback(self) -> None:
        self._wanted = False
        self.fallbacks += 1
        self.beep()

    def play(self) -> None:
        effect = self._load()
        if effect is None:
            self._fallback()
            return
        self._wanted = True
        effect.play()  # queued by Qt until the file is loaded

    def stop(self) -> None:
        self._wanted = False
        if self.effect is not None:
            self.effect.stop()


class FakeAlert:
    """Counts plays and stops (tests)."""

    def __init__(self) -> None:
        self.plays = 0
        self.stops = 0

    def play(self) -> None:
        self.plays += 1

    def stop(self) -> None:
        self.stops += 1
