"""The desk's after-receipt dialogs (issue 8): request a supplement, take it, apologise with a
new appointment, hand the result over, withdraw, refuse.

Each asks for what its use-case in :class:`kiosk_app.core.aftercare.Aftercare` needs, runs it on
the TaskRunner with the desk's session (the core checks the role and records the account), and
shows the core's refusal inline (:mod:`kiosk_app.ui.clerk.aftercare_base`). The slips that follow
(Mẫu 02, the apology, the refusal) are the page's business: each dialog's :meth:`slip` says which
one and with what data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.aftercare import Aftercare
from kiosk_app.core.intake import DOCUMENT_FORMS, VN_TZ
from kiosk_app.ui.clerk import doc_form_label, format_time_short
from kiosk_app.ui.clerk.aftercare_base import AftercareDialog, ScanPicker


def _text(w: QLineEdit | QPlainTextEdit) -> str:
    return (w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()).strip()


def _reason_box(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(72)
    return box


# ---------------------------------------------------------------------- supplement request
class SupplementRequestDialog(AftercareDialog):
    """Yêu cầu bổ sung: the papers to bring (one per line, added and removed) and an optional
    reason. After success :meth:`slip` gives the Mẫu 02 data."""

    def __init__(
        self,
        care: Aftercare,
        code: str,
        runner: Any,
        session: Any,
        suggestions: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("Yêu cầu bổ sung hồ sơ {code}").format(code=code),
            self.tr(
                "Ghi từng giấy tờ hoặc nội dung công dân cần bổ sung. Thời hạn giải quyết "
                "tạm dừng từ lúc yêu cầu đến khi nhận đủ bổ sung."
            ),
            runner,
            parent,
        )
        self.care, self.code, self.session = care, code, session
        adder = QHBoxLayout()
        self.item_edit = QLineEdit()
        self.item_edit.setObjectName("missingItem")
        self.item_edit.setPlaceholderText(self.tr("Giấy tờ cần bổ sung, rồi Enter"))
        if suggestions:
            completer = QCompleter(suggestions, self)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.item_edit.setCompleter(completer)
        self.item_edit.returnPressed.connect(self.add_item)
        self.add_button = QPushButton(self.tr("Thêm"))
        self.add_button.clicked.connect(self.add_item)
        adder.addWidget(self.item_edit, 1)
        adder.addWidget(self.add_button)
        self.form.addRow(self.tr("Giấy tờ cần bổ sung"), adder)
        self.items = QListWidget()
        self.items.setObjectName("missingItems")
        self.items.setMinimumHeight(110)
        self.remove_button = QPushButton(self.tr("Xóa dòng đã chọn"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)
        box = QVBoxLayout()
        box.addWidget(self.items)
        box.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignRight)
        self.form.addRow("", box)
        self.reason = _reason_box(self.tr("Không bắt buộc"))
        self.form.addRow(self.tr("Lý do"), self.reason)
        # Enter in the entry adds a line, never confirms the dialog: "Thêm" is the default
        # button (the button box would otherwise make "Xác nhận" the default on show)
        self.add_button.setDefault(True)

    def add_item(self) -> None:
        text = _text(self.item_edit)
        if text:
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.items.addItem(item)
        self.item_edit.clear()
        self.item_edit.setFocus()

    def remove_selected(self) -> None:
        row = self.items.currentRow()
        if row >= 0:
            self.items.takeItem(row)

    def missing(self) -> list[str]:
        """The listed lines, plus what is still typed in the entry (not yet added)."""
        lines = [self.items.item(i).text().strip() for i in range(self.items.count())]
        pending = _text(self.item_edit)
        return [x for x in [*lines, pending] if x]

    def work(self) -> Callable[[], Any]:
        care, code, session = self.care, self.code, self.session
        missing, reason = self.missing(), _text(self.reason)

        def run() -> dict[str, Any]:
            care.request_supplement(code, missing, actor=None, reason=reason, session=session)
            return {"missing": missing, **({"reason": reason} if reason else {})}

        return run

    def slip(self) -> tuple[str, dict[str, Any]]:
        return "mau02", dict(self.outcome)


# ---------------------------------------------------------------------- supplement received
class SupplementReceiveDialog(AftercareDialog):
    """Nhận bổ sung: which papers came (name, form, count — the requested ones pre-filled),
    optional scans and a note; then shows the new appointment."""

    def __init__(
        self,
        care: Aftercare,
        kiosk: Any,
        code: str,
        runner: Any,
        session: Any,
        requested: list[str],
        cameras: list[Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("Nhận hồ sơ bổ sung {code}").format(code=code),
            self.tr(
                "Ghi các giấy tờ công dân mang đến. Thời hạn giải quyết tính tiếp từ bây giờ; "
                "ngày hẹn trả lùi thêm đúng thời gian đã tạm dừng."
            ),
            runner,
            parent,
        )
        self.setMinimumWidth(680)
        self.care, self.code, self.session = care, code, session
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("supplementDocs")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Tên giấy tờ"), self.tr("Hình thức"), self.tr("Số lượng")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(150)
        for name in requested or [""]:
            self.add_row(name)
        rows = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Thêm dòng"))
        self.add_button.clicked.connect(lambda: self.add_row(""))
        self.remove_button = QPushButton(self.tr("Xóa dòng đã chọn"))
        self.remove_button.clicked.connect(self.remove_selected)
        for b in (self.add_button, self.remove_button):
            b.setAutoDefault(False)
            rows.addWidget(b)
        rows.addStretch(1)
        box = QVBoxLayout()
        box.addWidget(self.table)
        box.addLayout(rows)
        self.form.addRow(self.tr("Giấy tờ đã nhận"), box)
        self.scans = ScanPicker(kiosk, runner, cameras=cameras)
        self.form.addRow(self.tr("Bản scan"), self.scans)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Không bắt buộc"))
        self.form.addRow(self.tr("Ghi chú"), self.note)
        self.new_date = QLabel()
        self.new_date.setObjectName("newAppointment")
        self.new_date.setWordWrap(True)
        self.new_date.hide()
        self.layout_.insertWidget(self.layout_.count() - 1, self.new_date)

    def add_row(self, name: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        form = QComboBox()
        for key in DOCUMENT_FORMS:
            form.addItem(doc_form_label(key), key)
        count = QSpinBox()
        count.setRange(1, 99)
        self.table.setCellWidget(row, 1, form)
        self.table.setCellWidget(row, 2, count)

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def documents(self) -> list[dict[str, Any]]:
        """The table's lines (empty names left out) as the use-case takes them."""
        out = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            name = item.text().strip() if item else ""
            if name:
                out.append(
                    {
                        "name": name,
                        "form": self.table.cellWidget(r, 1).currentData(),
                        "count": self.table.cellWidget(r, 2).value(),
                    }
                )
        return out

    def work(self) -> Callable[[], Any]:
        if self.scans.pending:
            raise ValueError(self.tr("Đang lưu tệp scan, xin chờ giây lát"))
        care, code, session = self.care, self.code, self.session
        docs, files, note = self.documents(), list(self.scans.files), _text(self.note)
        return lambda: care.receive_supplement(
            code, docs, actor=None, attachments=files, note=note, session=session
        )

    def show_outcome(self, outcome: Any) -> None:
        when = format_time_short(outcome.isoformat()) if outcome else "—"
        self.new_date.setText(
            self.tr("Đã nhận hồ sơ bổ sung. Ngày hẹn trả kết quả mới: {at}").format(at=when)
        )
        self.new_date.show()
        for w in (self.table, self.add_button, self.remove_button, self.scans, self.note):
            w.setEnabled(False)
        self.ok_button.hide()
        self.cancel_button.setText(self.tr("Đóng"))  # the use-case ran: nothing to cancel
        self.buttons.rejected.disconnect()
        self.buttons.rejected.connect(self.accept)


# ---------------------------------------------------------------------- apology
class ApologyDialog(AftercareDialog):
    """Xin lỗi, hẹn lại: the reason for the delay and the new appointment (default given by
    the page: the next working day's return time). :meth:`slip` gives the apology's data."""

    def __init__(
        self,
        care: Aftercare,
        code: str,
        runner: Any,
        session: Any,
        default: datetime,
        old: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("Xin lỗi và hẹn lại ngày trả kết quả — {code}").format(code=code),
            self.tr("Hồ sơ hẹn trả {old} nhưng chưa có kết quả.").format(
                old=format_time_short(old) or "—"
            ),
            runner,
            parent,
        )
        self.care, self.code, self.session = care, code, session
        self.reason = _reason_box(self.tr("Bắt buộc: vì sao chưa trả được kết quả"))
        self.form.addRow(self.tr("Lý do trễ hẹn"), self.reason)
        self.when = QDateTimeEdit()
        self.when.setObjectName("newAppointment")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("HH:mm dd/MM/yyyy")
        self.set_when(default)
        self.form.addRow(self.tr("Hẹn trả mới"), self.when)

    def set_when(self, when: datetime) -> None:
        local = when.astimezone(VN_TZ)
        self.when.setDateTime(
            QDateTime(local.year, local.month, local.day, local.hour, local.minute, 0)
        )

    def chosen(self) -> datetime:
        return self.when.dateTime().toPython().replace(second=0, tzinfo=VN_TZ)

    def work(self) -> Callable[[], Any]:
        care, code, session = self.care, self.code, self.session
        reason, when = _text(self.reason), self.chosen()

        def run() -> dict[str, Any]:
            care.apologise(code, when, reason, actor=None, session=session)
            return {"reason": reason, "new_appointment": when}

        return run

    def slip(self) -> tuple[str, dict[str, Any]]:
        return "apology", dict(self.outcome)


# ---------------------------------------------------------------------- hand-over
class HandOverDialog(AftercareDialog):
    """Trả kết quả: who collects it (the applicant by default), their ID number and relation
    when someone else comes, and the result's scan when there is one."""

    def __init__(
        self,
        care: Aftercare,
        kiosk: Any,
        code: str,
        runner: Any,
        session: Any,
        applicant: str = "",
        cameras: list[Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("Trả kết quả hồ sơ {code}").format(code=code),
            self.tr("Ghi người đến nhận kết quả (mặc định: người nộp hồ sơ)."),
            runner,
            parent,
        )
        self.care, self.code, self.session = care, code, session
        self.name = QLineEdit(applicant)
        self.name.setObjectName("collectorName")
        self.form.addRow(self.tr("Người nhận kết quả"), self.name)
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(self.tr("Không bắt buộc: 9 hoặc 12 chữ số"))
        self.form.addRow(self.tr("Số CCCD/CMND người nhận"), self.id_number)
        self.relation = QComboBox()
        self.relation.setEditable(True)
        for text in ("", "bố", "mẹ", "vợ", "chồng", "con", "người được ủy quyền"):
            self.relation.addItem(text)
        self.relation.lineEdit().setPlaceholderText(self.tr("Khi người khác nhận thay"))
        self.form.addRow(self.tr("Quan hệ với người nộp"), self.relation)
        self.scan = ScanPicker(kiosk, runner, single=True, cameras=cameras)
        self.form.addRow(self.tr("Bản scan kết quả"), self.scan)

    def work(self) -> Callable[[], Any]:
        if self.scan.pending:
            raise ValueError(self.tr("Đang lưu tệp scan, xin chờ giây lát"))
        care, code, session = self.care, self.code, self.session
        who = {
            "name": _text(self.name),
            "id_number": _text(self.id_number),
            "relation": self.relation.currentText().strip(),
        }
        scan = dict(self.scan.files[0]) if self.scan.files else None
        return lambda: care.hand_over(code, who, actor=None, result_scan=scan, session=session)


# ---------------------------------------------------------------------- withdraw / refuse
class ReasonDialog(AftercareDialog):
    """Rút hồ sơ or Từ chối tiếp nhận: a required reason. A refusal's :meth:`slip` is Mẫu 03."""

    def __init__(
        self,
        care: Aftercare,
        code: str,
        runner: Any,
        session: Any,
        kind: str,
        parent: QWidget | None = None,
    ) -> None:
        refuse = kind == "refuse"
        super().__init__(
            (
                self.tr("Từ chối tiếp nhận hồ sơ {code}") if refuse else self.tr("Rút hồ sơ {code}")
            ).format(code=code),
            self.tr("Phiếu từ chối tiếp nhận (Mẫu 03) sẽ được in sau khi xác nhận.")
            if refuse
            else self.tr("Công dân có đơn xin rút hồ sơ. Hồ sơ sẽ dừng xử lý."),
            runner,
            parent,
        )
        self.care, self.code, self.session, self.kind = care, code, session, kind
        self.reason = _reason_box(self.tr("Bắt buộc"))
        self.form.addRow(
            self.tr("Lý do từ chối") if refuse else self.tr("Lý do rút hồ sơ"), self.reason
        )

    def work(self) -> Callable[[], Any]:
        care, code, session, reason = self.care, self.code, self.session, _text(self.reason)
        use_case = care.refuse if self.kind == "refuse" else care.withdraw

        def run() -> dict[str, Any]:
            use_case(code, reason, actor=None, session=session)
            return {"reason": reason}

        return run

    def slip(self) -> tuple[str, dict[str, Any]] | None:
        return ("refusal", dict(self.outcome)) if self.kind == "refuse" else None
