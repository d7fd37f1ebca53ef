"""The commune's statistics screen (issue 8): the province's measures for a month, quarter or
year as a bar chart (QtCharts) and tables per field and per procedure, with exports to CSV,
Excel and a printable PDF (kiosk_app.reports).

The figures are computed on the TaskRunner's worker (a year of a commune's dossiers takes
milliseconds, but the GUI thread never touches the store); exports are written there too and
recorded in the audit trail. Shows the same tables the exports write
(:mod:`kiosk_app.reports.stats_table`), so screen and file never disagree.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core import stats
from kiosk_app.core.stats import MEASURES, Period, Report
from kiosk_app.reports import stats_table
from kiosk_app.reports.stats_table import format_share, short_label

KINDS = ("month", "quarter", "year")
FORMATS = {"csv": "CSV (*.csv)", "xlsx": "Excel (*.xlsx)", "pdf": "PDF (*.pdf)"}


class StatsView(QWidget):
    """Period picker, chart, tables and export buttons. ``loaded`` after each computation;
    ``exported(path)`` after a file is written; ``failed(message)`` on any error."""

    loaded = Signal()
    exported = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        kiosk: Any,
        runner: Any,
        *,
        today: date | None = None,
        session: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        """``session``: the logged-in account (its role is checked by the core; exports are
        recorded under its name)."""
        super().__init__(parent)
        self.setObjectName("statsView")
        self.kiosk, self.runner, self.session = kiosk, runner, session
        self.actor = getattr(session, "actor", None)
        self.report: Report | None = None
        self.tables: list[stats_table.Table] = []
        today = today or date.today()

        self.kind = QComboBox()
        self.kind.setObjectName("statsKind")
        for key, label in zip(
            KINDS, (self.tr("Tháng"), self.tr("Quý"), self.tr("Năm")), strict=True
        ):
            self.kind.addItem(label, key)
        self.number = QSpinBox()
        self.number.setObjectName("statsNumber")
        self.number.setRange(1, 12)
        self.number.setValue(today.month)
        self.year = QSpinBox()
        self.year.setObjectName("statsYear")
        self.year.setRange(2020, 2100)
        self.year.setValue(today.year)
        self.show_button = QPushButton(self.tr("Xem số liệu"))
        self.show_button.setObjectName("statsShow")
        self.buttons = {}
        bar = QHBoxLayout()
        for w in (
            QLabel(self.tr("Kỳ báo cáo:")),
            self.kind,
            self.number,
            self.year,
            self.show_button,
        ):
            bar.addWidget(w)
        bar.addStretch(1)
        for fmt, label in (
            ("csv", self.tr("Xuất CSV")),
            ("xlsx", self.tr("Xuất Excel")),
            ("pdf", self.tr("Báo cáo PDF")),
        ):
            b = QPushButton(label)
            b.setObjectName(f"statsExport_{fmt}")
            b.setEnabled(False)
            b.clicked.connect(lambda _=False, f=fmt: self._ask_export(f))
            self.buttons[fmt] = b
            bar.addWidget(b)

        self.title = QLabel()
        self.title.setObjectName("statsTitle")
        self.message = QLabel()
        self.message.setObjectName("statsMessage")
        self.message.setWordWrap(True)
        self.chart = QChart()
        self.chart.legend().hide()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setObjectName("statsChart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(260)
        self.grouping = QComboBox()
        self.grouping.setObjectName("statsGrouping")
        for key, label in (
            ("office", self.tr("Toàn đơn vị")),
            ("field", self.tr("Theo lĩnh vực")),
            ("procedure", self.tr("Theo thủ tục")),
        ):
            self.grouping.addItem(label, key)
        self.table = QTableWidget()
        self.table.setObjectName("statsTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()

        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.grouping, 0, Qt.AlignmentFlag.AlignLeft)
        lv.addWidget(self.table)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart_view)
        split.addWidget(lower)
        v = QVBoxLayout(self)
        v.addLayout(bar)
        v.addWidget(self.title)
        v.addWidget(self.message)
        v.addWidget(split, 1)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.show_button.clicked.connect(self.refresh)
        self.grouping.currentIndexChanged.connect(self._fill_table)

    # ------------------------------------------------------------------ period
    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.number.setVisible(kind != "year")
        self.number.setRange(1, 4 if kind == "quarter" else 12)

    def period(self) -> Period:
        kind, n, y = self.kind.currentData(), self.number.value(), self.year.value()
        if kind == "year":
            return Period.year(y)
        return Period.quarter(y, n) if kind == "quarter" else Period.month(y, n)

    def set_period(self, kind: str, year: int, number: int = 1) -> None:
        self.kind.setCurrentIndex(KINDS.index(kind))
        self.year.setValue(year)
        self.number.setValue(number)

    # ------------------------------------------------------------------ compute
    def refresh(self) -> None:
        period = self.period()
        self.show_button.setEnabled(False)
        self.message.setText(self.tr("Đang tính số liệu…"))
        kiosk, session = self.kiosk, self.session

        def work() -> tuple[Report, list[stats_table.Table]]:
            report = stats.for_kiosk(kiosk, period, session)
            return report, stats_table.tables(report, stats_table.catalog_names(kiosk.catalog))

        self.runner.run(work, self._show, self._failed)

    def _show(self, result: tuple[Report, list[stats_table.Table]]) -> None:
        self.report, self.tables = result
        f = self.report.office
        self.title.setText(
            self.tr("Kỳ {0}: {1} hồ sơ tiếp nhận, {2} đã giải quyết ({3} đúng hạn), {4} quá hạn")
            .replace("{0}", self.report.period.label())
            .replace("{1}", str(f.received))
            .replace("{2}", str(f.finished))
            .replace("{3}", str(f.on_time))
            .replace("{4}", str(f.overdue))
        )
        self.message.setText("")
        self._fill_chart()
        self._fill_table()
        self.show_button.setEnabled(True)
        for b in self.buttons.values():
            b.setEnabled(True)
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.show_button.setEnabled(True)
        text = getattr(exc, "message", None) or str(exc)
        self.message.setText(self.tr("Không tính được số liệu: ") + text)
        self.failed.emit(text)

    def _fill_chart(self) -> None:
        assert self.report is not None
        f = self.report.office
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        shares = QBarSet(self.tr("Tỷ lệ (%)"))
        names = []
        for m in reversed(MEASURES):  # first measure at the top
            value = f.share(m.numerator, m.denominator)
            shares.append(0.0 if value is None else round(value * 100, 1))
            names.append(m.label.vi)
        shares.setLabelColor(Qt.GlobalColor.black)
        series = QHorizontalBarSeries()
        series.append(shares)
        series.setLabelsVisible(True)
        self.chart.addSeries(series)
        cats = QBarCategoryAxis()
        cats.append(names)
        values = QValueAxis()
        values.setRange(0, 100)
        values.setLabelFormat("%d%%")
        self.chart.addAxis(cats, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(cats)
        series.attachAxis(values)

    def _fill_table(self) -> None:
        if not self.tables:
            return
        key = self.grouping.currentData()
        table = next(t for t in self.tables if t.grouping == key)
        cols = [c for c in table.columns if c.kind != "count" or c.key in SHOWN_COUNTS]
        idx = {c.key: i for i, c in enumerate(table.columns)}
        self.table.clear()
        self.table.setColumnCount(len(cols))
        self.table.setRowCount(len(table.rows))
        self.table.setHorizontalHeaderLabels(
            [short_label(c.title) if c.kind == "share" else c.title for c in cols]
        )
        for r, row in enumerate(table.rows):
            for c, col in enumerate(cols):
                value = row[idx[col.key]]
                if col.kind == "share":
                    text = format_share(value)
                elif col.kind == "mean":
                    text = "–" if value is None else f"{value:.2f}".replace(".", ",")
                else:
                    text = str(value)
                item = QTableWidgetItem(text)
                if col.kind != "text":
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the name column: wide enough for a procedure's name on two lines, never squeezed by
        # the figures beside it
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 300)
        self.table.setWordWrap(True)
        self.table.resizeRowsToContents()

    # ------------------------------------------------------------------ export
    def _ask_export(self, fmt: str) -> None:
        assert self.report is not None
        p = self.report.period
        suggested = f"bao-cao-{p.first:%Y%m%d}-{p.last:%Y%m%d}.{fmt}"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Lưu báo cáo"), str(Path.home() / suggested), FORMATS[fmt]
        )
        if path:
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str) -> None:
        """Write the shown report to ``path`` on the worker, then audit it."""
        if self.report is None:
            return
        report, tables, kiosk, actor = self.report, self.tables, self.kiosk, self.actor
        office = kiosk.office.agency_name or kiosk.office.agency_id

        def work() -> str:
            from kiosk_app.core.intake import now_vn
            from kiosk_app.reports import stats_export

            heading = f"{office} · {report.period.label()}"
            if fmt == "csv":
                stats_export.write_csv(tables, heading, path)
            elif fmt == "xlsx":
                stats_export.write_xlsx(tables, heading, path)
            else:
                from kiosk_app.reports.stats_pdf import write_pdf

                write_pdf(report, tables, office, path)
            stats.record_export(
                kiosk.store, actor=actor, period=report.period, fmt=fmt, at=now_vn()
            )
            return str(path)

        def done(written: str) -> None:
            self.message.setText(self.tr("Đã lưu báo cáo: ") + written)
            self.exported.emit(written)

        self.runner.run(work, done, self._failed)


# The counts the screen's table shows beside the shares (the exports carry all of them).
SHOWN_COUNTS = ("received", "finished", "on_time", "overdue", "rated")
