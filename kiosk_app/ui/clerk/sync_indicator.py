"""The start screen's sync line: enrolled or not, last good sync, what waits, what was refused.

:func:`describe` turns the sync status (``sync.client.sync_status``) and the last pass's report
into a level (``ok`` / ``waiting`` / ``offline`` / ``refused`` / ``off``) and a Vietnamese line;
the widget colours its dot by level (QSS property ``level``). Waiting dossiers are safe on this
PC — the line says so, because a clerk seeing "not sent" must not resubmit on paper.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk_app.ui.clerk import format_time_short


def describe(status: dict[str, Any] | None, report: Any = None) -> tuple[str, str]:
    """(level, line) for the indicator. ``report``: the last pass in this program, if any."""
    if not status or not status.get("enrolled"):
        return "off", QCoreApplication.translate(
            "SyncIndicator", "Chưa đăng ký đồng bộ với tỉnh — hồ sơ vẫn lưu an toàn trên máy này"
        )
    outbox = status.get("outbox") or {}
    pending = int(outbox.get("pending") or 0)
    refused = int(outbox.get("rejected") or 0) + len(status.get("failed_uploads") or [])
    when = format_time_short(status.get("last_success"))
    waiting = (
        QCoreApplication.translate("SyncIndicator", "{n} mục chờ gửi (đã lưu trên máy)").format(
            n=pending
        )
        if pending
        else ""
    )
    if refused:
        line = QCoreApplication.translate("SyncIndicator", "{n} mục bị tỉnh từ chối").format(
            n=refused
        )
        return "refused", " · ".join(x for x in (line, waiting) if x)
    errors = list(getattr(report, "errors", None) or [])
    if report is None and isinstance(status.get("last_attempt"), dict):
        errors = list(status["last_attempt"].get("errors") or [])
    if any(e.get("code") == "busy" for e in errors):
        errors = []
    if errors:
        line = QCoreApplication.translate("SyncIndicator", "Mất kết nối với tỉnh, sẽ tự thử lại")
        if any(e.get("class") == "auth" for e in errors):
            line = QCoreApplication.translate(
                "SyncIndicator", "Tỉnh không chấp nhận máy này — cần đăng ký lại (motcua enrol)"
            )
        return "offline", " · ".join(x for x in (line, waiting) if x)
    if pending:
        return "waiting", waiting
    if when:
        return "ok", QCoreApplication.translate(
            "SyncIndicator", "Đã đồng bộ với tỉnh lúc {at}"
        ).format(at=when)
    return "waiting", QCoreApplication.translate("SyncIndicator", "Chưa đồng bộ lần nào")


class SyncIndicator(QFrame):
    """A dot and a line; :meth:`show_status` updates both (GUI thread). "Đồng bộ ngay" asks
    for a pass now (``sync_now``); "Xem" lists what the province refused (``show_refused``)."""

    sync_now = Signal()
    show_refused = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.dot = QLabel("●")
        self.dot.setObjectName("syncDot")
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.dot)
        layout.addWidget(self.label, 1)
        self.refused_button = QPushButton(self.tr("Xem"))
        self.refused_button.setObjectName("syncRefused")
        self.refused_button.clicked.connect(self.show_refused)
        layout.addWidget(self.refused_button)
        self.now_button = QPushButton(self.tr("Đồng bộ ngay"))
        self.now_button.setObjectName("syncNow")
        self.now_button.clicked.connect(self.sync_now)
        layout.addWidget(self.now_button)
        self.level = ""
        self.show_status(None)

    def show_status(self, status: dict[str, Any] | None, report: Any = None) -> None:
        level, line = describe(status, report)
        self.level = level
        self.label.setText(line)
        self.refused_button.setVisible(level == "refused")
        self.now_button.setVisible(level != "off")
        for w in (self, self.dot):
            w.setProperty("level", level)
            w.style().unpolish(w)  # re-read the QSS rule for the new level
            w.style().polish(w)
