"""What the desk's after-receipt dialogs share (issue 8): the frame, the inline error and the
scans picker.

An :class:`AftercareDialog` shows its fields, and on "Xác nhận" captures their values on the GUI
thread, then runs the use-case (:class:`kiosk_app.core.aftercare.Aftercare`) on the TaskRunner —
never the GUI thread. While it runs the buttons are disabled; a refusal (``IntakeError``:
``message`` + ``issues``, or ``PermissionDenied``) is shown in the dialog under the fields and
nothing typed is lost; success stores the use-case's answer in :attr:`AftercareDialog.outcome`
and closes the dialog (or, for dialogs with something to show, shows it first).

Dialogs are opened non-modally with ``open()`` (window-modal), so tests drive them with real
clicks and typing while the event loop runs.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def error_html(exc: BaseException) -> str:
    """A refusal as the clerk reads it: the message, then each issue as a bullet."""
    message = getattr(exc, "message", None) or str(exc)
    issues = getattr(exc, "issues", None) or []
    lines = []
    for i in issues:
        text = getattr(i, "message", None) or str(i)
        path = getattr(i, "path", "")
        lines.append(f"{path}: {text}" if path else text)
    out = html.escape(message)
    if lines:
        out += "<ul style='margin:0'>" + "".join(f"<li>{html.escape(x)}</li>" for x in lines)
        out += "</ul>"
    return out


class AftercareDialog(QDialog):
    """Base of the desk's after-receipt dialogs. Subclasses add their fields to :attr:`form`
    and implement :meth:`work`; ``succeeded(outcome)`` fires after the use-case returned."""

    succeeded = Signal(object)

    def __init__(self, title: str, intro: str, runner: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.outcome: Any = None
        self.busy = False
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.layout_ = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.layout_.addWidget(self.intro)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.RichText)  # error_html escapes the texts
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        self.layout_.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        # not self.tr: in a subclass that would look the text up under the subclass's name
        self.ok_button.setText(QCoreApplication.translate("AftercareDialog", "Xác nhận"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(QCoreApplication.translate("AftercareDialog", "Hủy"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    # ------------------------------------------------------------------ subclasses
    def work(self) -> Callable[[], Any]:
        """The use-case call with the fields' values captured now (GUI thread); the returned
        function runs on the worker. Raise ``ValueError`` for a problem found before that."""
        raise NotImplementedError

    def show_outcome(self, outcome: Any) -> None:
        """After success: close (dialogs with something to show override this)."""
        self.accept()

    # ------------------------------------------------------------------ running
    def show_error(self, exc: BaseException) -> None:
        self.error.setText(error_html(exc))
        self.error.show()

    def submit(self) -> None:
        if self.busy:
            return
        try:
            call = self.work()
        except ValueError as exc:  # found on the form itself (a line left empty…)
            self.show_error(exc)
            return
        self.busy = True
        self.ok_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.error.hide()
        self.runner.run(call, self._done, self._failed)

    def _done(self, outcome: Any) -> None:
        if not shiboken6.isValid(self):
            return
        self.busy = False
        self.outcome = outcome
        self.cancel_button.setEnabled(True)
        self.ok_button.setEnabled(True)
        self.succeeded.emit(outcome)
        self.show_outcome(outcome)

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.busy = False
        self.ok_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        self.show_error(exc)

    def reject(self) -> None:
        if not self.busy:  # the use-case is running: its answer decides
            super().reject()


class ScanPicker(QWidget):
    """Scans or photos to attach: each copied into the attachment store off the GUI thread
    (:func:`~kiosk_app.ui.clerk.wizard_documents.store_file_now` / ``store_image_now``).
    ``single``: one file only (a new one replaces it). ``files`` lists what the use-case gets."""

    changed = Signal()

    def __init__(
        self,
        kiosk: Any,
        runner: Any,
        *,
        single: bool = False,
        cameras: list[Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kiosk, self.runner, self.single = kiosk, runner, single
        self.files: list[dict[str, Any]] = []
        self.pending = 0
        self.cameras = cameras or []
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self.tr("(chưa có)"))
        self.label.setWordWrap(True)
        row.addWidget(self.label, 1)
        self.pick_button = QPushButton(self.tr("Chọn tệp scan…"))
        self.pick_button.clicked.connect(self._pick)
        row.addWidget(self.pick_button)
        self.photo_button = QPushButton(self.tr("Chụp ảnh…"))
        self.photo_button.clicked.connect(self._photo)
        self.photo_button.setVisible(bool(self.cameras))
        row.addWidget(self.photo_button)
        self.clear_button = QPushButton(self.tr("Bỏ tệp"))
        self.clear_button.clicked.connect(self.clear)
        row.addWidget(self.clear_button)

    def _pick(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Chọn tệp scan"),
            "",
            self.tr("Ảnh hoặc PDF (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Mọi tệp (*)"),
        )
        if path:
            self.add_file(Path(path))

    def _photo(self) -> None:
        from kiosk_app.ui.widgets import camera

        dialog = camera.CameraDialog(self.cameras, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.image() is not None:
            from kiosk_app.ui.clerk.wizard_documents import store_image_now

            image = dialog.image()
            name = f"anh-chup-{datetime.now().strftime('%Y%m%d-%H%M%S')}.jpg"
            files = self.kiosk.files
            self._store(lambda: store_image_now(files, image, name))

    def add_file(self, path: Path) -> None:
        """Copy ``path`` into the attachment store (worker) and list it."""
        from kiosk_app.ui.clerk.wizard_documents import store_file_now

        files = self.kiosk.files
        self._store(lambda: store_file_now(files, Path(path)))

    def _store(self, fn: Callable[[], dict[str, Any]]) -> None:
        self.pending += 1
        self.label.setText(self.tr("Đang lưu tệp…"))
        self.runner.run(fn, self._stored, self._failed)

    def _stored(self, info: dict[str, Any]) -> None:
        if not shiboken6.isValid(self):
            return
        self.pending -= 1
        if self.single:
            self.files = [info]
        elif all(f["sha256"] != info["sha256"] for f in self.files):
            self.files.append(info)
        self._show()

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.pending -= 1
        self._show()
        self.label.setText(self.tr("Không lưu được tệp: {e}").format(e=exc))

    def clear(self) -> None:
        self.files = []
        self._show()

    def _show(self) -> None:
        names = ", ".join(f["name"] for f in self.files)
        self.label.setText(names or self.tr("(chưa có)"))
        self.changed.emit()
