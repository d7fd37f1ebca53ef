"""Hold a QR code to the kiosk's camera: the live picture, what to do, and what went wrong.

Used by the Check flow (the receipt's QR) and the Submit flow (the chip CCCD's QR). The panel
owns a frame source (:class:`kiosk_app.ui.widgets.camera.CameraFrames`, or ``StillFrames`` in
tests) and a :class:`~kiosk_app.ui.widgets.qr_decoder.QrDecoder`; frames are decoded off the
GUI thread, a few a second. ``accept(text)`` decides what a decoded text is worth: None takes
it (the camera stops, ``scanned(text)`` fires), a string is the message shown while scanning
goes on (a QR that is not the expected kind). Frames with no readable QR for ``hint_after``
decodes in a row show a hint on how to hold the paper.

The camera runs only between :meth:`start` and :meth:`stop`; the flows stop it when the
citizen leaves the screen and on every wipe (``close_flow``). GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk_app.ui.kiosk.widgets import wrap_label
from kiosk_app.ui.widgets.qr_decoder import QrDecoder

#: Empty decodes in a row before the hint (4 decodes a second: about 3 s).
HINT_AFTER = 12


def camera_source_factory(devices: list[Any]) -> Callable[[], Any]:
    """Frame sources on the first camera (a kiosk has one)."""

    def make() -> Any:
        from kiosk_app.ui.widgets.camera import CameraFrames

        return CameraFrames(devices[0] if devices else None)

    return make


class QrScanPanel(QWidget):
    scanned = Signal(str)
    message_shown = Signal(str)

    def __init__(
        self,
        instructions: str,
        accept: Callable[[str], str | None],
        source_factory: Callable[[], Any],
        *,
        hint_after: int = HINT_AFTER,
        decoder: QrDecoder | None = None,
        preview_height: int = 480,
    ) -> None:
        super().__init__()
        self.setObjectName("qrScanPanel")
        self.accept = accept
        self.hint_after = hint_after
        self.empty_in_a_row = 0
        self.source: Any = source_factory()
        self.source.setParent(self)
        self.decoder = decoder or QrDecoder(self)
        self.decoder.setParent(self)
        self.source.wants = self.decoder.wants_frame
        self.source.frame.connect(self._frame)
        self.source.failed.connect(self._camera_failed)
        self.decoder.decoded.connect(self._decoded)
        self.decoder.failed.connect(self._decode_failed)

        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(16)
        self.instructions = wrap_label(instructions, "questionHelp")
        v.addWidget(self.instructions)
        preview = self.source.preview
        if preview is None:  # a source without its own live view: show the frames it gives
            preview = QLabel(self.waiting_text())
            preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
            preview.setWordWrap(True)
            self.still: QLabel | None = preview
        else:
            self.still = None
        preview.setObjectName("cameraPreview")
        # dark like a camera's picture, so the empty area reads as "the camera", not a gap
        preview.setStyleSheet("background: #1f1f1f; color: #ffffff;")
        preview.setMinimumHeight(preview_height)
        v.addWidget(preview, 1)
        self.preview = preview
        self.message = wrap_label("", "errorText")
        self.message.hide()
        v.addWidget(self.message)

    # ------------------------------------------------------------------ camera on / off
    @property
    def running(self) -> bool:
        return bool(self.source.active)

    def start(self) -> None:
        self.empty_in_a_row = 0
        self.message.hide()
        self.source.start()

    def stop(self) -> None:
        if shiboken6.isValid(self.source):
            self.source.stop()
        if self.still is not None:
            self.still.clear()  # no picture of anyone's paper stays on screen
            self.still.setText(self.waiting_text())

    def shutdown(self) -> None:
        """The flow is going away: camera off, decoder closed."""
        self.stop()
        self.decoder.close()

    def waiting_text(self) -> str:
        return self.tr("Đang mở máy ảnh…")

    # ------------------------------------------------------------------ frames
    def _frame(self, image: QImage) -> None:
        if not self.running:
            return
        if self.still is not None and not image.isNull():
            self.still.setPixmap(
                QPixmap.fromImage(image).scaled(
                    self.still.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.FastTransformation,
                )
            )
        self.decoder.offer(image)

    def _decoded(self, texts: list[str]) -> None:
        if not self.running:
            return  # a late result after the citizen left
        if not texts:
            self.empty_in_a_row += 1
            if self.empty_in_a_row == self.hint_after:
                self.show_message(
                    self.tr(
                        "Chưa thấy mã QR. Hãy giữ giấy cách máy ảnh khoảng một gang tay, mã QR "
                        "hướng vào máy ảnh, và giữ yên một lúc."
                    )
                )
            return
        self.empty_in_a_row = 0
        problem = None
        for text in texts:
            problem = self.accept(text)
            if problem is None:
                self.stop()
                self.message.hide()
                self.scanned.emit(text)
                return
        self.show_message(problem or "")

    def _decode_failed(self, error: str) -> None:
        if self.running:
            self.show_message(
                self.tr("Không đọc được hình từ máy ảnh (%1). Hãy thử lại.").replace("%1", error)
            )

    def _camera_failed(self, error: str) -> None:
        self.stop()
        self.show_message(
            self.tr("Máy ảnh báo lỗi: %1. Hãy nhập bằng bàn phím trên màn hình.").replace(
                "%1", error
            )
        )

    def show_message(self, text: str) -> None:
        if self.message.text() == text and self.message.isVisible():
            return  # the same problem, frame after frame: said once
        self.message.setText(text)
        self.message.show()
        self.message_shown.emit(text)
