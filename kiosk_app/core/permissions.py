"""Who may do what: the desk's roles and their permissions, as one table of data.

Roles (``ROLES``): ``clerk`` (cán bộ một cửa: intake, receipts, lists, hand-over), ``head``
(lãnh đạo / trưởng bộ phận: everything a clerk does, plus reports and refusals), ``admin``
(quản trị: settings, accounts, backup/restore, keys) and ``kiosk`` (the self-service kiosk's
own role: submit on the kiosk channel, status check, rating — nothing else).

The use-cases (core) call :func:`require`; the UI asks :func:`allowed` only to hide what a role
cannot do — hiding is a courtesy, the use-case's refusal is the rule. No Qt here.
"""

from __future__ import annotations

from typing import Any

CLERK, HEAD, ADMIN, KIOSK = "clerk", "head", "admin", "kiosk"
ROLES: tuple[str, ...] = (CLERK, HEAD, ADMIN, KIOSK)
# Roles a person logs in with (``kiosk`` is the self-service shell's, never a person's).
STAFF_ROLES: tuple[str, ...] = (CLERK, HEAD, ADMIN)

ROLE_LABELS: dict[str, str] = {
    CLERK: "Cán bộ một cửa",
    HEAD: "Lãnh đạo / trưởng bộ phận",
    ADMIN: "Quản trị",
    KIOSK: "Máy kiosk tự phục vụ",
}

# Permissions (what a use-case checks).
INTAKE = "intake"  # start drafts and submit dossiers at the desk (channels desk, backentry)
RECEIPT = "receipt"  # print and reprint receipts
VIEW = "view"  # lists, search, a dossier's page
DESK_ACTIONS = "desk_actions"  # accept, supplement, withdraw, hand over the result
REFUSE = "refuse"  # refuse a dossier (không tiếp nhận), overrides
REPORTS = "reports"
EXPORT = "export"  # dossiers out of the machine (CSV/JSON)
SETTINGS = "settings"
ACCOUNTS = "accounts"
BACKUP = "backup"  # backup and restore
KEYS = "keys"  # receipt-signing keys
LEAVE_KIOSK = "leave_kiosk"  # the staff exit of the self-service shell
KIOSK_SUBMIT = "kiosk_submit"  # submit on the kiosk channel
STATUS_CHECK = "status_check"
RATE = "rate"

_CLERK = frozenset({INTAKE, RECEIPT, VIEW, DESK_ACTIONS})
PERMISSIONS: dict[str, frozenset[str]] = {
    CLERK: _CLERK,
    HEAD: _CLERK | {REFUSE, REPORTS, EXPORT, LEAVE_KIOSK},
    ADMIN: frozenset({SETTINGS, ACCOUNTS, BACKUP, KEYS, EXPORT, LEAVE_KIOSK}),
    KIOSK: frozenset({KIOSK_SUBMIT, STATUS_CHECK, RATE}),
}

# Lifecycle moves a commune may make, by event, and the permission each needs.
EVENT_PERMISSION: dict[str, str] = {"refuse": REFUSE}

PERMISSION_LABELS: dict[str, str] = {
    INTAKE: "tiếp nhận hồ sơ",
    RECEIPT: "in phiếu",
    VIEW: "xem hồ sơ",
    DESK_ACTIONS: "xử lý hồ sơ tại một cửa",
    REFUSE: "từ chối tiếp nhận hồ sơ",
    REPORTS: "xem báo cáo",
    EXPORT: "xuất dữ liệu",
    SETTINGS: "thay đổi thiết lập",
    ACCOUNTS: "quản lý tài khoản",
    BACKUP: "sao lưu / khôi phục",
    KEYS: "quản lý khóa ký",
    LEAVE_KIOSK: "thoát chế độ kiosk",
    KIOSK_SUBMIT: "nộp hồ sơ tại kiosk",
    STATUS_CHECK: "tra cứu tình trạng hồ sơ",
    RATE: "đánh giá mức độ hài lòng",
}


class PermissionDenied(PermissionError):
    """The logged-in account's role does not allow this; ``str()`` is Vietnamese."""

    def __init__(self, role: str | None, permission: str) -> None:
        what = PERMISSION_LABELS.get(permission, permission)
        who = ROLE_LABELS.get(role or "", role or "chưa đăng nhập")
        super().__init__(f"Tài khoản vai trò “{who}” không được phép {what}.")
        self.role = role
        self.permission = permission


def allowed(role: str | None, permission: str) -> bool:
    return permission in PERMISSIONS.get(role or "", frozenset())


def require(session: Any, permission: str) -> None:
    """Raise :class:`PermissionDenied` unless ``session`` (a core Session, or None for "nobody
    logged in") may ``permission``."""
    role = getattr(session, "role", None)
    if not allowed(role, permission):
        raise PermissionDenied(role, permission)


def event_permission(event: str) -> str:
    """The permission a commune-side lifecycle move (``accept``, ``refuse``…) needs."""
    return EVENT_PERMISSION.get(event, DESK_ACTIONS)
