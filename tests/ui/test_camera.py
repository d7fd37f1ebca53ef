"""Photographing a paper: the camera dialog's check-then-use flow and the photo attached to a
document line as a JPEG. CI machines have no camera, so stills are fed to the dialog directly."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QImage

from kiosk_app.ui.clerk.wizard_documents import DocumentsPage
from kiosk_app.ui.widgets.camera import CameraDialog, cameras

SIGNATURE = "2.000884"


def _paper(w: int = 1280, h: int = 960) -> QImage:
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(QColor("#f4f1e8"))
    for x in range(100, 400):
        image.setPixelColor(x, 200, QColor("black"))
    return image


def test_no_camera_says_so_and_cannot_take(qtbot: Any) -> None:
    dialog = CameraDialog([])
    qtbot.addWidget(dialog)
    assert not dialog.take_button.isEnabled()
    assert "Không tìm thấy máy ảnh" in dialog.message.text()
    dialog.take()  # the shortcut still fires: nothing breaks
    assert dialog.image() is None


def test_still_is_checked_then_used_or_retaken(qtbot: Any) -> None:
    dialog = CameraDialog([])
    qtbot.addWidget(dialog)
    assert not dialog.use_button.isEnabled()
    with qtbot.waitSignal(dialog.captured, timeout=2000):
        dialog.show_still(_paper())
    assert dialog.use_button.isEnabled() and dialog.retake_button.isVisibleTo(dialog)
    dialog.retake()
    assert dialog.image() is None and not dialog.use_button.isEnabled()
    dialog.show_still(QImage())  # a failed frame is reported, not used
    assert dialog.image() is None and dialog.message.text()
    dialog.show_still(_paper(640, 480))
    dialog.use_button.click()
    assert dialog.result() == CameraDialog.DialogCode.Accepted
    assert dialog.image().size().width() == 640


def test_cameras_lists_what_qt_sees(qapp: Any) -> None:
    assert isinstance(cameras(), list)  # [] here; the call must not fail without devices


def test_photo_buttons_only_with_a_camera(qtbot: Any, kiosk: Any, runner: Any) -> None:
    proc = kiosk.catalog.procedures[SIGNATURE]
    without = DocumentsPage(proc, runner, kiosk.files, cameras=[])
    qtbot.addWidget(without)
    assert not any(r.photo.isVisibleTo(without) for r in without.rows.values())
    with_camera = DocumentsPage(proc, runner, kiosk.files, cameras=[object()])
    qtbot.addWidget(with_camera)
    shown = [rid for rid, r in with_camera.rows.items() if r.photo.isVisibleTo(with_camera)]
    assert shown == list(with_camera.rows)


def test_photo_is_stored_as_jpeg_on_its_line(qtbot: Any, kiosk: Any, runner: Any) -> None:
    proc = kiosk.catalog.procedures[SIGNATURE]
    page = DocumentsPage(proc, runner, kiosk.files, cameras=[])
    qtbot.addWidget(page)
    rid = next(d.id for d in proc.documents if d.action == "submit")
    got: list[dict] = []
    page.attach_image(rid, _paper(), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=15000)
    (info,) = got
    assert info["mime"] == "image/jpeg" and info["name"].endswith(".jpg")
    assert info["document_id"] == rid and page.rows[rid].check.isChecked()
    data = kiosk.files.read_bytes(info["sha256"])  # decrypted: the file is encrypted
    back = QImage.fromData(data, "JPEG")
    assert (back.width(), back.height()) == (1280, 960)
    assert page.attachments() == [info]
