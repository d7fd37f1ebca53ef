"""The dossier desk: find dossiers (name, CCCD number, code), filter the list, open one.

Search text goes to ``intake.search`` (diacritics-insensitive); with no text the list is the
filtered listing (status, procedure, received date range, due today / overdue). All queries
run through the TaskRunner; a newer query's answer replaces an older one's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.desk import DUE_TODAY, OVERDUE, Desk, DossierFilter
from kiosk_app.ui.clerk import format_time_short
from kiosk_app.ui.clerk.dossier_page import DossierPage

ROLE = Qt.ItemDataRole.UserRole
SEARCH_DELAY_MS = 250


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class DossierDesk(QWidget):
    """A list page and a dossier page in a stack; Esc on the page goes back to the list."""

    changed = Signal(str)  # a dossier's status changed (the start screen reloads)

    def __init__(
        self, kiosk: Any, runner: Any, lang: str = "vi", parent=None, *, session: Any = None
    ) -> None:
        """``session``: the desk's logged-in account (searches by ID number and opened
        dossiers are audited with it; :meth:`set_session` when another person logs in)."""
        super().__init__(parent)
        self.kiosk = kiosk
        self.session = session
        self.runner = runner
        self.lang = lang
        self.desk = Desk(kiosk.store, kiosk.intake)
        self.rows: list[dict[str, Any]] = []
        self._query_no = 0
        self.loaded = False

        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        list_page = QWidget()
        layout = QVBoxLayout(list_page)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel(self.tr("Tra cứu hồ sơ"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.search = QLineEdit()
        self.search.setObjectName("dossierSearch")
        self.search.setPlaceholderText(
            self.tr("Tìm theo tên, số CCCD, mã hồ sơ hoặc số điện thoại (Ctrl+F)…")
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._open_first)
        self.search.installEventFilter(self)
        layout.addWidget(self.search)

        filters = QHBoxLayout()
        self.status = QComboBox()
        self.status.addItem(self.tr("Mọi trạng thái"), None)
        for code, s in sorted(self.desk.states.statuses.items()):
            self.status.addItem(s.en if lang == "en" else s.vi, code)
        self.procedure = QComboBox()
        self.procedure.addItem(self.tr("Mọi thủ tục"), None)
        for code, p in sorted(kiosk.catalog.procedures.items()):
            self.procedure.addItem(p.name.get(lang), code)
        self.procedure.setMaximumWidth(380)
        self.due = QComboBox()
        self.due.addItem(self.tr("Mọi hạn"), None)
        self.due.addItem(self.tr("Đến hạn hôm nay"), DUE_TODAY)
        self.due.addItem(self.tr("Quá hạn"), OVERDUE)
        self.use_dates = QCheckBox(self.tr("Nhận từ"))
        today = self.desk.today()
        self.date_from = QDateEdit(_qdate(today.replace(day=1)))
        self.date_to = QDateEdit(_qdate(today))
        for w in (self.date_from, self.date_to):
            w.setCalendarPopup(True)
            w.setFixedWidth(130)
            w.setDisplayFormat("dd/MM/yyyy")
            w.setEnabled(False)
        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        filters.addWidget(self.status)
        filters.addWidget(self.procedure, 1)
        filters.addWidget(self.due)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel(self.tr("đến")))
        filters.addWidget(self.date_to)
        filters.addStretch(0)
        layout.addLayout(filters)
        for combo in (self.status, self.procedure, self.due):
            combo.currentIndexChanged.connect(self.refresh)
        self.use_dates.toggled.connect(self.refresh)
        self.date_from.dateChanged.connect(self.refresh)
        self.date_to.dateChanged.connect(self.refresh)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("dossierTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Mã hồ sơ"),
                self.tr("Người nộp"),
                self.tr("Thủ tục"),
                self.tr("Nhận lúc"),
                self.tr("Hẹn trả"),
                self.tr("Trạng thái"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.cellActivated.connect(lambda r, _c: self.open_row(r))
        self.table.cellDoubleClicked.connect(lambda r, _c: self.open_row(r))
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setObjectName("muted")
        layout.addWidget(self.count)
        self.stack.addWidget(list_page)

        self.page = DossierPage(kiosk, runner, lang, session=session)
        self.page.back_requested.connect(self.show_list)
        self.page.changed.connect(self._page_changed)
        self.stack.addWidget(self.page)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)

    # ------------------------------------------------------------------ query
    def current_filter(self) -> DossierFilter:
        dates = self.use_dates.isChecked()
        return DossierFilter(
            status=self.status.currentData(),
            procedure_code=self.procedure.currentData(),
            received_from=self.date_from.date().toPython() if dates else None,
            received_to=self.date_to.date().toPython() if dates else None,
            due=self.due.currentData(),
        )

    def refresh(self) -> None:
        """Run the search (text) or the filtered listing off the GUI thread."""
        self._timer.stop()
        self.loaded = False
        self._query_no += 1
        number = self._query_no
        text = self.search.text().strip()
        f = self.current_filter()
        desk, session = self.desk, self.session

        def query() -> list[dict[str, Any]]:
            if not text:
                return desk.listing(f)
            found = desk.search(text, session)
            # the filters narrow search hits too, so the clerk sees one consistent list
            return [
                d
                for d in found
                if (f.status is None or d["status"] == f.status)
                and (f.procedure_code is None or d["procedure_code"] == f.procedure_code)
            ]

        def show(rows: list[dict[str, Any]]) -> None:
            if number == self._query_no:
                self.show_rows(rows)

        self.runner.run(query, show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.count.setText(self.tr("Lỗi tra cứu: {e}").format(e=exc))
        self.loaded = True

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        catalog = self.kiosk.catalog
        self.table.setRowCount(len(rows))
        for i, d in enumerate(rows):
            proc = catalog.procedures.get(d["procedure_code"])
            cells = [
                d["code"],
                d["applicant_name"],
                proc.name.get(self.lang) if proc else d["procedure_code"],
                format_time_short(d["received_at"]),
                format_time_short(d.get("appointment_at")),
                self.desk.status_label(d["status"], self.lang),
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ROLE, d["code"])
                self.table.setItem(i, j, item)
        self.count.setText(self.tr("{n} hồ sơ").format(n=len(rows)))
        if rows:
            self.table.selectRow(0)
        self.loaded = True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Down from the search field goes to the results, where Enter opens a dossier
        if (
            obj is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        ):
            self.table.setFocus()
            return True
        return super().eventFilter(obj, event)

    def codes(self) -> list[str]:
        """The dossier codes listed now (tests)."""
        return [d["code"] for d in self.rows]

    # ------------------------------------------------------------------ navigation
    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.open_dossier(self.rows[row]["code"])

    def _open_first(self) -> None:
        self._timer.stop()
        if self.rows:
            self.open_row(max(self.table.currentRow(), 0))

    def open_dossier(self, code: str) -> None:
        self.page.load(code)
        self.stack.setCurrentWidget(self.page)
        self.page.back_button.setFocus()

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)
        self.search.setFocus()

    def showing_dossier(self) -> bool:
        return self.stack.currentWidget() is self.page

    def focus_search(self) -> None:
        self.show_list()
        self.search.selectAll()

    def back(self) -> bool:
        """Esc: from a dossier back to the list (True); on the list, not handled (False)."""
        if self.showing_dossier():
            self.show_list()
            return True
        return False

    def print_current(self) -> None:
        if self.showing_dossier():
            self.page.print_current()

    def set_session(self, session: Any) -> None:
        self.session = session
        self.page.set_session(session)

    def _page_changed(self, code: str) -> None:
        self.changed.emit(code)
        self.refresh()
