"""Read-aloud: a tiny ``Speaker`` interface, the QtTextToSpeech implementation (Vietnamese
voice; speech-dispatcher + espeak-ng on Linux, the system voice on Windows), a silent one when
no voice exists, and a fake that records what it was asked to say (tests).

The shell asks ``speaker.available`` once: without a Vietnamese voice the speaker button is
hidden (a villager should not press a button that does nothing).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QLocale, QObject

VI_LOCALE = "vi_VN"


class Speaker(Protocol):
    available: bool

    def say(self, text: str) -> None: ...

    def stop(self) -> None: ...


class SilentSpeaker:
    """No voice on this machine: says nothing."""

    available = False

    def say(self, text: str) -> None:
        pass

    def stop(self) -> None:
        pass


class FakeSpeaker:
    """Records every text; ``available`` as given (tests of the hidden button use False)."""

    def __init__(self, available: bool = True) -> None:
        self.available = available
        self.spoken: list[str] = []
        self.stops = 0

    def say(self, text: str) -> None:
        self.spoken.append(text)

    def stop(self) -> None:
        self.stops += 1

    @property
    def last(self) -> str:
        return self.spoken[-1] if self.spoken else ""


class QtSpeaker(QObject):
    """QTextToSpeech with a Vietnamese voice. ``engine``: a Qt TTS engine name (``speechd``,
    ``sapi``, ``winrt``, ``mock``…) or None for the platform default. ``available`` is False
    when the engine failed to start or offers no Vietnamese locale."""

    def __init__(self, engine: str | None = None, locale: str = VI_LOCALE, parent=None) -> None:
        super().__init__(parent)
        from PySide6.QtTextToSpeech import QTextToSpeech

        self._tts = QTextToSpeech(engine, self) if engine else QTextToSpeech(self)
        self.reason = ""
        self.available = False
        if self._tts.state() == QTextToSpeech.State.Error:
            self.reason = self._tts.errorString() or "engine error"
            return
        wanted = QLocale(locale)
        names = {loc.name() for loc in self._tts.availableLocales()}
        if wanted.name() not in names and not any(n.startswith("vi") for n in names):
            self.reason = f"no Vietnamese voice (locales: {', '.join(sorted(names)) or 'none'})"
            return
        # PLATFORM.md: findVoices(QLocale) found nothing with speechd; setLocale did select it.
        self._tts.setLocale(wanted)
        self.available = True

    @property
    def engine(self) -> str:
        return self._tts.engine()

    def say(self, text: str) -> None:
        if self.available and text.strip():
            self._tts.stop()
            self._tts.say(text)

    def stop(self) -> None:
        if self.available:
            self._tts.stop()


def default_speaker(parent: QObject | None = None) -> Speaker:
    """A Vietnamese QtSpeaker when the machine has one, else a SilentSpeaker."""
    try:
        speaker = QtSpeaker(parent=parent)
    except Exception:  # noqa: BLE001 - no TTS plugin at all: the kiosk still works silently
        return SilentSpeaker()
    return speaker if speaker.available else SilentSpeaker()
