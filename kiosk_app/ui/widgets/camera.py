"""Taking a photo of a paper with a webcam or document camera (QtMultimedia).

Many communes have no scanner but a USB document camera or a webcam; the clerk photographs the
paper and the picture is attached like a scanned file. :func:`cameras` lists the devices (cheap
once the application exists: ~20 ms the first time, then cached by Qt); the dialog previews the
chosen camera live, captures a still, shows it for a check ("Dùng ảnh này" / "Chụp lại"), and
hands back a ``QImage``. Encoding it to JPEG happens in the caller's worker, not here.
:class:`CameraFrames` is the same camera as a stream of frames for QR decoding (the kiosk's
scan screens, with :mod:`kiosk_app.ui.widgets.qr_decoder`); :class:`StillFrames` stands in
for it in tests.

QtMultimedia is imported on first use: it is not needed to start the desk. Threading: GUI thread
only (QCamera and QImageCapture live there).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)


def cameras() -> list[Any]:
    """The video inputs Qt sees (``QCameraDevice``); empty on a PC without a camera."""
    from PySide6.QtMultimedia import QMediaDevices

    return list(QMediaDevices.videoInputs())


class CameraDialog(QDialog):
    """Live preview, capture, check, accept. ``image()`` is the accepted photo (or None).

    ``captured`` fires with each still taken (before the clerk accepts it); tests drive
    :meth:`take` by calling :meth:`show_still` with an image, since CI machines have no camera.
    """

    captured = Signal(QImage)

    def __init__(self, devices: list[Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Chụp ảnh giấy tờ"))
        self.resize(760, 620)
        self.devices = cameras() if devices is None else devices
        self._image: QImage | None = None
        self.camera: Any = None
        self.capture: Any = None
        self.session: Any = None

        layout = QVBoxLayout(self)
        self.chooser = QComboBox()
        for dev in self.devices:
            self.chooser.addItem(dev.description(), dev)
        self.chooser.setVisible(len(self.devices) > 1)
        self.chooser.currentIndexChanged.connect(self._start_camera)
        layout.addWidget(self.chooser)

        self.views = QStackedWidget()
        self.live = self._video_widget()
        self.views.addWidget(self.live)
        self.still = QLabel()
        self.still.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.still.setMinimumSize(640, 480)
        self.views.addWidget(self.still)
        layout.addWidget(self.views, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("cameraMessage")
        layout.addWidget(self.message)

        buttons = QHBoxLayout()
        self.take_button = QPushButton(self.tr("Chụp (Space)"))
        self.take_button.setShortcut(Qt.Key.Key_Space)
        self.take_button.clicked.connect(self.take)
        self.retake_button = QPushButton(self.tr("Chụp lại"))
        self.retake_button.clicked.connect(self.retake)
        self.use_button = QPushButton(self.tr("Dùng ảnh này"))
        self.use_button.setDefault(True)
        self.use_button.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("Hủy"))
        cancel.clicked.connect(self.reject)
        for b in (self.take_button, self.retake_button, self.use_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self._show_live()
        if not self.devices:
            self.take_button.setEnabled(False)
            self.message.setText(
                self.tr("Không tìm thấy máy ảnh. Hãy cắm máy ảnh hoặc dùng nút Đính kèm tệp.")
            )
        else:
            self._start_camera()

    # ------------------------------------------------------------------ camera
    def _video_widget(self) -> QWidget:
        from PySide6.QtMultimediaWidgets import QVideoWidget

        view = QVideoWidget()
        view.setMinimumSize(640, 480)
        return view

    def _start_camera(self, *_: Any) -> None:
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession

        self._stop_camera()
        device = self.chooser.currentData()
        if device is None:
            return
        self.camera = QCamera(device)
        self.capture = QImageCapture()
        self.session = QMediaCaptureSession()
        self.session.setCamera(self.camera)
        self.session.setImageCapture(self.capture)
        self.session.setVideoOutput(self.live)
        self.capture.imageCaptured.connect(lambda _id, image: self.show_still(image))
        self.capture.errorOccurred.connect(lambda _id, _err, text: self._failed(text))
        self.camera.errorOccurred.connect(lambda _err, text: self._failed(text))
        self.camera.start()

    def _stop_camera(self) -> None:
        if self.camera is not None:
            self.camera.stop()
        self.camera = self.capture = self.session = None

    def _failed(self, text: str) -> None:
        self.message.setText(self.tr("Máy ảnh báo lỗi: {text}").format(text=text))

    # ------------------------------------------------------------------ steps
    def take(self) -> None:
        """Capture a still from the live camera (the result arrives via ``show_still``)."""
        if self.capture is None or not self.capture.isReadyForCapture():
            self.message.setText(self.tr("Máy ảnh chưa sẵn sàng, xin chờ một chút rồi chụp lại."))
            return
        self.capture.capture()

    def show_still(self, image: QImage) -> None:
        """Show a captured still for the clerk to check before using it."""
        if image.isNull():
            self._failed(self.tr("ảnh trống"))
            return
        self._image = image
        self.still.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.still.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        self.views.setCurrentWidget(self.still)
        self.take_button.setVisible(False)
        self.retake_button.setVisible(True)
        self.use_button.setEnabled(True)
        self.message.clear()
        self.captured.emit(image)

    def retake(self) -> None:
        self._image = None
        self._show_live()

    def _show_live(self) -> None:
        self.views.setCurrentWidget(self.live)
        self.take_button.setVisible(True)
        self.retake_button.setVisible(False)
        self.use_button.setEnabled(False)

    def image(self) -> QImage | None:
        return self._image

    def done(self, result: int) -> None:  # noqa: D102 - QDialog override: always free the camera
        self._stop_camera()
        super().done(result)


class CameraFrames(QObject):
    """A live camera as a source of frames for QR decoding (the kiosk's scan screens).

    QCamera → QMediaCaptureSession → a QVideoWidget (the live preview, drawn by Qt) whose
    QVideoSink also hands each frame here. A frame is converted to a QImage and emitted as
    ``frame`` only when ``wants()`` says so (the decoder is free and its interval passed), so
    the 15–30 frames a second cost nothing but the preview. ``failed(text)`` reports camera
    errors. ``preview`` is the widget to show. GUI thread only.

    Tests use :class:`StillFrames` instead: same signals, frames pushed by hand.
    """

    frame = Signal(QImage)
    failed = Signal(str)

    def __init__(self, device: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.device = device
        self.wants: Any = lambda: True
        self.preview: QWidget | None = QVideoWidget()
        self.camera: Any = None
        self.session: Any = None
        self.active = False

    def start(self) -> None:
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices

        if self.active:
            return
        device = self.device or QMediaDevices.defaultVideoInput()
        self.camera = QCamera(device)
        self.session = QMediaCaptureSession()
        self.session.setCamera(self.camera)
        self.session.setVideoOutput(self.preview)
        self.preview.videoSink().videoFrameChanged.connect(self._frame)
        self.camera.errorOccurred.connect(lambda _err, text: self.failed.emit(text))
        self.active = True
        if self.camera.error() != QCamera.Error.NoError:
            # set while constructing (e.g. "No camera detected"): no signal comes for it
            text = self.camera.errorString()
            self.stop()
            self.failed.emit(text)
            return
        self.camera.start()

    def _frame(self, video_frame: Any) -> None:
        if self.active and video_frame.isValid() and self.wants():
            image = video_frame.toImage()
            if not image.isNull():
                self.frame.emit(image)

    def stop(self) -> None:
        """Turn the camera off (its light goes out); safe to call twice."""
        if self.camera is not None:
            self.preview.videoSink().videoFrameChanged.disconnect(self._frame)
            self.camera.stop()
            self.session.setVideoOutput(None)
        self.camera = self.session = None
        self.active = False


class StillFrames(QObject):
    """A frame source without a camera: :meth:`push` emits the given image as a frame while
    started (CI machines have no camera). ``starts``/``stops`` count the calls."""

    frame = Signal(QImage)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.wants: Any = lambda: True
        self.preview: QWidget | None = None
        self.active = False
        self.starts = 0
        self.stops = 0

    def start(self) -> None:
        self.active = True
        self.starts += 1

    def stop(self) -> None:
        if self.active:
            self.stops += 1
        self.active = False

    def push(self, image: QImage) -> bool:
        """Emit ``image`` if started and wanted; returns whether it was emitted."""
        if not self.active or not self.wants():
            return False
        self.frame.emit(image)
        return True
