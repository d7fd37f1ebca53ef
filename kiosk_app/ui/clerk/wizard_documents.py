"""Wizard step "Thành phần hồ sơ": the procedure's document checklist.

One row per catalogue requirement: ticked when handed in (or, for ``present`` lines, shown to the
clerk), its form (bản chính / bản sao chứng thực / bản photo, limited to what the catalogue
accepts), the number of copies, and scanned files attached through the TaskRunner. Required lines
depend on the answers (``Procedure.required_documents``); an unticked required line blocks the
wizard with the list of what is missing.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, Signal
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.ui.clerk import doc_form_label
from kiosk_app.ui.widgets import camera


class _NameLabel(QLabel):
    """The document's name beside its box: wraps (a QCheckBox's own text cannot, and long
    names then push the form/count columns off a 1366 px screen at 125 %) and ticks on click."""

    def __init__(self, check: QCheckBox) -> None:
        super().__init__()
        self.check = check
        self.setWordWrap(True)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self.check.isEnabled():
            self.check.toggle()
        super().mousePressEvent(event)


class _Row:
    def __init__(self, req: Any, lang: str) -> None:
        self.req = req
        self.check = QCheckBox()
        self.name = _NameLabel(self.check)
        self.cell = QWidget()
        cell = QHBoxLayout(self.cell)
        cell.setContentsMargins(0, 0, 0, 0)
        cell.addWidget(self.check)
        cell.addWidget(self.name, 1)
        self._set_name(req.name.get(lang))
        self.form = QComboBox()
        for kind in req.forms:
            self.form.addItem(doc_form_label(kind), kind)
        self.count = QSpinBox()
        self.count.setRange(1, 99)
        self.count.setValue(max(1, req.count))
        self.attach = QPushButton()
        self.photo = QPushButton()
        self.files: list[dict[str, Any]] = []
        self.files_label = QLabel()

    def _set_name(self, text: str) -> None:
        self.name.setText(text)
        self.check.setAccessibleName(text)


class DocumentsPage(QWidget):
    """``changed`` fires after each edit; ``documents()`` / ``attachments()`` / ``presented()``
    give the draft's values; ``missing(answers)`` the Vietnamese names still required."""

    changed = Signal()
    attach_failed = Signal(str)

    def __init__(
        self,
        procedure: Any,
        runner: Any,
        files: Any,
        lang: str = "vi",
        cameras: list[Any] | None = None,
    ) -> None:
        """``cameras``: the video inputs to offer (default: those Qt finds; none hides the
        photo buttons)."""
        super().__init__()
        self.procedure, self.runner, self.files, self.lang = procedure, runner, files, lang
        self.cameras = camera.cameras() if cameras is None else cameras
        self._loading = False
        self.rows: dict[str, _Row] = {}
        outer = QVBoxLayout(self)
        title = QLabel(self.tr("Thành phần hồ sơ"))
        title.setStyleSheet("font-size: 16px; font-weight: 600;")
        outer.addWidget(title)
        outer.addWidget(
            QLabel(self.tr("Đánh dấu giấy tờ công dân đã nộp hoặc xuất trình; (*) là bắt buộc."))
        )
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        for col, text in enumerate(
            (self.tr("Giấy tờ"), self.tr("Hình thức"), self.tr("Số lượng"), self.tr("Tệp"), "")
        ):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col)
        for i, req in enumerate(procedure.documents, 1):
            row = _Row(req, lang)
            row.attach.setText(self.tr("Đính kèm…"))
            row.attach.clicked.connect(lambda _=False, rid=req.id: self._pick_file(rid))
            row.photo.setText(self.tr("Chụp ảnh…"))
            row.photo.setVisible(bool(self.cameras))
            row.photo.clicked.connect(lambda _=False, rid=req.id: self._take_photo(rid))
            row.check.toggled.connect(self._edited)
            row.form.currentIndexChanged.connect(self._edited)
            row.count.valueChanged.connect(self._edited)
            if req.action != "submit":
                row.form.setEnabled(False)
                row.count.setEnabled(False)
                row.attach.setEnabled(False)
                row.photo.setEnabled(False)
            grid.addWidget(row.cell, i, 0)
            grid.addWidget(row.form, i, 1)
            grid.addWidget(row.count, i, 2)
            buttons = QWidget()
            box = QHBoxLayout(buttons)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(row.attach)
            box.addWidget(row.photo)
            grid.addWidget(buttons, i, 3)
            grid.addWidget(row.files_label, i, 4)
            self.rows[req.id] = row
        grid.setColumnStretch(0, 1)
        # rows sit under their header; without this the grid spreads them over the page height
        grid.setRowStretch(len(procedure.documents) + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        outer.addWidget(scroll, 1)
        self.problem = QLabel()
        self.problem.setObjectName("documents_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        outer.addWidget(self.problem)

    # ------------------------------------------------------------------ state
    def refresh(self, answers: dict) -> None:
        """Mark which lines the answers make required."""
        required = {d.id for d in self.procedure.required_documents(answers)}
        for rid, row in self.rows.items():
            name = row.req.name.get(self.lang)
            suffix = "" if row.req.action == "submit" else self.tr(" — xuất trình")
            row._set_name(f"{name}{suffix}{' (*)' if rid in required else ''}")

    def documents(self) -> list[dict[str, Any]]:
        """Handed-in lines as ``intake.submit`` reads them (``present`` lines left out)."""
        return [
            {
                "id": rid,
                "name": row.req.name.vi,
                "form": row.form.currentData(),
                "count": row.count.value(),
            }
            for rid, row in self.rows.items()
            if row.check.isChecked() and row.req.action == "submit"
        ]

    def presented(self) -> list[str]:
        return [
            rid
            for rid, row in self.rows.items()
            if row.check.isChecked() and row.req.action != "submit"
        ]

    def attachments(self) -> list[dict[str, Any]]:
        return [f for row in self.rows.values() for f in row.files]

    def set_state(
        self,
        documents: list[dict[str, Any]],
        presented: list[str],
        attachments: list[dict[str, Any]],
    ) -> None:
        """Show a draft's checklist (no ``changed``)."""
        self._loading = True
        try:
            by_id = {d.get("id"): d for d in documents}
            for rid, row in self.rows.items():
                doc = by_id.get(rid)
                row.check.setChecked(doc is not None or rid in presented)
                if doc is not None:
                    idx = row.form.findData(doc.get("form"))
                    row.form.setCurrentIndex(max(idx, 0))
                    row.count.setValue(int(doc.get("count") or 1))
                row.files = [a for a in attachments if a.get("document_id") == rid]
                self._show_files(row)
        finally:
            self._loading = False

    def missing(self, answers: dict) -> list[str]:
        """Names of required lines not ticked (Vietnamese, catalogue order)."""
        out = []
        for req in self.procedure.required_documents(answers):
            row = self.rows.get(req.id)
            if row is None or not row.check.isChecked():
                verb = self.tr("chưa nộp") if req.action == "submit" else self.tr("chưa xuất trình")
                out.append(f"{req.name.get(self.lang)} ({verb})")
        return out

    def show_missing(self, missing: list[str]) -> None:
        if not missing:
            self.problem.clear()
            return
        lines = "".join(f"<li>{m}</li>" for m in missing)
        self.problem.setText(self.tr("Còn thiếu giấy tờ bắt buộc:") + f"<ul>{lines}</ul>")

    def _edited(self, *_: Any) -> None:
        if not self._loading:
            self.problem.clear()
            self.changed.emit()

    # ------------------------------------------------------------------ files
    def _pick_file(self, rid: str) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Chọn tệp scan giấy tờ"),
            "",
            self.tr("Ảnh hoặc PDF (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Mọi tệp (*)"),
        )
        if path:
            self.attach_file(rid, Path(path))

    def _take_photo(self, rid: str) -> None:
        dialog = camera.CameraDialog(self.cameras, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.image() is not None:
            self.attach_image(rid, dialog.image())

    def attach_image(
        self, rid: str, image: QImage, on_done: Callable[[dict[str, Any]], None] | None = None
    ) -> None:
        """Encode a camera photo as JPEG and attach it to line ``rid``, off the GUI thread
        (encoding a 1080p frame takes longer than a GUI frame should)."""
        name = f"anh-chup-{datetime.now().strftime('%Y%m%d-%H%M%S')}.jpg"
        self._attach(rid, lambda: store_image_now(self.files, image, name, rid), on_done)

    def attach_file(
        self, rid: str, path: Path, on_done: Callable[[dict[str, Any]], None] | None = None
    ) -> None:
        """Copy ``path`` into the attachment store off the GUI thread and link it to line ``rid``."""
        path = Path(path)
        self._attach(rid, lambda: store_file_now(self.files, path, rid), on_done)

    def _attach(
        self,
        rid: str,
        store: Callable[[], dict[str, Any]],
        on_done: Callable[[dict[str, Any]], None] | None,
    ) -> None:
        def done(info: dict[str, Any]) -> None:
            row = self.rows[rid]
            if all(f["sha256"] != info["sha256"] for f in row.files):
                row.files.append(info)
            row.check.setChecked(True)
            self._show_files(row)
            self.changed.emit()
            if on_done:
                on_done(info)

        def failed(exc: BaseException) -> None:
            self.attach_failed.emit(str(exc))
            self.problem.setText(str(exc))

        self.runner.run(store, done, failed)

    def _show_files(self, row: _Row) -> None:
        row.files_label.setText(", ".join(f["name"] for f in row.files))


def store_image_now(
    files: Any, image: QImage, name: str, document_id: str | None = None
) -> dict[str, Any]:
    """Encode ``image`` as JPEG into the attachment store (any thread: QImage is reentrant)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "JPEG", 90):
        raise OSError("Không lưu được ảnh chụp (mã hóa JPEG thất bại)")
    stored = files.put_bytes(bytes(buffer.data()))
    info = {"sha256": stored.sha256, "size": stored.size, "name": name, "mime": "image/jpeg"}
    if document_id is not None:
        info["document_id"] = document_id
    return info


def store_file_now(files: Any, path: Path, document_id: str | None = None) -> dict[str, Any]:
    """Copy ``path`` into the attachment store and describe it as the draft keeps it."""
    path = Path(path)
    stored = files.put_file(path)
    info = {
        "sha256": stored.sha256,
        "size": stored.size,
        "name": path.name,
        "mime": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
    }
    if document_id is not None:
        info["document_id"] = document_id
    return info
