"""The screen in front of the desk: first-run set-up, login, and the lock screen.

Three pages in one widget, which the shell shows *instead of* its body (the body's widgets —
an open wizard with everything typed — stay untouched behind it):

* ``first_run`` — "Tạo tài khoản quản trị": a fresh install has no account yet; the first one
  is an administrator (:meth:`Accounts.create_first_admin`).
* ``login`` — username and password, or username and PIN.
* ``locked`` — the desk locked itself (or was locked): the same person unlocks with their
  password or PIN, or "Đổi người dùng" goes to the login page for someone else.

Every secret check runs on the TaskRunner (argon2 takes ~0.15 s; never on the GUI thread);
``entered(session, purpose)`` reports who came in (purpose ``first_run`` | ``login`` |
``unlock``). A refusal is shown under the fields; the username stays, the secret is cleared.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.core.accounts import PASSWORD, PIN
from kiosk_app.core.permissions import ROLE_LABELS

FIRST_RUN, LOGIN, LOCKED = "first_run", "login", "locked"


def _secret_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


class _Method(QWidget):
    """Password or PIN."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        h = QHBoxLayout(self)
        h.setContentsMargins(0, 0, 0, 0)
        self.password = QRadioButton(self.tr("Mật khẩu"))
        self.pin = QRadioButton(self.tr("Mã PIN"))
        self.password.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.password)
        group.addButton(self.pin)
        h.addWidget(self.password)
        h.addWidget(self.pin)
        h.addStretch(1)

    def value(self) -> str:
        return PIN if self.pin.isChecked() else PASSWORD


class Gate(QWidget):
    """First run, login or lock screen over one :class:`Accounts`."""

    entered = Signal(object, str)  # (Session, purpose)

    def __init__(self, accounts: Any, runner: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gate")
        self.accounts, self.runner = accounts, runner
        self.mode: str | None = None
        self.locked_session: Any = None
        self.busy = False

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        card = QWidget()
        card.setObjectName("gateCard")
        card.setMinimumWidth(440)
        card.setMaximumWidth(560)
        v = QVBoxLayout(card)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.title.setWordWrap(True)
        v.addWidget(self.title)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        self.subtitle.setWordWrap(True)
        v.addWidget(self.subtitle)
        self.pages = QStackedWidget()
        v.addWidget(self.pages)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        v.addWidget(self.error)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)

        self._build_first_run()
        self._build_login()
        self._build_locked()

    # ------------------------------------------------------------------ pages
    def _build_first_run(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.new_username = QLineEdit()
        self.new_username.setObjectName("newUsername")
        self.new_username.setMaxLength(32)
        self.new_name = QLineEdit()
        self.new_name.setObjectName("newDisplayName")
        self.new_name.setMaxLength(80)
        self.new_password = _secret_edit("newPassword")
        self.new_password2 = _secret_edit("newPassword2")
        self.new_pin = _secret_edit("newPin")
        self.new_pin.setMaxLength(12)
        self.new_pin.setPlaceholderText(self.tr("không bắt buộc, 6–12 chữ số"))
        form.addRow(self.tr("Tên đăng nhập"), self.new_username)
        form.addRow(self.tr("Họ và tên"), self.new_name)
        form.addRow(self.tr("Mật khẩu (ít nhất 8 ký tự)"), self.new_password)
        form.addRow(self.tr("Nhập lại mật khẩu"), self.new_password2)
        form.addRow(self.tr("Mã PIN"), self.new_pin)
        self.create_button = QPushButton(self.tr("Tạo tài khoản quản trị"))
        self.create_button.setObjectName("createAdmin")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_admin)
        self.new_pin.returnPressed.connect(self.create_admin)
        form.addRow(self.create_button)
        self.first_run_page = page
        self.pages.addWidget(page)

    def _build_login(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.username = QLineEdit()
        self.username.setObjectName("loginUsername")
        self.username.setMaxLength(32)
        self.secret = _secret_edit("loginSecret")
        self.method = _Method()
        form.addRow(self.tr("Tên đăng nhập"), self.username)
        form.addRow(self.tr("Mật khẩu / mã PIN"), self.secret)
        form.addRow("", self.method)
        self.login_button = QPushButton(self.tr("Đăng nhập"))
        self.login_button.setObjectName("loginButton")
        self.login_button.clicked.connect(self.login)
        self.secret.returnPressed.connect(self.login)
        self.username.returnPressed.connect(self.secret.setFocus)
        form.addRow(self.login_button)
        self.login_page = page
        self.pages.addWidget(page)

    def _build_locked(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.unlock_secret = _secret_edit("unlockSecret")
        self.unlock_method = _Method()
        form.addRow(self.tr("Mật khẩu / mã PIN"), self.unlock_secret)
        form.addRow("", self.unlock_method)
        buttons = QHBoxLayout()
        self.unlock_button = QPushButton(self.tr("Mở khóa"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.clicked.connect(self.unlock)
        self.unlock_secret.returnPressed.connect(self.unlock)
        self.switch_button = QPushButton(self.tr("Đổi người dùng"))
        self.switch_button.setObjectName("switchUser")
        self.switch_button.clicked.connect(self.show_login)
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.switch_button)
        form.addRow(buttons)
        self.locked_page = page
        self.pages.addWidget(page)

    # ------------------------------------------------------------------ modes
    def _set(self, mode: str, page: QWidget, title: str, subtitle: str) -> None:
        self.mode = mode
        self.pages.setCurrentWidget(page)
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self.error.clear()
        self._busy(False)

    def show_first_run(self) -> None:
        self._set(
            FIRST_RUN,
            self.first_run_page,
            self.tr("Tạo tài khoản quản trị"),
            self.tr(
                "Máy chưa có tài khoản nào. Tạo tài khoản quản trị trước; sau đó quản trị "
                "tạo tài khoản cho từng cán bộ (Tài khoản)."
            ),
        )
        self.new_username.setFocus()

    def show_login(self) -> None:
        self._set(
            LOGIN,
            self.login_page,
            self.tr("Đăng nhập"),
            self.tr("Mỗi cán bộ đăng nhập bằng tài khoản của mình; mọi thao tác được ghi lại."),
        )
        self.secret.clear()
        (self.secret if self.username.text() else self.username).setFocus()

    def show_locked(self, session: Any) -> None:
        self.locked_session = session
        self._set(
            LOCKED,
            self.locked_page,
            self.tr("Máy đang khóa"),
            self.tr("{name} ({role}) đang làm việc. Nhập mật khẩu hoặc mã PIN để mở khóa.").format(
                name=session.display_name, role=ROLE_LABELS.get(session.role, session.role)
            ),
        )
        self.unlock_secret.clear()
        self.unlock_secret.setFocus()

    def _busy(self, on: bool) -> None:
        self.busy = on
        for b in (self.create_button, self.login_button, self.unlock_button, self.switch_button):
            b.setEnabled(not on)

    # ------------------------------------------------------------------ actions
    def create_admin(self) -> None:
        if self.busy:
            return
        if self.new_password.text() != self.new_password2.text():
            self.error.setText(self.tr("Hai lần nhập mật khẩu không giống nhau."))
            return
        username, name = self.new_username.text(), self.new_name.text()
        password, pin = self.new_password.text(), self.new_pin.text().strip() or None
        accounts = self.accounts
        self._run(
            lambda: accounts.create_first_admin(username, name, password, pin),
            FIRST_RUN,
            (self.new_password, self.new_password2, self.new_pin),
        )

    def login(self) -> None:
        if self.busy:
            return
        username, secret, method = self.username.text(), self.secret.text(), self.method.value()
        accounts = self.accounts
        self._run(lambda: accounts.login(username, secret, method=method), LOGIN, (self.secret,))

    def unlock(self) -> None:
        if self.busy or self.locked_session is None:
            return
        username = self.locked_session.username
        secret, method = self.unlock_secret.text(), self.unlock_method.value()
        accounts = self.accounts
        self._run(
            lambda: accounts.login(username, secret, method=method, purpose="unlock"),
            "unlock",
            (self.unlock_secret,),
        )

    def _run(self, work: Any, purpose: str, secrets: tuple[QLineEdit, ...]) -> None:
        self._busy(True)
        self.error.setText(self.tr("Đang kiểm tra…"))

        def done(session: Any) -> None:
            if not shiboken6.isValid(self):
                return
            for edit in secrets:
                edit.clear()
            self._busy(False)
            self.error.clear()
            self.entered.emit(session, purpose)

        def failed(exc: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            self._busy(False)
            if purpose != FIRST_RUN:
                for edit in secrets:
                    edit.clear()
            self.error.setText(str(exc))
            focus = secrets[0] if purpose != FIRST_RUN else self._first_run_field(exc)
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

        self.runner.run(work, done, failed)

    def _first_run_field(self, exc: BaseException) -> QLineEdit:
        return {
            "username": self.new_username,
            "display_name": self.new_name,
            "pin": self.new_pin,
        }.get(getattr(exc, "field", None) or "", self.new_password)
