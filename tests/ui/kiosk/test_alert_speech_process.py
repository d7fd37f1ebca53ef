"""The idle warning's chime (QSoundEffect or the beep when it cannot play) and the read-aloud
helper process: a missing, silent or hung voice never blocks the kiosk, and the speaker
button says when reading aloud is unavailable."""

from __future__ import annotations

import sys
import time
import wave
from pathlib import Path
from typing import Any

import pytest

from kiosk_app.resources import resource_path
from kiosk_app.ui.kiosk.alert import WARNING_SOUND, ChimePlayer
from kiosk_app.ui.kiosk.speech import ProcessSpeaker, helper_command
from tests.ui.kiosk.helpers import tap

FAKE_HELPER = """
import os, sys, time
gate = sys.argv[2] if len(sys.argv) > 2 else ""
while gate and not os.path.exists(gate):
    time.sleep(0.02)
print("READY fake", flush=True)
out = open(sys.argv[1], "a", encoding="utf-8")
for line in sys.stdin:
    out.write(line); out.flush()
"""


def test_the_chime_is_a_short_mono_16_bit_wav() -> None:
    path = resource_path(*WARNING_SOUND)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 44_100)
        assert 0.5 < w.getnframes() / w.getframerate() < 2.0
    sources = (path.parent / "README.md").read_text(encoding="utf-8")
    assert "CC0" in sources and "tools/make_sounds.py" in sources


def test_chime_falls_back_to_the_beep_when_it_cannot_play(qtbot: Any, tmp_path: Path) -> None:
    beeps: list[int] = []
    missing = ChimePlayer(path=tmp_path / "nothing.wav", beep=lambda: beeps.append(1))
    missing.play()
    assert beeps == [1] and missing.fallbacks == 1 and "no such file" in missing.reason
    missing.play()
    assert beeps == [1, 1]  # every warning still makes a sound

    # the real file on a machine with no audio output (this one, CI): QSoundEffect reports
    # an error asynchronously, and the waiting warning beeps instead; with a sound card the
    # chime plays and nothing beeps
    from PySide6.QtMultimedia import QMediaDevices

    real_beeps: list[int] = []
    chime = ChimePlayer(beep=lambda: real_beeps.append(1))
    chime.play()
    if QMediaDevices.audioOutputs():
        qtbot.wait(300)
        assert real_beeps == [] and not chime.broken
    else:
        qtbot.waitUntil(lambda: real_beeps == [1], timeout=5000)
        assert chime.broken and chime.reason
    chime.stop()


def test_process_speaker_with_a_working_helper(qtbot: Any, tmp_path: Path) -> None:
    script = tmp_path / "helper.py"
    script.write_text(FAKE_HELPER, encoding="utf-8")
    log = tmp_path / "said.jsonl"
    speaker = ProcessSpeaker(command=[sys.executable, str(script), str(log)])
    assert speaker.starting and not speaker.available
    with qtbot.waitSignal(speaker.changed, timeout=10_000):
        pass
    assert speaker.available and speaker.engine == "fake"
    speaker.say("Xin chào,\nbạn cần làm gì?")
    speaker.stop()
    qtbot.waitUntil(lambda: log.is_file() and log.read_text("utf-8").count("\n") == 2, timeout=5000)
    lines = log.read_text("utf-8").splitlines()
    assert lines[0] == '{"say": "Xin chào,\\nbạn cần làm gì?"}' and lines[1] == '{"stop": ""}'
    speaker.shutdown()
    assert speaker.proc.state() == speaker.proc.ProcessState.NotRunning
    speaker.shutdown()  # twice (closed, then the application quits): harmless
    speaker.say("không ai nghe")  # after shutdown: ignored


def test_a_hung_helper_times_out_without_blocking(qtbot: Any) -> None:
    """What a hung speech-dispatcher looks like from the kiosk: a helper that never answers."""
    hung = [sys.executable, "-c", "import time; time.sleep(60)"]
    started = time.monotonic()
    speaker = ProcessSpeaker(command=hung, timeout_ms=400)
    assert time.monotonic() - started < 0.5  # the constructor waits for nothing
    speaker.say("không ai nghe")  # ignored, never blocks
    with qtbot.waitSignal(speaker.changed, timeout=5000):
        pass
    assert not speaker.available and not speaker.starting
    assert "did not answer" in speaker.reason
    qtbot.waitUntil(lambda: speaker.proc.state() == speaker.proc.ProcessState.NotRunning)


def test_missing_helper_program_is_unavailable(qtbot: Any, tmp_path: Path) -> None:
    speaker = ProcessSpeaker(command=[str(tmp_path / "no-such-program")])
    qtbot.waitUntil(lambda: not speaker.starting, timeout=5000)
    assert not speaker.available and speaker.reason


def test_real_helper_with_qt_mock_engine_reports_no_vietnamese_voice(qtbot: Any) -> None:
    """The real helper module end to end (Qt's mock engine: no Vietnamese voice)."""
    speaker = ProcessSpeaker(command=helper_command("mock"), timeout_ms=20_000)
    qtbot.waitUntil(lambda: not speaker.starting, timeout=20_000)
    assert not speaker.available and "Vietnamese" in speaker.reason


@pytest.mark.parametrize("outcome", ["ready", "unavailable"])
def test_speaker_button_follows_the_helper(
    qtbot: Any, make_window: Any, tmp_path: Path, outcome: str
) -> None:
    """Pressed while the voice is starting: read aloud once it is ready, or told clearly
    that reading aloud is unavailable."""
    script = tmp_path / "helper.py"
    gate = tmp_path / "go"
    if outcome == "ready":
        script.write_text(FAKE_HELPER, encoding="utf-8")
    else:
        script.write_text(
            "import os, sys, time\nwhile not os.path.exists(sys.argv[2]): time.sleep(0.02)\n"
            'print("UNAVAILABLE no Vietnamese voice", flush=True)\n',
            "utf-8",
        )
    log = tmp_path / "said.jsonl"
    speaker = ProcessSpeaker(command=[sys.executable, str(script), str(log), str(gate)])
    w = make_window(speaker=speaker)
    assert w.speaker_state() == "starting" and w.speak_button.text() == "Đọc to"
    tap(qtbot, w.speak_button)
    assert w.speak_button.isChecked()
    gate.touch()  # the voice answers now
    qtbot.waitUntil(lambda: not speaker.starting, timeout=10_000)
    if outcome == "ready":
        assert w.speech_on
        qtbot.waitUntil(lambda: log.is_file() and "Xin chào" in log.read_text("utf-8"))
    else:
        assert not w.speak_button.isChecked()
        assert w.speak_button.text() == "Không đọc to được"
        assert w.notice.isVisible()
    w.unlocked = True
    w.close()
    assert speaker.proc.state() == speaker.proc.ProcessState.NotRunning  # helper killed
