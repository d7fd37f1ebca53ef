"""What the province refused, with its reasons, and "Gửi lại" once the cause is fixed.

A refused item is never dropped (DESIGN.md "Sync: who owns what"): the clerk sees each one
with the dossier code and the server's message, and sends them again after the province (or
the clerk) fixed the cause. Reads and the retry run on the TaskRunner; the retry only marks
the items pending, and the background sync sends them on its next pass (``sync_now``).
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kiosk_app.ui.clerk import format_time_short


class RefusedDialog(QDialog):
    """The rejected outbox items. ``retried(n)`` after "Gửi lại" made ``n`` items pending."""

    retried = Signal(int)

    def __init__(self, kiosk: Any, runner: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.kiosk, self.runner = kiosk, runner
        self.setWindowTitle(self.tr("Mục bị tỉnh từ chối"))
        self.resize(860, 420)
        self.loaded = False
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Các mục này vẫn lưu trên máy. Khắc phục nguyên nhân (hoặc liên hệ tỉnh), "
                    "rồi bấm Gửi lại."
                )
            )
        )
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Mã hồ sơ"), self.tr("Loại"), self.tr("Lúc"), self.tr("Lý do của tỉnh")]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        self.retry_button = QPushButton(self.tr("Gửi lại tất cả"))
        self.retry_button.clicked.connect(self.retry_all)
        close = QPushButton(self.tr("Đóng"))
        close.clicked.connect(self.accept)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        kiosk = self.kiosk

        def load() -> list[dict[str, Any]]:
            from sync.client_status import sync_status

            return list(sync_status(kiosk).get("rejected") or [])

        self.runner.run(load, self._show, self._failed)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        if not shiboken6.isValid(self):
            return
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            reason = r.get("reason") or {}
            cells = (
                r.get("code") or r.get("entity_id") or "",
                r.get("kind") or "",
                format_time_short(r.get("created_at")),
                reason.get("message") or reason.get("code") or "",
            )
            for col, text in enumerate(cells):
                self.table.setItem(i, col, QTableWidgetItem(str(text)))
        self.table.resizeColumnsToContents()
        self.retry_button.setEnabled(bool(rows))
        self.status.setText(self.tr("{n} mục").format(n=len(rows)))
        self.loaded = True

    def _failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.status.setText(self.tr("Không đọc được danh sách: {e}").format(e=exc))
            self.loaded = True

    def retry_all(self) -> None:
        kiosk = self.kiosk

        def retry() -> int:
            from sync.client_status import retry_rejected

            return retry_rejected(kiosk)

        def done(n: int) -> None:
            if not shiboken6.isValid(self):
                return
            self.retried.emit(n)
            self.loaded = False
            self.reload()

        self.retry_button.setEnabled(False)
        self.runner.run(retry, done, self._failed)
