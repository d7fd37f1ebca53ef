"""The read-aloud helper process (see :mod:`kiosk_app.ui.kiosk.speech` for why a process).

    python -m kiosk_app.ui.kiosk.speech_helper [--engine speechd|sapi|winrt|mock]

Prints one line, ``READY <engine>`` or ``UNAVAILABLE <reason>``, then reads JSON lines from
stdin: ``{"say": text}``, ``{"stop": ""}``, ``{"quit": ""}``. It exits at ``quit`` or when stdin
closes (the kiosk went away) — with ``os._exit``, because QTextToSpeech's destructor may wait
for ever on a hung speech-dispatcher. Only QtCore and QtTextToSpeech are loaded (no GUI).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal


class _Lines(QObject):
    """Carries stdin lines from the reading thread to the Qt thread (queued signal)."""

    line = Signal(str)


def _reader(carrier: _Lines) -> None:
    for raw in sys.stdin.buffer:
        carrier.line.emit(raw.decode("utf-8", "replace"))
    carrier.line.emit('{"quit": ""}')  # the kiosk closed its end


def _reply(text: str) -> None:
    sys.stdout.write(text.replace("\n", " ") + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="speech_helper")
    parser.add_argument("--engine", default=None)
    args = parser.parse_args(argv)
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    try:
        from kiosk_app.ui.kiosk.speech import QtSpeaker

        speaker = QtSpeaker(engine=args.engine)
    except Exception as exc:  # noqa: BLE001 - no TTS plugin at all: say so and leave
        _reply(f"UNAVAILABLE {type(exc).__name__}: {exc}")
        os._exit(0)
    if not speaker.available:
        _reply(f"UNAVAILABLE {speaker.reason}")
        os._exit(0)
    _reply(f"READY {speaker.engine}")

    def handle(line: str) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        if "quit" in message:
            sys.stdout.flush()
            os._exit(0)
        if "stop" in message:
            speaker.stop()
        text = message.get("say")
        if isinstance(text, str):
            speaker.say(text)

    carrier = _Lines()
    carrier.line.connect(handle, Qt.ConnectionType.QueuedConnection)
    threading.Thread(target=_reader, args=(carrier,), daemon=True).start()
    app.exec()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
