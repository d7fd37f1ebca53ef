"""Idle warning and wipe (nothing a citizen typed survives anywhere in the widget tree), and
read-aloud through the Speaker interface (a fake here; QtTextToSpeech's mock engine once)."""

from __future__ import annotations

from typing import Any

from kiosk_app.ui.kiosk.speech import FakeSpeaker
from tests.ui.kiosk.helpers import all_texts, line_of, next_, settle, tap, type_text

NAME = "Trần Văn Đức"
CCCD = "001090012345"
PHONE = "0912345678"


def idle_for(qtbot: Any, w: Any, ms: int) -> None:
    w.clock.advance(ms)
    qtbot.wait(30)  # a few ticks of the 5 ms idle timer


def test_idle_warns_then_wipes_everything(qtbot: Any, make_window: Any, kiosk: Any) -> None:
    w = make_window()
    tap(qtbot, w.speak_button)
    tap(qtbot, w.large_button)
    tap(qtbot, w.welcome.tiles["submit"])
    tap(qtbot, w.flow.list.buttons["2.000815"])
    type_text(line_of(w.flow.editor), NAME)
    next_(qtbot, w)
    type_text(line_of(w.flow.editor), CCCD)
    next_(qtbot, w)
    type_text(line_of(w.flow.editor), PHONE)
    typed = [NAME, CCCD, PHONE]
    assert any(NAME in t for t in all_texts()) or kiosk.intake.unfinished_drafts()
    assert any(PHONE in t for t in all_texts())

    # 59 s: nothing; 61 s: the countdown, the chime and the spoken question
    idle_for(qtbot, w, 59_000)
    assert not w.overlay.isVisible() and w.fake_alert.plays == 0
    idle_for(qtbot, w, 2_000)
    assert w.overlay.isVisible()
    assert w.overlay.count.text() == "29 giây"
    assert "Bạn còn ở đây không" in w.fake_speaker.last
    assert w.fake_alert.plays == 1
    # the countdown ticks on (every 5 ms here, many ticks): the chime does not repeat
    idle_for(qtbot, w, 5_000)
    assert w.overlay.count.text() == "24 giây" and w.fake_alert.plays == 1
    # a touch ends the warning, stops the sound and restarts the count
    stops = w.fake_alert.stops
    tap(qtbot, w.overlay.button)
    assert not w.overlay.isVisible()
    assert w.fake_alert.stops > stops
    idle_for(qtbot, w, 61_000)
    assert w.overlay.isVisible() and w.fake_alert.plays == 2  # a new warning: once more
    idle_for(qtbot, w, 30_000)  # 91 s: wiped

    settle(w)
    qtbot.wait(20)  # deleteLater of the flow's widgets
    assert w.flow is None and w.stack.currentWidget() is w.welcome
    assert not w.overlay.isVisible()
    assert w.wipes == 1
    assert not w.large_button.isChecked() and not w.speak_button.isChecked()
    texts = all_texts()
    for value in typed:
        leftovers = [t for t in texts if value in t]
        assert leftovers == [], f"{value!r} still in {leftovers}"
    assert kiosk.intake.unfinished_drafts() == []  # the draft is gone from the store too


def test_wipe_clears_the_check_and_pin_boxes(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    tap(qtbot, w.welcome.tiles["check"])
    for ch in "250312":
        tap(qtbot, w.flow.pad.keys[ch])
    box = w.flow.code_edit
    idle_for(qtbot, w, 91_000)
    settle(w)
    qtbot.wait(20)
    assert w.flow is None
    assert not [t for t in all_texts() if "250312" in t]
    import shiboken6

    assert not shiboken6.isValid(box) or box.text() == ""


def test_the_welcome_screen_is_not_watched(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    idle_for(qtbot, w, 200_000)
    assert not w.overlay.isVisible() and w.wipes == 0


def test_speech_reads_questions_help_and_errors(qtbot: Any, make_window: Any) -> None:
    w = make_window()
    speaker: FakeSpeaker = w.fake_speaker
    tap(qtbot, w.welcome.tiles["submit"])
    assert speaker.spoken == []  # off until the speaker button is pressed
    tap(qtbot, w.speak_button)
    assert "chạm vào việc bạn cần làm" in speaker.last
    tap(qtbot, w.flow.list.buttons["2.000815"])
    assert speaker.last == "Người yêu cầu. Họ, chữ đệm và tên"
    next_(qtbot, w)  # empty: the error is read
    assert speaker.last == "Bắt buộc nhập"
    type_text(line_of(w.flow.editor), NAME)
    next_(qtbot, w)
    assert speaker.last.startswith("Người yêu cầu. Số định danh cá nhân")
    assert "12 chữ số" in speaker.last  # the help text too
    stops = speaker.stops
    tap(qtbot, w.speak_button)  # off
    assert speaker.stops == stops + 1
    n = len(speaker.spoken)
    type_text(line_of(w.flow.editor), CCCD)
    next_(qtbot, w)
    assert len(speaker.spoken) == n


def test_speaker_button_says_reading_aloud_is_unavailable(qtbot: Any, make_window: Any) -> None:
    w = make_window(speaker=FakeSpeaker(available=False))
    assert w.speak_button.isVisible()
    assert w.speak_button.text() == "Không đọc to được"
    tap(qtbot, w.speak_button)
    assert not w.speak_button.isChecked()  # nothing pretends to be on
    assert w.notice.isVisible() and "chưa đọc to được" in w.notice.text()
    w.say("không ai nghe")
    assert w.fake_speaker.spoken == []
    tap(qtbot, w.welcome.tiles["check"])
    w.start_over()
    assert not w.notice.isVisible()  # the wipe clears it too


def test_qt_speaker_is_graceful_with_the_mock_engine(qtbot: Any) -> None:
    """Qt's mock engine has no Vietnamese voice: the speaker says so and stays silent. (The
    real engine is left alone here: speech-dispatcher without a sound card hangs.)"""
    from kiosk_app.ui.kiosk.speech import QtSpeaker, SilentSpeaker

    speaker = QtSpeaker(engine="mock")
    assert not speaker.available
    assert "Vietnamese" in speaker.reason
    speaker.say("Xin chào")  # never raises, voice or not
    speaker.stop()
    silent = SilentSpeaker()
    silent.say("Xin chào")
    assert not silent.available
