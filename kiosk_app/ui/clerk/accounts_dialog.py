"""The administrator's accounts screen: list, add, reset a password or PIN, change a role,
disable / enable, lift a lockout.

Everything goes through :class:`kiosk_app.core.accounts.Accounts` with the administrator's
session (the core refuses anyone else and audits each change) on the TaskRunner — hashing a
new secret takes ~0.15 s. No modal sub-dialogs: the actions work on the selected row with the
fields under the table; a refusal (the last administrator, a weak PIN…) is shown in Vietnamese
and nothing typed is lost except the secret fields after a success.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.permissions import ROLE_LABELS, STAFF_ROLES
from kiosk_app.ui.clerk import format_time_short


def _secret(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


def _roles() -> QComboBox:
    box = QComboBox()
    for role in STAFF_ROLES:
        box.addItem(ROLE_LABELS[role], role)
    return box


class AccountsDialog(QDialog):
    """``done_one(action)`` after each successful change; ``loaded`` after each list load."""

    done_one = Signal(str)

    def __init__(self, accounts: Any, runner: Any, session: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tài khoản cán bộ"))
        self.resize(960, 780)
        self.accounts, self.runner, self.session = accounts, runner, session
        self.infos: list[Any] = []
        self.loaded = False
        self.busy = False

        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("accountsTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Tên đăng nhập"),
                self.tr("Họ và tên"),
                self.tr("Vai trò"),
                self.tr("Trạng thái"),
                self.tr("Đăng nhập lần cuối"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(220)
        layout.addWidget(self.table, 1)

        # actions on the selected account
        chosen = QGroupBox(self.tr("Tài khoản đang chọn"))
        form = QFormLayout(chosen)
        self.reset_password = _secret("resetPassword")
        self.reset_password_button = QPushButton(self.tr("Đặt lại mật khẩu"))
        self.reset_password_button.clicked.connect(self.do_reset_password)
        form.addRow(
            self.tr("Mật khẩu mới"), self._row(self.reset_password, self.reset_password_button)
        )
        self.reset_pin = _secret("resetPin")
        self.reset_pin.setMaxLength(12)
        self.reset_pin_button = QPushButton(self.tr("Đặt mã PIN"))
        self.reset_pin_button.clicked.connect(self.do_reset_pin)
        form.addRow(self.tr("Mã PIN mới"), self._row(self.reset_pin, self.reset_pin_button))
        self.role = _roles()
        self.role_button = QPushButton(self.tr("Đổi vai trò"))
        self.role_button.clicked.connect(self.do_role)
        form.addRow(self.tr("Vai trò"), self._row(self.role, self.role_button))
        self.active_button = QPushButton(self.tr("Vô hiệu hóa"))
        self.active_button.setObjectName("activeButton")
        self.active_button.clicked.connect(self.do_toggle_active)
        self.unlock_button = QPushButton(self.tr("Mở khóa đăng nhập"))
        self.unlock_button.setObjectName("unlockAccount")
        self.unlock_button.clicked.connect(self.do_unlock)
        form.addRow("", self._row(self.active_button, self.unlock_button))
        layout.addWidget(chosen)

        # a new account
        new = QGroupBox(self.tr("Thêm tài khoản"))
        nf = QFormLayout(new)
        self.new_username = QLineEdit()
        self.new_username.setObjectName("addUsername")
        self.new_username.setMaxLength(32)
        self.new_name = QLineEdit()
        self.new_name.setObjectName("addDisplayName")
        self.new_name.setMaxLength(80)
        self.new_role = _roles()
        self.new_password = _secret("addPassword")
        self.new_pin = _secret("addPin")
        self.new_pin.setMaxLength(12)
        self.new_pin.setPlaceholderText(self.tr("không bắt buộc, 6–12 chữ số"))
        self.add_button = QPushButton(self.tr("Tạo tài khoản"))
        self.add_button.setObjectName("addAccount")
        self.add_button.clicked.connect(self.do_add)
        nf.addRow(self.tr("Tên đăng nhập"), self.new_username)
        nf.addRow(self.tr("Họ và tên"), self.new_name)
        nf.addRow(self.tr("Vai trò"), self.new_role)
        nf.addRow(self.tr("Mật khẩu"), self.new_password)
        nf.addRow(self.tr("Mã PIN"), self.new_pin)
        nf.addRow("", self.add_button)
        layout.addWidget(new)

        bottom = QHBoxLayout()
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        bottom.addWidget(self.message, 1)
        close = QPushButton(self.tr("Đóng"))
        close.clicked.connect(self.accept)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.reload()

    @staticmethod
    def _row(*widgets: QWidget) -> QWidget:
        w = QWidget()
        h = QHBoxLayout(w)
        h.setContentsMargins(0, 0, 0, 0)
        for x in widgets:
            h.addWidget(x)
        return w

    # ------------------------------------------------------------------ list
    def reload(self) -> None:
        self.loaded = False
        accounts, session = self.accounts, self.session
        self.runner.run(lambda: accounts.list_accounts(session), self._show, self._failed)

    def _show(self, infos: list[Any]) -> None:
        if not shiboken6.isValid(self):
            return
        keep = self.selected()
        self.infos = infos
        now = self.accounts.clock()
        self.table.setRowCount(len(infos))
        for r, info in enumerate(infos):
            for c, text in enumerate(
                (
                    info.username,
                    info.display_name,
                    ROLE_LABELS.get(info.role, info.role),
                    self._state(info, now),
                    format_time_short(info.last_login_at) or "—",
                )
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, info.username)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        if keep is not None:
            self.select(keep.username)
        self._selection_changed()
        self.loaded = True

    def _state(self, info: Any, now: datetime) -> str:
        if not info.active:
            return self.tr("Đã vô hiệu hóa")
        if info.locked(now):
            return self.tr("Tạm khóa đến {t}").format(t=format_time_short(info.locked_until))
        return self.tr("Đang dùng")

    def select(self, username: str) -> None:
        for r, info in enumerate(self.infos):
            if info.username == username:
                self.table.selectRow(r)
                return

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.infos):
            return None
        return self.infos[rows[0].row()]

    def _selection_changed(self) -> None:
        info = self.selected()
        for b in (
            self.reset_password_button,
            self.reset_pin_button,
            self.role_button,
            self.active_button,
            self.unlock_button,
        ):
            b.setEnabled(info is not None and not self.busy)
        if info is not None:
            self.active_button.setText(
                self.tr("Vô hiệu hóa") if info.active else self.tr("Kích hoạt lại")
            )
            self.role.setCurrentIndex(max(self.role.findData(info.role), 0))

    # ------------------------------------------------------------------ actions
    def _act(self, action: str, work: Any, clear: tuple[QLineEdit, ...] = ()) -> None:
        if self.busy:
            return
        self.busy = True
        self.add_button.setEnabled(False)
        self.message.setText(self.tr("Đang lưu…"))

        def done(_result: Any) -> None:
            if not shiboken6.isValid(self):
                return
            self.busy = False
            self.add_button.setEnabled(True)
            for edit in clear:
                edit.clear()
            self.message.setText(self.tr("Đã lưu."))
            self.done_one.emit(action)
            self.reload()

        self.runner.run(work, done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.busy = False
        self.add_button.setEnabled(True)
        self._selection_changed()
        self.message.setText(str(exc))
        self.loaded = True

    def _on_selected(self, action: str, fn: Any, clear: tuple[QLineEdit, ...] = ()) -> None:
        info = self.selected()
        if info is None:
            self.message.setText(self.tr("Chọn một tài khoản trong danh sách."))
            return
        accounts, session, username = self.accounts, self.session, info.username
        self._act(action, lambda: fn(accounts, session, username), clear)

    def do_add(self) -> None:
        accounts, session = self.accounts, self.session
        username, name = self.new_username.text(), self.new_name.text()
        role = self.new_role.currentData()
        password = self.new_password.text() or None
        pin = self.new_pin.text().strip() or None
        self._act(
            "add",
            lambda: accounts.add(session, username, name, role, password=password, pin=pin),
            (self.new_username, self.new_name, self.new_password, self.new_pin),
        )

    def do_reset_password(self) -> None:
        secret = self.reset_password.text()
        self._on_selected(
            "password", lambda a, s, u: a.set_password(s, u, secret), (self.reset_password,)
        )

    def do_reset_pin(self) -> None:
        pin = self.reset_pin.text().strip()
        self._on_selected("pin", lambda a, s, u: a.set_pin(s, u, pin), (self.reset_pin,))

    def do_role(self) -> None:
        role = self.role.currentData()
        self._on_selected("role", lambda a, s, u: a.set_role(s, u, role))

    def do_toggle_active(self) -> None:
        info = self.selected()
        if info is not None:
            self._on_selected("active", lambda a, s, u: a.set_active(s, u, not info.active))

    def do_unlock(self) -> None:
        self._on_selected("unlock", lambda a, s, u: a.unlock(s, u))
