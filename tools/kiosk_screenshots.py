# ruff: noqa: E402 - Qt's environment must be set before PySide6 is imported
"""Screenshots of every self-service kiosk screen, portrait and landscape, for
docs/screenshots/kiosk/. Run under Xvfb from the repository root:

    xvfb-run -a -s "-screen 0 1920x1920x24" /work/venv/bin/python tools/kiosk_screenshots.py \
        docs/screenshots/kiosk

``--keyboard`` instead shows the Qt Virtual Keyboard (Vietnamese layout) over a question and
grabs the whole screen (the keyboard is its own window): ``keyboard-<orientation>.png``.
"""

import argparse
import os
import sys
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
parser = argparse.ArgumentParser()
parser.add_argument("out", nargs="?", default="docs/screenshots/kiosk")
parser.add_argument("--keyboard", action="store_true", help="virtual keyboard shots only")
parser.add_argument("--orientation", choices=("portrait", "landscape", "both"), default="both")
args = parser.parse_args()

if args.keyboard:
    from kiosk_app.ui.kiosk import prepare_environment

    prepare_environment()

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])

from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
from kiosk_app.core.intake import VN_TZ
from kiosk_app.ui.kiosk.idle import IdleWatch
from kiosk_app.ui.kiosk.shell import SIZES, KioskWindow
from kiosk_app.ui.kiosk.speech import FakeSpeaker

OUT = Path(args.out)
OUT.mkdir(parents=True, exist_ok=True)


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def type_text(widget, text: str) -> None:
    widget.setFocus()
    for ch in unicodedata.normalize("NFC", text):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            ev = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QCoreApplication.sendEvent(widget, ev)
    app.processEvents()


class Clock:
    ms = 0

    def __call__(self) -> int:
        return self.ms


def make_window(kiosk, orientation: str):
    clock = Clock()
    idle = IdleWatch(warn_ms=60_000, wipe_ms=90_000, tick_ms=20, clock=clock)
    w = KioskWindow(
        kiosk,
        orientation=orientation,
        speaker=FakeSpeaker(),
        printer=lambda pdf: None,
        idle=idle,
        scanner=False,
    )
    w.clock = clock
    w.move(0, 0)
    w.show()
    w.activateWindow()
    settle(w)
    return w


def settle(w, ms: int = 120) -> None:
    w.runner.wait_idle(5000)
    wait(ms)


def shot(w, n: list, name: str) -> None:
    settle(w)
    n[0] += 1
    path = OUT / f"{w.orientation}-{n[0]:02d}-{name}.png"
    w.grab().save(str(path))
    print(path)


def editor_line(flow):
    from PySide6.QtWidgets import QLineEdit

    lines = flow.editor.findChildren(QLineEdit)
    return lines[0] if lines else None


def answer(w, text: str | None = None, value=None) -> None:
    flow = w.flow
    if text is not None:
        type_text(editor_line(flow), text)
    if value is not None:
        flow.editor.set_value(value)
    w.go_next()
    settle(w, 30)


def run(orientation: str) -> None:
    tmp = Path(tempfile.mkdtemp())
    configure_office(tmp, {**DEMO_TEST_OFFICE, "hotline": "0234 3871 234"})
    kiosk = open_kiosk(tmp)
    from tests.conftest import FakeClock

    kiosk.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))
    from tests.ui.conftest import log_in  # a head of office, for the staff exit's list

    log_in(kiosk, "head")
    w = make_window(kiosk, orientation)
    n = [0]
    shot(w, n, "welcome")
    w.speak_button.setChecked(True)
    w.large_button.setChecked(True)
    shot(w, n, "welcome-large-type")
    w.large_button.setChecked(False)

    # Learn
    w.start_flow("learn")
    shot(w, n, "learn-list")
    w.flow.show_procedure("1.001193")
    shot(w, n, "learn-detail")
    w.flow.print_list()
    shot(w, n, "learn-printed")

    # Submit: a birth registration shows every kind of question
    w.start_flow("submit")
    shot(w, n, "submit-list")
    flow = w.flow
    flow.choose("1.001193")
    seen: set[str] = set()
    names = {
        "text": "question-text",
        "id_number": "question-id-number",
        "date": "question-date",
        "choice": "question-choice",
        "boolean": "question-yes-no",
        "address": "question-address",
        "integer": "question-number",
    }
    example = flow.form.example_answers()
    from kiosk_app.ui.kiosk import questions as qs

    for _ in range(80):
        if flow.page != "question":
            break
        q = flow.current_question()
        kind = q.field.type
        if kind == "choice" and len(qs.options_of(flow.form, q, flow.answers)) > qs.BUTTON_CHOICES:
            kind = "choice-list"
            names[kind] = "question-choice-list"
        if kind in names and kind not in seen:
            seen.add(kind)
            if kind == "date":
                type_text(editor_line(flow), "0103202")  # half typed
            shot(w, n, names[kind])
            if kind == "date":
                editor_line(flow).clear()
        value = qs.get_value(example, q)
        flow.editor.set_value(value)
        if kind == "text" and "full_name" in q.path and "error" not in seen:
            seen.add("error")
            flow.editor.set_value(None)
            w.go_next()
            shot(w, n, "question-error")
            flow.editor.set_value(value)
        w.go_next()
        settle(w, 20)
    shot(w, n, "submit-papers")
    w.go_next()
    shot(w, n, "submit-review")
    w.go_next()
    settle(w, 300)
    code = flow.code
    shot(w, n, "submit-done")

    # Check
    w.start_flow("check")
    shot(w, n, "check-entry")
    w.flow.pad.toggle_mode()
    shot(w, n, "check-letters")
    w.flow.pad.toggle_mode()
    type_text(w.flow.code_edit, code.split("-", 1)[1] if code else "250312-1001")
    w.go_next()
    shot(w, n, "check-result")
    w.go_back()
    type_text(w.flow.code_edit, "991231-0001")
    w.go_next()
    shot(w, n, "check-not-found")

    # Rate
    w.start_flow("rate", code)
    shot(w, n, "rate-levels")
    w.flow.choose(4)
    w.flow.reason_buttons["staff_helpful"].setChecked(True)
    w.flow.reason_buttons["long_wait"].setChecked(True)
    shot(w, n, "rate-reasons")
    w.flow.thanks_timer.setInterval(600_000)
    w.go_next()
    shot(w, n, "rate-thanks")

    # Idle warning over a question
    w.start_flow("submit", "2.000815")
    settle(w)
    type_text(editor_line(w.flow), "Nguyễn Thị Hòa")
    w.clock.ms += 61_000
    wait(80)
    shot(w, n, "idle-warning")
    w.clock.ms += 30_000
    wait(80)
    shot(w, n, "after-idle-wipe")

    # Staff PIN
    w.open_admin()
    type_text(w.flow.pin, "12")
    shot(w, n, "admin-pin")
    w.wipe()
    w.resize(*SIZES[orientation])  # a taller page (the staff's) may have grown the window

    # Camera QR scanning (a kiosk with a camera; still frames stand in for it here)
    from kiosk_app.ui.widgets.camera import StillFrames

    w.cameras, w.frame_source = [object()], StillFrames
    w.start_flow("check")
    shot(w, n, "check-entry-camera")
    w.flow.open_camera()
    panel = w.flow.scan
    panel.decoder.interval_ms = 0
    show_frame(panel, camera_frame(None))
    shot(w, n, "check-camera")
    show_frame(panel, camera_frame("https://example.com/khuyen-mai"))
    shot(w, n, "check-camera-not-a-receipt")
    w.start_flow("submit", "2.000815")
    shot(w, n, "submit-person-camera-button")
    w.flow.open_camera()
    w.flow.scan.decoder.interval_ms = 0
    show_frame(w.flow.scan, camera_frame(None))
    shot(w, n, "submit-camera-cccd")
    w.wipe()

    # No Vietnamese voice on this PC: the speaker button says so
    from kiosk_app.ui.kiosk.speech import FakeSpeaker

    w.use_speaker(FakeSpeaker(available=False))
    w.speak_button.click()
    shot(w, n, "speech-unavailable")
    w.unlocked = True
    w.close()
    kiosk.close()


def camera_frame(text: str | None):
    """A webcam-like frame: a grey desk, a sheet of paper, and a QR code on it (drawn by the
    receipts' own qr_code) when ``text`` is given."""
    import io

    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QImage, QPainter

    from kiosk_app.receipts.qr_payload import qr_code

    frame = QImage(1280, 720, QImage.Format.Format_RGB32)
    frame.fill(QColor("#6b6b6b"))
    p = QPainter(frame)
    p.fillRect(330, 80, 560, 560, QColor("#f4f1e8"))
    if text:
        buf = io.BytesIO()
        qr_code(text).make_image(fill_color="black", back_color="white").save(buf)
        p.drawImage(QPoint(380, 130), QImage.fromData(buf.getvalue(), "PNG").scaled(460, 460))
    p.end()
    return frame


def show_frame(panel, image) -> None:
    """Feed one frame to the camera page and wait for its decode."""
    for _ in range(100):
        if panel.decoder.wants_frame():
            break
        wait(20)
    panel.source.push(image)
    for _ in range(250):
        if not panel.decoder.busy:
            break
        wait(20)
    wait(50)


def keyboard_shot(orientation: str) -> None:
    tmp = Path(tempfile.mkdtemp())
    configure_office(tmp, DEMO_TEST_OFFICE)
    kiosk = open_kiosk(tmp)
    w = make_window(kiosk, orientation)
    w.start_flow("submit", "2.000815")
    settle(w, 300)
    from PySide6.QtTest import QTest

    screen = QGuiApplication.primaryScreen()
    im = QGuiApplication.inputMethod()
    for name, text in (("text", "Lê Thị Hồng"), ("numeric", None)):
        line = editor_line(w.flow)
        QTest.mouseClick(line, Qt.MouseButton.LeftButton)  # a tap opens the keyboard
        im.show()
        wait(2500)
        print(name, "keyboard visible:", im.isVisible(), "locale:", im.locale().name(),
              "rect:", im.keyboardRectangle(), "lifted:", w.keyboard_height, w.compact,
              "focus:", line.hasFocus(), "hints:", line.inputMethodHints())  # fmt: skip
        path = OUT / f"keyboard-{name}-{orientation}.png"
        screen.grabWindow(0).toImage().save(str(path))
        print(path)
        if text:
            type_text(line, text)
            w.go_next()  # the ID number question: the numeric pad
            settle(w, 300)
    w.unlocked = True
    w.close()
    kiosk.close()


for o in ("portrait", "landscape") if args.orientation == "both" else (args.orientation,):
    if args.keyboard:
        keyboard_shot(o)
    else:
        run(o)
if args.keyboard:
    # The keyboard's QML scene outlives the application at interpreter exit and aborts
    # ("QPixmap: Must construct a QGuiApplication…"): the shots are saved, leave now.
    sys.stdout.flush()
    os._exit(0)
