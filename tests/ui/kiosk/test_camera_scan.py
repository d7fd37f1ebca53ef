"""Camera QR scanning at the kiosk: frames (still images of real QR codes, made by the
receipt's own QR path — CI has no camera) are decoded off the GUI thread, a few a second, and
a receipt QR shown to the camera opens the dossier's status like a typed code. No QR, a
foreign QR, a decoder or camera error: a clear message, never a crash."""

from __future__ import annotations

import io
import threading
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage, QPainter

from kiosk_app.receipts import qr_payload
from kiosk_app.ui.widgets.camera import StillFrames
from kiosk_app.ui.widgets.qr_decoder import QrDecoder, decode_image
from tests.ui.kiosk.helpers import settle, tap
from tests.ui.kiosk.test_learn_check_rate import submit_kiosk_dossier


def qr_frame(text: str | None, size: tuple[int, int] = (1280, 720), side: int = 420) -> QImage:
    """A camera-like frame: a grey desk, a white paper, and (when ``text``) its QR code drawn
    by the receipts' own ``qr_code`` (quiet zone included), a little off centre."""
    frame = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    frame.fill(QColor("#6b6b6b"))
    painter = QPainter(frame)
    painter.fillRect(size[0] // 4, size[1] // 10, side + 80, side + 60, QColor("#f4f1e8"))
    if text is not None:
        buf = io.BytesIO()
        qr_payload.qr_code(text).make_image(fill_color="black", back_color="white").save(buf)
        code = QImage.fromData(buf.getvalue(), "PNG").scaled(side, side)
        painter.drawImage(QPoint(size[0] // 4 + 40, size[1] // 10 + 30), code)
    painter.end()
    return frame


def feed(qtbot: Any, panel: Any, image: QImage) -> None:
    """Give the camera panel one frame and wait for its decode to come back."""
    qtbot.waitUntil(panel.decoder.wants_frame, timeout=5000)
    assert panel.source.push(image)
    qtbot.waitUntil(lambda: not panel.decoder.busy, timeout=5000)


def camera_window(make_window: Any) -> tuple[Any, list[StillFrames]]:
    sources: list[StillFrames] = []

    def make() -> StillFrames:
        sources.append(StillFrames())
        return sources[-1]

    return make_window(cameras=[object()], frame_source=make), sources


def test_decode_image_reads_the_receipt_qr(kiosk: Any) -> None:
    text = qr_payload.qr_text_for(kiosk, submit_kiosk_dossier(kiosk))
    assert decode_image(qr_frame(text)) == [text]
    assert decode_image(qr_frame(text, (640, 480), 300)) == [text]
    assert decode_image(qr_frame(None)) == []
    assert decode_image(QImage()) == []  # a null frame from a camera hiccup


def test_check_by_showing_the_receipt_to_the_camera(
    qtbot: Any, make_window: Any, kiosk: Any
) -> None:
    code = submit_kiosk_dossier(kiosk)
    text = qr_payload.qr_text_for(kiosk, code)
    w, sources = camera_window(make_window)
    tap(qtbot, w.welcome.tiles["check"])
    tap(qtbot, w.speak_button)
    flow = w.flow
    tap(qtbot, flow.camera_button)
    panel = flow.scan
    (source,) = sources
    assert source.active and panel.running
    assert w.title_label.text() == "Quét mã QR trên phiếu"
    assert not w.next_button.isVisible() and w.back_button.isVisible()
    assert "mã QR in trên phiếu" in w.fake_speaker.last
    panel.decoder.interval_ms = 0  # tests feed frames one by one
    panel.hint_after = 2

    # nothing in view: after a few frames, how to hold the paper
    feed(qtbot, panel, qr_frame(None))
    assert not panel.message.isVisible()
    feed(qtbot, panel, qr_frame(None))
    assert panel.message.isVisible() and "Chưa thấy mã QR" in panel.message.text()
    # a QR that is not a receipt's, and a broken receipt-like one: said clearly, scanning on
    for foreign in ("https://example.com/khuyen-mai", "1*000.00.06.H56-250312-1001*GARBAGE"):
        feed(qtbot, panel, qr_frame(foreign))
        assert "không phải mã trên phiếu hẹn" in panel.message.text()
        assert panel.running and flow.stack.currentWidget() is panel
    assert "không phải mã trên phiếu hẹn" in w.fake_speaker.last

    # the receipt: the camera goes off and the status shows, as for a typed code
    feed(qtbot, panel, qr_frame(text))
    settle(w)
    assert not source.active and source.stops == 1
    assert flow.stack.currentWidget() is flow.view
    assert flow.code_label.text() == f"Mã hồ sơ: {code}"
    assert flow.status_label.text() == "Mới nộp, chờ kiểm tra giấy tờ"
    assert "Mới nộp, chờ kiểm tra giấy tờ" in w.fake_speaker.last
    assert panel.still.pixmap().isNull()  # no picture of the paper left on screen


def test_an_unknown_dossier_from_the_camera_is_explained(
    qtbot: Any, make_window: Any, kiosk: Any
) -> None:
    code = submit_kiosk_dossier(kiosk)
    text = qr_payload.qr_text_for(kiosk, code)
    other = text.replace(code, code[:-4] + "9999")  # well-formed, no such dossier here
    w, _ = camera_window(make_window)
    tap(qtbot, w.welcome.tiles["check"])
    tap(qtbot, w.flow.camera_button)
    w.flow.scan.decoder.interval_ms = 0
    feed(qtbot, w.flow.scan, qr_frame(other))
    settle(w)
    flow = w.flow
    assert flow.stack.currentWidget() is flow.entry
    assert flow.error_label.isVisible() and "Không tìm thấy hồ sơ" in flow.error_label.text()
    tap(qtbot, flow.camera_button)  # try again
    assert flow.scan.running and not flow.scan.message.isVisible()


def test_camera_stops_on_back_and_on_the_idle_wipe(qtbot: Any, make_window: Any) -> None:
    w, sources = camera_window(make_window)
    tap(qtbot, w.welcome.tiles["check"])
    tap(qtbot, w.flow.camera_button)
    assert sources[0].active
    tap(qtbot, w.back_button)
    assert not sources[0].active and w.flow.stack.currentWidget() is w.flow.entry
    assert w.next_button.isVisible()  # back to typing the code
    tap(qtbot, w.flow.camera_button)
    assert sources[0].active and sources[0].starts == 2
    panel = w.flow.scan
    w.clock.advance(91_000)
    qtbot.wait(30)
    settle(w)
    assert w.flow is None and w.wipes == 1
    assert not sources[0].active and panel.decoder.closed


def test_no_camera_no_button(qtbot: Any, make_window: Any) -> None:
    w = make_window(cameras=None)  # asks Qt: this machine (and CI) has none
    tap(qtbot, w.welcome.tiles["check"])
    assert not w.flow.camera_button.isVisible()
    w.flow.open_camera()  # nothing to open: nothing happens
    assert w.flow.scan is None


def test_camera_and_decoder_errors_are_messages(qtbot: Any, make_window: Any) -> None:
    w, sources = camera_window(make_window)
    tap(qtbot, w.welcome.tiles["check"])
    tap(qtbot, w.flow.camera_button)
    panel = w.flow.scan
    panel.decoder._decode = lambda image: 1 / 0  # a decoder bug must not crash the kiosk
    panel.decoder.interval_ms = 0
    feed(qtbot, panel, qr_frame(None))
    assert "Không đọc được hình từ máy ảnh" in panel.message.text() and panel.running
    sources[0].failed.emit("thiết bị bị rút ra")
    assert not panel.running
    assert "Máy ảnh báo lỗi: thiết bị bị rút ra" in panel.message.text()


class ManualClock:
    ms = 0

    def __call__(self) -> int:
        return self.ms


def test_decoder_takes_one_frame_at_a_time_off_the_gui_thread(qtbot: Any) -> None:
    gate = threading.Event()
    threads: list[int] = []

    def slow_decode(image: QImage) -> list[str]:
        threads.append(threading.get_ident())
        gate.wait(5)
        return ["X"]

    clock = ManualClock()
    decoder = QrDecoder(interval_ms=250, clock=clock, decode=slow_decode)
    got: list[list[str]] = []
    decoder.decoded.connect(got.append)
    frame = qr_frame(None, (320, 240))
    assert decoder.offer(frame)
    for _ in range(30):  # a camera's second of frames while the first decode runs
        assert not decoder.offer(frame)
    assert decoder.taken == 1 and decoder.busy
    gate.set()
    qtbot.waitUntil(lambda: got == [["X"]], timeout=5000)
    assert threads and threads[0] != threading.get_ident()
    assert not decoder.offer(frame)  # free, but within 250 ms of the last one
    clock.ms += 250
    assert decoder.offer(frame)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=5000)
    decoder.close()
    assert not decoder.offer(frame) and decoder.taken == 2


def test_real_camera_source_without_a_camera_reports_it(qtbot: Any) -> None:
    """CameraFrames itself (QCamera + QMediaCaptureSession + the preview's QVideoSink): on a
    machine without a camera it says so instead of failing silently."""
    from kiosk_app.ui.widgets.camera import CameraFrames, cameras

    source = CameraFrames()
    qtbot.addWidget(source.preview)
    errors: list[str] = []
    source.failed.connect(errors.append)
    source.start()
    if cameras():
        assert source.active  # a developer's PC with a webcam
    else:
        assert errors and not source.active
    source.stop()
    source.stop()
    assert not source.active


# ------------------------------------------------------------------ submit: the CCCD's QR
def test_cccd_card_by_camera_fills_the_person(qtbot: Any, make_window: Any, kiosk: Any) -> None:
    from tests.ui.kiosk.helpers import line_of, next_
    from tests.ui.kiosk.test_submit import CCCD, NAME, open_copy_request

    card = f"{CCCD}|012345678|{NAME}|15051990|Nữ|Xã Nam Đông, Huế|01022021"
    receipt = qr_payload.qr_text_for(kiosk, submit_kiosk_dossier(kiosk))
    w, sources = camera_window(make_window)
    tap(qtbot, w.speak_button)
    flow = open_copy_request(qtbot, w)
    assert flow.current_question().path == "requester.full_name"
    tap(qtbot, flow.camera_button)
    panel = flow.scan
    assert sources[0].active and flow.scanning()
    assert w.title_label.text() == "Quét thẻ căn cước" and not w.next_button.isVisible()
    panel.decoder.interval_ms = 0
    feed(qtbot, panel, qr_frame(receipt))  # the wrong paper: a receipt, not the card
    assert panel.message.isVisible() and panel.running
    assert "không phải mã QR trên thẻ CCCD" in panel.message.text()
    feed(qtbot, panel, qr_frame(card))
    assert not sources[0].active and not flow.scanning()
    assert flow.stack.currentWidget() is flow.body
    assert line_of(flow.editor).text() == NAME
    assert w.fake_speaker.last == "Đã đọc thẻ căn cước."
    next_(qtbot, w)
    assert line_of(flow.editor).text() == CCCD
    # back from the camera without a card: the question again, camera off
    tap(qtbot, flow.camera_button)
    assert sources[0].active
    tap(qtbot, w.back_button)
    assert not sources[0].active and flow.stack.currentWidget() is flow.body
    assert flow.current_question().path == "requester.id_number"
    # the wipe turns it off too
    tap(qtbot, flow.camera_button)
    tap(qtbot, w.restart_button)
    settle(w)
    assert not sources[0].active and panel.decoder.closed


def test_no_camera_button_without_a_camera_at_submit(qtbot: Any, make_window: Any) -> None:
    from tests.ui.kiosk.test_submit import open_copy_request

    w = make_window()
    flow = open_copy_request(qtbot, w)
    assert not hasattr(flow, "camera_button") or not flow.camera_button.isVisible()
