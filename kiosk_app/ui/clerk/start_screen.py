"""The clerk's start screen: the catalogue to start a dossier, and what needs attention today.

Left: procedures by field, filtered as the clerk types (with or without diacritics); Enter or a
double-click starts the wizard. Right: unfinished drafts to resume, kiosk submissions to check,
dossiers overdue, due today or due on the next working day, results ready to hand over (status
9 — a province "finish" arrives through sync and the list reloads), dossiers received today, and
the sync indicator. Lists load through the TaskRunner.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.aftercare import SUPPLEMENT_REQUESTED, Aftercare
from kiosk_app.core.desk import DUE_TODAY, OVERDUE, Desk, DossierFilter, day_start
from kiosk_app.core.intake import VN_TZ
from kiosk_app.ui.clerk import format_time_short
from kiosk_app.ui.clerk.sync_indicator import SyncIndicator

ROLE = Qt.ItemDataRole.UserRole
KIOSK_STATUS = 1  # submitted at the kiosk, papers to be checked (resources/lifecycle)
DUE_SOON = "soon"  # due on the next working day
SOON_HORIZON_DAYS = 15  # longer than any run of days off (Tết), so the next working day is in


def due_lists(desk: Desk) -> dict[str, list[dict[str, Any]]]:
    """Overdue and due today (:meth:`Desk.due`) plus ``"soon"``: open dossiers due on the next
    working day (the calendar's). Worker thread: reads the store. The calendar is asked only
    when some dossier is due in the coming fortnight (a warm start with none never loads it)."""
    # waiting for the citizen's supplement: the legal clock is stopped, nothing is due
    out = {k: [d for d in v if d["status"] != SUPPLEMENT_REQUESTED] for k, v in desk.due().items()}
    intake = desk.intake
    today = desk.today()
    tomorrow = day_start(today + timedelta(days=1)).isoformat()
    ahead = [
        d
        for d in intake.due(day_start(today + timedelta(days=SOON_HORIZON_DAYS)))
        if d["appointment_at"] >= tomorrow and d["status"] != SUPPLEMENT_REQUESTED
    ]
    out[DUE_SOON] = []
    if ahead:
        nxt = intake.calendar.next_working_day(today)
        end = day_start(nxt + timedelta(days=1)).isoformat()
        out[DUE_SOON] = [d for d in ahead if d["appointment_at"] < end]
    return out


def _section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


class StartScreen(QWidget):
    """Signals carry what the clerk picked; the shell opens the matching screen."""

    procedure_chosen = Signal(str)  # procedure code
    draft_chosen = Signal(str, str)  # draft id, procedure code
    dossier_chosen = Signal(str)  # dossier code
    desk_requested = Signal()
    settings_requested = Signal()

    def __init__(self, kiosk: Any, runner: Any, lang: str = "vi", parent=None) -> None:
        super().__init__(parent)
        self.kiosk = kiosk
        self.runner = runner
        self.lang = lang
        self.desk = Desk(kiosk.store, kiosk.intake)
        self.loaded = False  # set after each reload delivers (tests wait on it)
        self.last_sync_report: Any = None

        outer = QHBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(16)

        left = QVBoxLayout()
        left.addWidget(_section_title(self.tr("Tiếp nhận hồ sơ mới (Ctrl+N)")))
        self.search = QLineEdit()
        self.search.setObjectName("catalogSearch")
        self.search.setPlaceholderText(self.tr("Tìm thủ tục (gõ có dấu hoặc không dấu)…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._fill)
        self.search.returnPressed.connect(self._choose_from_search)
        self.search.installEventFilter(self)
        left.addWidget(self.search)
        self.tree = QTreeWidget()
        self.tree.setObjectName("catalog")
        self.tree.setHeaderLabels([self.tr("Thủ tục"), self.tr("Mã"), self.tr("Thời hạn")])
        self.tree.setColumnWidth(0, 420)
        self.tree.setColumnWidth(1, 80)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemActivated.connect(self._activated)
        left.addWidget(self.tree, 1)
        self.status = QLabel()
        self.status.setObjectName("muted")
        left.addWidget(self.status)
        outer.addLayout(left, 5)

        right = QVBoxLayout()
        buttons = QHBoxLayout()
        self.find_button = QPushButton(self.tr("Tra cứu hồ sơ (Ctrl+F)"))
        self.find_button.clicked.connect(self.desk_requested)
        self.settings_button = QPushButton(self.tr("Thiết lập"))
        self.settings_button.clicked.connect(self.settings_requested)
        buttons.addWidget(self.find_button, 1)
        buttons.addWidget(self.settings_button)
        right.addLayout(buttons)
        self.drafts_title = _section_title(self.tr("Hồ sơ đang nhập dở"))
        right.addWidget(self.drafts_title)
        self.drafts = self._list("drafts")
        right.addWidget(self.drafts, 1)
        # Dossiers a citizen submitted at the self-service kiosk (status 1): the clerk checks
        # the papers and receives them from the dossier's page ("Tiếp nhận").
        self.kiosk_title = _section_title(self.tr("Nộp tại kiosk — chờ kiểm tra giấy tờ"))
        right.addWidget(self.kiosk_title)
        self.from_kiosk = self._list("fromKiosk")
        right.addWidget(self.from_kiosk, 1)
        self.due_title = _section_title(self.tr("Sắp đến hạn / quá hạn"))
        right.addWidget(self.due_title)
        self.due = self._list("due")
        right.addWidget(self.due, 1)
        # Results ready (status 9, usually set by the province through sync): hand them over
        # from the dossier's page ("Trả kết quả").
        self.ready_title = _section_title(self.tr("Có kết quả — chờ trả"))
        right.addWidget(self.ready_title)
        self.ready = self._list("readyForHandOver")
        right.addWidget(self.ready, 1)
        self.today_title = _section_title(self.tr("Tiếp nhận hôm nay"))
        right.addWidget(self.today_title)
        self.today = self._list("today")
        right.addWidget(self.today, 1)
        self.sync = SyncIndicator()
        right.addWidget(self.sync)
        outer.addLayout(right, 4)  # five lists: room for one line each

        self._fill("")

    def show_for(self, session: Any) -> None:
        """Hide what the logged-in role cannot use (the use-cases refuse it anyway): the
        dossier lists and search without the right to view dossiers, the catalogue without
        the right to take them, the settings button unless an administrator."""
        from kiosk_app.core.permissions import INTAKE, SETTINGS, VIEW

        view, intake = session.can(VIEW), session.can(INTAKE)
        for w in (self.search, self.tree):
            w.setEnabled(intake)
        for w in (
            self.find_button,
            self.drafts_title,
            self.drafts,
            self.kiosk_title,
            self.from_kiosk,
            self.due_title,
            self.due,
            self.ready_title,
            self.ready,
            self.today_title,
            self.today,
        ):
            w.setVisible(view)
        self.settings_button.setVisible(session.can(SETTINGS))

    def _list(self, name: str) -> QListWidget:
        w = QListWidget()
        w.setObjectName(name)
        w.setWordWrap(True)
        w.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # one row's height at least, not Qt's default ~70 px: five lists and their titles must
        # fit an office PC's 768-pixel screen (longer lists scroll)
        w.setMinimumHeight(38)
        w.itemActivated.connect(self._list_activated)
        return w

    # ------------------------------------------------------------------ catalogue
    def _fill(self, text: str) -> None:
        catalog = self.kiosk.catalog
        hits = {p.code for p in catalog.search(text)}
        self.tree.clear()
        first = None
        for field_id, procs in catalog.by_field().items():
            shown = [p for p in procs if p.code in hits]
            if not shown:
                continue
            field = catalog.fields.get(field_id)
            top = QTreeWidgetItem([field.name.get(self.lang) if field else field_id])
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for p in shown:
                item = QTreeWidgetItem(
                    top,
                    [p.name.get(self.lang), p.code, p.processing_time.describe(self.lang)],
                )
                item.setData(0, ROLE, p.code)
                item.setToolTip(0, p.name.get(self.lang))
                first = first or item
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        if first is not None:
            self.tree.setCurrentItem(first)
        self.status.setText(
            self.tr("Danh mục phiên bản {v} · {n} thủ tục").format(v=catalog.version, n=len(hits))
        )

    def visible_procedures(self) -> list[str]:
        """Codes of the procedures now listed (tests)."""
        return [
            self.tree.topLevelItem(i).child(j).data(0, ROLE)
            for i in range(self.tree.topLevelItemCount())
            for j in range(self.tree.topLevelItem(i).childCount())
        ]

    def _choose_from_search(self) -> None:
        item = self.tree.currentItem()
        code = item.data(0, ROLE) if item is not None else None
        if code:
            self.procedure_chosen.emit(code)

    def _activated(self, item: QTreeWidgetItem, _col: int) -> None:
        code = item.data(0, ROLE)
        if code:
            self.procedure_chosen.emit(code)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Down from the search field walks into the filtered catalogue (keyboard first)
        if (
            obj is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        ):
            self.tree.setFocus()
            return True
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------------ lists
    def reload(self) -> None:
        """Reload drafts, today's and due dossiers off the GUI thread."""
        desk = self.desk

        kiosk = self.kiosk

        def load() -> dict[str, Any]:
            from sync.client_status import sync_status

            return {
                "drafts": desk.intake.unfinished_drafts(),
                "today": desk.todays_dossiers(),
                "due": due_lists(desk),
                "ready": Aftercare(desk.intake).ready_for_hand_over(),
                "kiosk": desk.listing(DossierFilter(status=KIOSK_STATUS), limit=100),
                "sync": sync_status(kiosk),
            }

        self.runner.run(load, self._show_lists, self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Không tải được danh sách hồ sơ: {e}").format(e=exc))
        self.loaded = True

    def _show_lists(self, data: dict[str, Any]) -> None:
        catalog = self.kiosk.catalog
        lang = self.lang

        def proc_name(code: str) -> str:
            p = catalog.procedures.get(code)
            return p.name.get(lang) if p else code

        self.drafts.clear()
        for d in data["drafts"]:
            text = self.tr("{proc} — sửa lần cuối {at}").format(
                proc=proc_name(d["procedure_code"]), at=format_time_short(d.get("updated_at"))
            )
            item = QListWidgetItem(text)
            item.setData(ROLE, ("draft", d["id"], d["procedure_code"]))
            self.drafts.addItem(item)
        self._placeholder(self.drafts, self.tr("Không có hồ sơ nhập dở"))

        self.due.clear()
        due = data["due"]
        for kind, label in (
            (OVERDUE, self.tr("QUÁ HẠN")),
            (DUE_TODAY, self.tr("Hôm nay")),
            (DUE_SOON, self.tr("Sắp đến hạn")),
        ):
            for d in due.get(kind, []):
                when = format_time_short(d.get("appointment_at"))
                text = f"{label} · {d['code']} · {d['applicant_name']} · " + self.tr(
                    "hẹn {at}"
                ).format(at={OVERDUE: when[6:], DUE_TODAY: when[:5]}.get(kind, when))
                item = QListWidgetItem(text)
                item.setData(ROLE, ("dossier", d["code"]))
                if kind == OVERDUE:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.due.addItem(item)
        self._placeholder(self.due, self.tr("Không có hồ sơ sắp đến hạn"))
        n_due = sum(len(due.get(k, [])) for k in (OVERDUE, DUE_TODAY, DUE_SOON))
        self.due_title.setText(self.tr("Sắp đến hạn / quá hạn ({n})").format(n=n_due))

        self.ready.clear()
        for d in data.get("ready", []):
            text = self.tr("{code} · {name} · {proc} · có kết quả {at}").format(
                code=d["code"],
                name=d["applicant_name"],
                proc=proc_name(d["procedure_code"]),
                at=_day(d.get("updated_at")),
            )
            item = QListWidgetItem(text)
            item.setData(ROLE, ("dossier", d["code"]))
            self.ready.addItem(item)
        self._placeholder(self.ready, self.tr("Không có kết quả đang chờ trả"))
        self.ready_title.setText(
            self.tr("Có kết quả — chờ trả ({n})").format(n=len(data.get("ready", [])))
        )

        self.from_kiosk.clear()
        for d in data.get("kiosk", []):
            text = (
                f"{format_time_short(d['received_at'])} · {d['code']} · "
                f"{d['applicant_name']} · {proc_name(d['procedure_code'])}"
            )
            item = QListWidgetItem(text)
            item.setData(ROLE, ("dossier", d["code"]))
            self.from_kiosk.addItem(item)
        self._placeholder(self.from_kiosk, self.tr("Không có hồ sơ nộp tại kiosk đang chờ"))
        self.kiosk_title.setText(
            self.tr("Nộp tại kiosk — chờ kiểm tra giấy tờ ({n})").format(
                n=len(data.get("kiosk", []))
            )
        )

        self.today.clear()
        for d in data["today"]:
            text = (
                f"{format_time_short(d['received_at'])[:5]} · {d['code']} · "
                f"{d['applicant_name']} · {proc_name(d['procedure_code'])}"
            )
            item = QListWidgetItem(text)
            item.setData(ROLE, ("dossier", d["code"]))
            self.today.addItem(item)
        self._placeholder(self.today, self.tr("Chưa tiếp nhận hồ sơ nào hôm nay"))
        self.today_title.setText(self.tr("Tiếp nhận hôm nay ({n})").format(n=len(data["today"])))
        self.sync.show_status(data.get("sync"), self.last_sync_report)
        for w in (self.drafts, self.from_kiosk, self.due, self.ready, self.today):
            _fit(w)
        self.loaded = True

    def sync_reported(self, report: Any, status: dict[str, Any] | None) -> None:
        """A background sync pass finished (SyncWorker.reported): new statuses may have come."""
        self.last_sync_report = report
        self.sync.show_status(status, report)
        if getattr(report, "statuses_applied", 0):
            self.reload()

    @staticmethod
    def _placeholder(w: QListWidget, text: str) -> None:
        if w.count() == 0:
            item = QListWidgetItem(text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            w.addItem(item)

    def _list_activated(self, item: QListWidgetItem) -> None:
        data = item.data(ROLE)
        if not data:
            return
        if data[0] == "draft":
            self.draft_chosen.emit(data[1], data[2])
        else:
            self.dossier_chosen.emit(data[1])


def _day(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(VN_TZ).strftime("%d/%m")


def _fit(w: QListWidget) -> None:
    """At most as tall as its rows: five lists share the column, so a short one leaves its
    room to the long ones (which scroll)."""
    w.doItemsLayout()  # wrapped rows: measured at the list's current width
    rows = sum(w.visualItemRect(w.item(i)).height() for i in range(w.count()))
    w.setMaximumHeight(max(rows, 24) + 2 * w.frameWidth() + 6)
