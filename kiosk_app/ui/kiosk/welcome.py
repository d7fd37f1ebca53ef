"""The kiosk's welcome screen: four big tiles (submit, learn, check, rate)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk_app.ui.kiosk.widgets import TwoLineButton, wrap_label


class WelcomeScreen(QWidget):
    """Four big tiles: submit, learn, check, rate."""

    chosen = Signal(str)

    def __init__(self, office: Any, columns: int, tile_height: int = 220) -> None:
        super().__init__()
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(24)
        v.addWidget(wrap_label(self.tr("Xin chào! Bạn cần làm gì?"), "screenTitle"))
        v.addWidget(
            wrap_label(
                self.tr("Chạm vào một ô bên dưới. Bấm nút “Đọc to” ở trên để nghe hướng dẫn."),
                "questionHelp",
            )
        )
        grid = QGridLayout()
        grid.setSpacing(24)
        tiles = [
            ("submit", self.tr("Nộp hồ sơ"), self.tr("Khai thông tin, in phiếu hẹn")),
            (
                "learn",
                self.tr("Tìm hiểu thủ tục"),
                self.tr("Cần giấy tờ gì, bao lâu, bao nhiêu tiền"),
            ),
            ("check", self.tr("Tra cứu hồ sơ"), self.tr("Xem hồ sơ đã nộp đến đâu")),
            ("rate", self.tr("Đánh giá"), self.tr("Bạn có hài lòng không?")),
        ]
        self.tiles: dict[str, TwoLineButton] = {}
        for i, (key, title, subtitle) in enumerate(tiles):
            b = TwoLineButton(title, subtitle, self, "tileButton")
            b.setMinimumHeight(max(b.minimumHeight(), tile_height))
            b.clicked.connect(lambda _=False, k=key: self.chosen.emit(k))
            grid.addWidget(b, i // columns, i % columns)
            self.tiles[key] = b
        v.addLayout(grid, 1)
        if office.hotline:
            v.addWidget(
                wrap_label(
                    self.tr("Cần giúp? Gọi %1 hoặc hỏi cán bộ ở quầy.").replace(
                        "%1", office.hotline
                    ),
                    "bodyText",
                )
            )

    def speech_text(self) -> str:
        return self.tr(
            "Xin chào! Bạn cần làm gì? Nộp hồ sơ. Tìm hiểu thủ tục. Tra cứu hồ sơ. Hoặc đánh giá."
        )
