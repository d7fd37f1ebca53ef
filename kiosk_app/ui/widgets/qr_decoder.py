"""QR codes in camera frames, decoded with zxing-cpp off the GUI thread.

A camera gives 15–30 frames a second; decoding one 1280×720 frame takes a few to a few tens
of milliseconds (measured in docs/kiosk.md) and an old commune PC has two cores, so
:class:`QrDecoder` takes a frame only when no decode is running AND at least ``interval_ms``
have passed since the last one it took (default 250 ms: four a second); every other frame is
dropped at once, before any conversion. Results come back on the GUI thread as
``decoded(texts)`` (an empty list for a frame without a readable QR).

Threading: :meth:`QrDecoder.offer` is called on the GUI thread; the decode runs on the
decoder's own single worker thread (a ``ThreadPoolExecutor`` of one); the QImage is passed as
an implicitly shared copy (QImage is reentrant; nobody writes it). :func:`decode_image` is
pure and thread-safe.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, Qt, Signal
from PySide6.QtGui import QImage

INTERVAL_MS = 250
#: Frames wider than this are halved first: a receipt QR held to the camera is big, and a
#: 1920-pixel frame only costs time (zxing also downscales, but after converting everything).
MAX_WIDTH = 1280


def decode_image(image: QImage) -> list[str]:
    """The texts of every QR code zxing-cpp finds in ``image`` (may be empty). Never raises
    on a null or odd image (returns [])."""
    import zxingcpp
    from PIL import Image

    if image.isNull() or image.width() < 21 or image.height() < 21:
        return []
    if image.width() > MAX_WIDTH:
        image = image.scaledToWidth(MAX_WIDTH, Qt.TransformationMode.FastTransformation)
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    data = bytes(gray.constBits())[: stride * height]
    pil = Image.frombuffer("L", (width, height), data, "raw", "L", stride, 1)
    # QR finder patterns work at any angle, and printed codes are dark on light: skipping
    # the rotated and inverted passes halves the time of a frame with no code (docs/kiosk.md)
    found = zxingcpp.read_barcodes(
        pil, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=False, try_invert=False
    )
    return [b.text for b in found if b.valid and b.text]


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, the GUI thread receives (queued)."""

    done = Signal(object, object)  # texts | None, error text | None


class QrDecoder(QObject):
    """``offer(image)`` → maybe decoded later → ``decoded(list[str])`` or ``failed(str)``.

    ``clock`` (milliseconds) and ``decode`` are injectable for tests. ``busy`` is True while a
    decode runs. After :meth:`close` nothing is emitted any more.
    """

    decoded = Signal(list)
    failed = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        interval_ms: int = INTERVAL_MS,
        clock: Callable[[], int] | None = None,
        decode: Callable[[QImage], list[str]] = decode_image,
    ) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        if clock is None:
            timer = QElapsedTimer()
            timer.start()
            self._timer = timer
            clock = timer.elapsed
        self._now = clock
        self._decode = decode
        self._last = -1_000_000
        self.busy = False
        self.closed = False
        self.offered = 0
        self.taken = 0
        self._pool: ThreadPoolExecutor | None = None
        self._relay = _Relay(self)
        self._relay.done.connect(self._finish, Qt.ConnectionType.QueuedConnection)

    def wants_frame(self) -> bool:
        """Whether :meth:`offer` would take a frame now (sources skip converting otherwise)."""
        return not self.closed and not self.busy and self._now() - self._last >= self.interval_ms

    def offer(self, image: QImage) -> bool:
        """Decode ``image`` unless busy or too soon; returns whether it was taken."""
        self.offered += 1
        if not self.wants_frame():
            return False
        self.busy = True
        self.taken += 1
        self._last = self._now()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qr-decode")
        relay, decode = self._relay, self._decode
        frame = QImage(image)  # a shared copy: the caller may reuse its frame

        def work() -> None:
            try:
                texts = decode(frame)
            except Exception as exc:  # noqa: BLE001 - reported, the camera keeps going
                relay.done.emit(None, f"{type(exc).__name__}: {exc}")
            else:
                relay.done.emit(list(texts), None)

        future: Future[Any] = self._pool.submit(work)
        del future
        return True

    def _finish(self, texts: list[str] | None, error: str | None) -> None:
        self.busy = False
        if self.closed:
            return
        if error is not None:
            self.failed.emit(error)
        else:
            self.decoded.emit(texts or [])

    def close(self) -> None:
        """Stop: no more results; a decode in progress finishes on its own thread."""
        self.closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
