"""The first window: the office, the procedure catalogue by field, and the store's state.

A minimal shell until the clerk-desk issue builds the real screens; it reads through the
kiosk's use-cases and catalogue only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


class MainWindow(QMainWindow):
    def __init__(self, kiosk: Any) -> None:
        super().__init__()
        self.kiosk = kiosk
        office = kiosk.office
        self.setWindowTitle(f"MotCua Kiosk — {office.agency_name or office.agency_id}")
        self.resize(1024, 640)
        body = QWidget()
        layout = QVBoxLayout(body)
        demo = " — VĂN PHÒNG MẪU (chưa cấu hình: motcua init)" if office.demo else ""
        header = QLabel(
            f"<b>{office.agency_name}</b> · mã cơ quan {office.agency_id} · "
            f"khe {office.device_slot}{demo}"
        )
        header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(header)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm thủ tục (gõ có dấu hoặc không dấu)…")
        self.search.textChanged.connect(self._fill)
        layout.addWidget(self.search)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Thủ tục", "Mã", "Thời hạn"])
        self.tree.setColumnWidth(0, 560)
        layout.addWidget(self.tree)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.setCentralWidget(body)
        self._fill("")

    def _fill(self, text: str) -> None:
        catalog = self.kiosk.catalog
        hits = {p.code for p in catalog.search(text)}
        self.tree.clear()
        for field_id, procs in catalog.by_field().items():
            shown = [p for p in procs if p.code in hits]
            if not shown:
                continue
            field = catalog.fields.get(field_id)
            top = QTreeWidgetItem([field.name.vi if field else field_id])
            for p in shown:
                QTreeWidgetItem(top, [p.name.vi, p.code, p.processing_time.describe("vi")])
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        self.status.setText(
            f"Danh mục phiên bản {catalog.version} · {len(hits)} thủ tục · "
            f"dữ liệu: {self.kiosk.data_dir}"
        )
