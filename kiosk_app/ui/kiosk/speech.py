"""Read-aloud: a tiny ``Speaker`` interface and its implementations.

* :class:`ProcessSpeaker` (the kiosk's default): QtTextToSpeech with a Vietnamese voice
  (speech-dispatcher + espeak-ng on Linux, the system voice on Windows) running in a helper
  process (:mod:`kiosk_app.ui.kiosk.speech_helper`), driven through a pipe.
* :class:`QtSpeaker`: QTextToSpeech itself, used inside that helper (and by tests with Qt's
  ``mock`` engine).
* :class:`SilentSpeaker` (no voice) and :class:`FakeSpeaker` (records what it was asked to say).

Why a process (measured here, Debian 12, speech-dispatcher 0.11.4, no sound card — see
docs/kiosk.md): constructing ``QTextToSpeech("speechd")`` spawns the daemon and takes 1.9–2.5 s;
after a ``say()`` with no audio device the daemon stays "Speaking" for ever and then stops
answering, and from then on every new ``QTextToSpeech`` blocks in its constructor without end
(and a process whose engine talked to it may hang at exit). Construction holds Python's GIL: on
a worker QThread the GUI thread still stood still (19 of 42 timer ticks in 4 s), so a thread
does not protect the kiosk. A helper process does: the GUI only writes lines to a pipe, waits
for nothing, and kills the helper when it does not answer in time or when the kiosk closes.

``available`` is False until the helper reports a Vietnamese voice; ``reason`` says why not.
``changed`` (ProcessSpeaker only) fires when that becomes known. GUI thread only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QLocale, QObject, QProcess, QTimer, Signal

VI_LOCALE = "vi_VN"
#: How long the helper may take to say whether a voice exists: Python + QtCore start (~0.3 s)
#: plus speech-dispatcher's first spawn (up to 2.5 s measured), with room for an old PC.
START_TIMEOUT_MS = 12_000


class Speaker(Protocol):
    available: bool

    def say(self, text: str) -> None: ...

    def stop(self) -> None: ...


class SilentSpeaker:
    """No voice on this machine: says nothing. ``reason``: why (shown to nobody, logged)."""

    available = False

    def __init__(self, reason: str = "") -> None:
        self.reason = reason

    def say(self, text: str) -> None:
        pass

    def stop(self) -> None:
        pass


class FakeSpeaker:
    """Records every text; ``available`` as given (tests of the "unavailable" button use False)."""

    def __init__(self, available: bool = True) -> None:
        self.available = available
        self.reason = "" if available else "fake: no voice"
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
    when the engine failed to start or offers no Vietnamese locale.

    Constructing it may block for ever on a hung speech-dispatcher: only the helper process
    (and tests with the ``mock`` engine) make one."""

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


def helper_command(engine: str | None = None) -> list[str]:
    """How to start the helper: ``python -m kiosk_app.ui.kiosk.speech_helper``, or, in a
    frozen (PyInstaller) build where there is no separate interpreter, the program itself
    with ``--speech-helper`` (handled first thing by ``kiosk_app.__main__``)."""
    extra = ["--engine", engine] if engine else []
    if getattr(sys, "frozen", False):
        return [sys.executable, "--speech-helper", *extra]
    return [sys.executable, "-m", "kiosk_app.ui.kiosk.speech_helper", *extra]


class ProcessSpeaker(QObject):
    """Talks to the speech helper process. Never blocks the GUI thread: ``say``/``stop`` write
    one JSON line to the helper's stdin; the helper's first line (``READY …`` or
    ``UNAVAILABLE …``) sets ``available``. No answer within ``timeout_ms``, or the helper
    exiting, makes it unavailable for good (the helper is killed)."""

    changed = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        command: Sequence[str] | None = None,
        timeout_ms: int = START_TIMEOUT_MS,
    ) -> None:
        super().__init__(parent)
        self.available = False
        self.starting = True
        self.reason = ""
        self.engine = ""
        self._buffer = b""
        self._shut = False
        cmd = list(command) if command is not None else helper_command()
        self.proc = QProcess(self)
        self.proc.setProgram(cmd[0])
        self.proc.setArguments(cmd[1:])
        # stderr (Qt's plugin chatter) is not ours to show; let it go to the kiosk's log
        self.proc.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        self.proc.readyReadStandardOutput.connect(self._read)
        self.proc.errorOccurred.connect(self._proc_error)
        self.proc.finished.connect(self._finished)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        self._timer.start(timeout_ms)
        self.proc.start()

    # ------------------------------------------------------------------ helper's answers
    def _read(self) -> None:
        self._buffer += bytes(self.proc.readAllStandardOutput().data())
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            self._answer(line.decode("utf-8", "replace").strip())

    def _answer(self, line: str) -> None:
        if not self.starting:
            return
        word, _, rest = line.partition(" ")
        if word == "READY":
            self._settle(True, "", rest)
        elif word == "UNAVAILABLE":
            self._settle(False, rest or "no voice")
            self._kill()

    def _settle(self, available: bool, reason: str, engine: str = "") -> None:
        self._timer.stop()
        self.starting = False
        self.available, self.reason, self.engine = available, reason, engine
        self.changed.emit()

    def _timed_out(self) -> None:
        if self.starting:
            self._settle(False, "the speech service did not answer (speech-dispatcher hung?)")
            self._kill()

    def _proc_error(self, _error: QProcess.ProcessError) -> None:
        if self.starting:
            self._settle(False, f"speech helper: {self.proc.errorString()}")
            self._kill()

    def _finished(self, *_: object) -> None:
        if self.starting:
            self._settle(False, "the speech helper stopped")
        elif self.available:
            self.available, self.reason = False, "the speech helper stopped"
            self.changed.emit()

    # ------------------------------------------------------------------ speaking
    def _send(self, message: dict[str, str]) -> None:
        if self.available and self.proc.state() == QProcess.ProcessState.Running:
            self.proc.write((json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8"))

    def say(self, text: str) -> None:
        if text.strip():
            self._send({"say": text})

    def stop(self) -> None:
        self._send({"stop": ""})

    def _kill(self) -> None:
        if self.proc.state() != QProcess.ProcessState.NotRunning:
            self.proc.kill()
            self.proc.waitForFinished(1000)  # SIGKILL: reaped at once

    def shutdown(self) -> None:
        """Stop the helper (the kiosk closes). Kills it: a helper stuck in a hung
        speech-dispatcher would not exit by itself."""
        if self._shut:
            return
        self._shut = True
        self._timer.stop()
        self.starting = False
        self.available = False
        for signal in (self.proc.finished, self.proc.errorOccurred):
            signal.disconnect()
        self._kill()


def default_speaker(parent: QObject | None = None) -> Speaker:
    """The kiosk's voice: a :class:`ProcessSpeaker` (unavailable until its helper answers)."""
    try:
        return ProcessSpeaker(parent)
    except Exception as exc:  # noqa: BLE001 - no QProcess here: the kiosk still works silently
        return SilentSpeaker(str(exc))
