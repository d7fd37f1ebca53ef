"""The desk's staff accounts: create, log in, lock out, disable, change role — all audited.

Secrets
    Passwords (≥ 8 characters) and PINs (6–12 digits, for touch use) are stored only as argon2id
    hashes (argon2-cffi's ``PasswordHasher``, parameters :data:`HASH_PARAMS`: ~0.15 s per check
    on the 2-core build machine, slower on a commune PC — so **never call** :meth:`login` or a
    secret-setting method **on the GUI thread**). Text secrets are NFC-normalised first, so the
    same password typed through two input methods matches. A login with a hash made under
    older parameters re-hashes it (:meth:`Accounts.login`).

Lockout
    ``MAX_FAILED`` (5) consecutive failures lock the account for ``LOCKOUT`` (5 minutes). The
    count and the lock are columns of the store (migration 5), so restarting the program does
    not lift them; an administrator can :meth:`Accounts.unlock`. An unknown or disabled
    username costs the same argon2 check as a real one (a dummy hash) and gets the same answer,
    so the timing and the message do not tell which usernames exist.

Rules
    At least one active administrator always remains (disabling, or changing the role of, the
    last one is refused). Accounts are never deleted: records keep naming their actor.

Every change and every login, failure, lockout, lock, unlock and logout appends an audit entry
(actor, action, the username as entity — never a secret). No Qt. Thread-safe: the store
serialises writes; the hasher has no state.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kiosk_app.core import permissions as perms
from kiosk_app.core.intake import now_vn
from kiosk_app.core.session import Session
from kiosk_app.store import accounts as rows
from kiosk_app.store import audit
from kiosk_app.store.db import IntegrityError, Store

if TYPE_CHECKING:  # argon2 is imported on the first hash: the login screen paints before
    from argon2 import PasswordHasher

MAX_FAILED = 5
LOCKOUT = timedelta(minutes=5)
# argon2id, RFC 9106's memory (64 MiB) with one lane: old 2-core desk PCs, one login at a time.
# Measured on the build machine: ~0.145 s per verify (tests/unit/test_accounts.py prints it).
HASH_PARAMS: dict[str, int] = {"time_cost": 3, "memory_cost": 65536, "parallelism": 1}
PASSWORD, PIN = "password", "pin"
METHODS = (PASSWORD, PIN)
RESERVED_USERNAMES = frozenset({"cli", "kiosk", "province", "system", "root", "motcua"})
_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,31}")
_NAME_PUNCT = set(" .'-()")


def default_hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher(**HASH_PARAMS)


class AccountError(ValueError):
    """A refused account operation; ``str()`` is Vietnamese, ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AccountRefused(AccountError):
    """Refused because of the accounts' state (unknown or taken username, the last
    administrator, already set up), not because of the input's form."""


class LoginFailed(AccountError):
    """Wrong username or secret (one message for every case, on purpose)."""

    def __init__(self, message: str = "Sai tên đăng nhập hoặc mật khẩu / mã PIN.") -> None:
        super().__init__(message, "secret")


class AccountLocked(LoginFailed):
    """Too many failures: refused until ``until`` (or an administrator unlocks)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(
            f"Đăng nhập sai quá {MAX_FAILED} lần: tài khoản tạm khóa đến "
            f"{until.strftime('%H:%M')} (hoặc nhờ quản trị mở khóa)."
        )
        self.until = until


@dataclass(frozen=True)
class AccountInfo:
    """An account as screens and ``motcua user list`` show it (no hashes)."""

    username: str
    display_name: str
    role: str
    active: bool
    has_password: bool
    has_pin: bool
    locked_until: str | None
    failed_count: int
    last_login_at: str | None
    created_at: str

    def locked(self, now: datetime) -> bool:
        return bool(self.locked_until) and datetime.fromisoformat(self.locked_until) > now


# ---------------------------------------------------------------------- input rules
def check_username(text: str) -> str:
    """The username as stored (NFC, trimmed, lower case) or AccountError."""
    name = unicodedata.normalize("NFC", str(text or "")).strip().lower()
    if not _USERNAME.fullmatch(name):
        raise AccountError(
            "Tên đăng nhập: 2–32 ký tự, bắt đầu bằng chữ cái, chỉ gồm chữ không dấu (a–z), "
            "chữ số và . _ -",
            "username",
        )
    if name in RESERVED_USERNAMES:
        raise AccountError(f"Tên đăng nhập “{name}” được dành cho hệ thống", "username")
    return name


def check_display_name(text: str) -> str:
    """Họ và tên: NFC, spaces collapsed, 2–80 characters, letters (Vietnamese included)."""
    name = " ".join(unicodedata.normalize("NFC", str(text or "")).split())
    ok_chars = all(unicodedata.category(c)[0] in "LMN" or c in _NAME_PUNCT for c in name) and any(
        c.isalpha() for c in name
    )
    if not 2 <= len(name) <= 80 or not ok_chars:
        raise AccountError(
            "Họ và tên: 2–80 ký tự, gồm chữ cái (có dấu), chữ số, dấu cách và . ' - ( )",
            "display_name",
        )
    return name


def check_password(secret: str, username: str = "") -> str:
    pw = unicodedata.normalize("NFC", str(secret or ""))
    if len(pw) < 8 or len(pw) > 128 or not pw.strip():
        raise AccountError("Mật khẩu phải có từ 8 đến 128 ký tự", "password")
    if username and pw.strip().lower() == username.lower():
        raise AccountError("Mật khẩu không được trùng tên đăng nhập", "password")
    return pw


def check_pin(secret: str) -> str:
    pin = str(secret or "").strip()
    if not (pin.isascii() and pin.isdigit() and 6 <= len(pin) <= 12):
        raise AccountError("Mã PIN phải gồm 6 đến 12 chữ số", "pin")
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({0}, {1}, {-1}):
        raise AccountError("Mã PIN quá dễ đoán (các số giống nhau hoặc liên tiếp)", "pin")
    return pin


def check_role(role: str) -> str:
    if role not in perms.STAFF_ROLES:
        raise AccountError("Vai trò phải là một trong: " + ", ".join(perms.STAFF_ROLES), "role")
    return role


def _info(row: dict[str, Any]) -> AccountInfo:
    return AccountInfo(
        username=row["username"],
        display_name=row["display_name"],
        role=row["role"],
        active=bool(row["active"]),
        has_password=bool(row["password_hash"]),
        has_pin=bool(row["pin_hash"]),
        locked_until=row.get("locked_until"),
        failed_count=row.get("failed_count", 0),
        last_login_at=row.get("last_login_at"),
        created_at=row["created_at"],
    )


# ---------------------------------------------------------------------- use-cases
class Accounts:
    """The account use-cases over one store. ``clock`` returns an aware datetime."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = now_vn,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self._hasher = hasher
        self._dummy: str | None = None

    @property
    def hasher(self) -> PasswordHasher:
        """argon2id, made on first use (off the GUI thread: the first check is a login)."""
        if self._hasher is None:
            self._hasher = default_hasher()
        return self._hasher

    # -------------------------------------------------------------- reading
    def has_accounts(self) -> bool:
        with self.store.read() as db:
            return rows.count(db) > 0

    def list_accounts(self, session: Session) -> list[AccountInfo]:
        perms.require(session, perms.ACCOUNTS)
        with self.store.read() as db:
            return [_info(r) for r in rows.all_accounts(db)]

    def get(self, session: Session, username: str) -> AccountInfo:
        perms.require(session, perms.ACCOUNTS)
        with self.store.read() as db:
            return _info(self._row(db, username))

    def may_leave_kiosk(self) -> list[tuple[str, str]]:
        """(username, display name) of the active accounts whose role may leave the kiosk —
        the names the kiosk's staff exit offers (no secrets, no roles)."""
        with self.store.read() as db:
            return [
                (r["username"], r["display_name"])
                for r in rows.all_accounts(db)
                if r["active"] and perms.allowed(r["role"], perms.LEAVE_KIOSK)
            ]

    # -------------------------------------------------------------- first run
    def create_first_admin(
        self, username: str, display_name: str, password: str, pin: str | None = None
    ) -> Session:
        """The first account of a fresh install (an administrator), logged in. Refused once
        any account exists: from then on only an administrator adds accounts."""
        row = self._new_row(username, display_name, perms.ADMIN, password, pin)
        with self.store.write() as db:
            if rows.count(db):
                raise AccountRefused("Máy đã có tài khoản; hãy đăng nhập bằng tài khoản quản trị")
            rows.insert(db, row | {"last_login_at": row["created_at"]})
            self._audit(db, row["username"], "account.create", row["username"], {"role": "admin"})
            self._audit(db, row["username"], "auth.login", row["username"], {"first_run": True})
        return self._session(row)

    # -------------------------------------------------------------- changes (administrator)
    def add(
        self,
        session: Session,
        username: str,
        display_name: str,
        role: str,
        *,
        password: str | None = None,
        pin: str | None = None,
    ) -> AccountInfo:
        perms.require(session, perms.ACCOUNTS)
        row = self._new_row(username, display_name, check_role(role), password, pin)
        try:
            with self.store.write() as db:
                rows.insert(db, row)
                self._audit(
                    db,
                    session.actor,
                    "account.create",
                    row["username"],
                    {"role": row["role"], "password": bool(password), "pin": bool(pin)},
                )
        except IntegrityError:
            raise AccountRefused(f"Tên đăng nhập “{row['username']}” đã có", "username") from None
        return _info(row)

    def set_password(self, session: Session, username: str, password: str) -> None:
        """Set (reset) a password: an administrator for anyone, a person for themself."""
        name = self._self_or_admin(session, username)
        h = self.hasher.hash(check_password(password, name))
        self._change(session, name, {"password_hash": h}, "account.password", {})

    def set_pin(self, session: Session, username: str, pin: str | None) -> None:
        """Set a PIN, or remove it with ``None`` (only when a password remains)."""
        name = self._self_or_admin(session, username)
        h = self.hasher.hash(check_pin(pin)) if pin is not None else None
        if h is None:
            with self.store.read() as db:
                if not self._row(db, name)["password_hash"]:
                    raise AccountRefused(
                        "Không thể bỏ mã PIN của tài khoản không có mật khẩu", "pin"
                    )
        self._change(session, name, {"pin_hash": h}, "account.pin", {"removed": h is None})

    def set_role(self, session: Session, username: str, role: str) -> None:
        perms.require(session, perms.ACCOUNTS)
        role = check_role(role)
        name = check_username(username)
        with self.store.write() as db:
            old = self._row(db, name)
            if old["role"] == role:
                return
            self._keep_an_admin(db, old, leaving=old["role"] == perms.ADMIN)
            rows.update(db, name, {"role": role, "updated_at": self._now()})
            self._audit(db, session.actor, "account.role", name, {"old": old["role"], "new": role})

    def set_active(self, session: Session, username: str, active: bool) -> None:
        """Disable (``False``) or enable an account; disabling the last admin is refused."""
        perms.require(session, perms.ACCOUNTS)
        name = check_username(username)
        with self.store.write() as db:
            old = self._row(db, name)
            if bool(old["active"]) == active:
                return
            if not active:
                self._keep_an_admin(db, old, leaving=old["role"] == perms.ADMIN)
            rows.update(db, name, {"active": int(active), "updated_at": self._now()})
            self._audit(
                db, session.actor, "account.enable" if active else "account.disable", name, {}
            )

    def unlock(self, session: Session, username: str) -> None:
        """Lift a lockout before its time (the failure count starts again from zero)."""
        perms.require(session, perms.ACCOUNTS)
        name = check_username(username)
        with self.store.write() as db:
            self._row(db, name)
            rows.update(
                db, name, {"failed_count": 0, "locked_until": None, "updated_at": self._now()}
            )
            self._audit(db, session.actor, "account.unlock", name, {})

    # -------------------------------------------------------------- logging in
    def login(
        self, username: str, secret: str, *, method: str = PASSWORD, purpose: str = "login"
    ) -> Session:
        """Check a secret and return the session; LoginFailed / AccountLocked otherwise.

        ``purpose``: ``login`` (audited ``auth.login``) or ``unlock`` (the desk's lock screen,
        audited ``desk.unlock``). Slow (argon2): call it off the GUI thread.
        """
        if method not in METHODS:
            raise AccountError(f"Cách đăng nhập không hợp lệ: {method!r}", "method")
        try:
            name = check_username(username)
        except AccountError:
            name = None
        with self.store.read() as db:
            row = rows.get(db, name) if name else None
        now = self.clock()
        text = unicodedata.normalize("NFC", str(secret or ""))
        if method == PIN:
            text = text.strip()
        stored = row[f"{method}_hash"] if row else None
        if row is None or not row["active"] or not stored:
            self._check(self._dummy_hash(), text)  # the same cost as a real check
            self._failed(name if row else None, "unknown" if row is None else "unusable", now)
            raise LoginFailed()
        if row["locked_until"] and datetime.fromisoformat(row["locked_until"]) > now:
            self._failed(name, "locked", now)
            raise AccountLocked(datetime.fromisoformat(row["locked_until"]))
        if not self._check(stored, text):
            until = self._failed(name, "wrong_secret", now, count=True)
            if until is not None:
                raise AccountLocked(until)
            raise LoginFailed()
        new_hash = None
        try:
            if self.hasher.check_needs_rehash(stored):
                new_hash = self.hasher.hash(text)
        except _argon2_errors()[0]:
            new_hash = None
        with self.store.write() as db:
            values: dict[str, Any] = {
                "failed_count": 0,
                "locked_until": None,
                "last_login_at": now.isoformat(),
            }
            if new_hash:
                values[f"{method}_hash"] = new_hash
            rows.update(db, name, values)
            action = "desk.unlock" if purpose == "unlock" else "auth.login"
            self._audit(db, name, action, name, {"method": method}, at=now)
        return self._session(row, since=now)

    def logout(self, session: Session) -> None:
        self.record(session, "auth.logout", session.username)

    def lock(self, session: Session, reason: str = "idle") -> None:
        """The desk locked itself (``idle``) or the person locked it (``manual``)."""
        self.record(session, "desk.lock", session.username, {"reason": reason})

    def record(
        self, session: Session | None, action: str, entity: str | None, data: Any = None
    ) -> None:
        """One audit entry by ``session`` (or by nobody)."""
        with self.store.write() as db:
            self._audit(db, session.actor if session else None, action, entity, data or {})

    # -------------------------------------------------------------- internals
    def _now(self) -> str:
        return self.clock().isoformat()

    def _audit(
        self,
        db: Any,
        actor: str | None,
        action: str,
        entity: str | None,
        data: dict[str, Any],
        at: datetime | None = None,
    ) -> None:
        audit.append(
            db,
            at=(at or self.clock()).isoformat(),
            actor=actor,
            action=action,
            entity=entity,
            data=data,
        )

    def _session(self, row: dict[str, Any], since: datetime | None = None) -> Session:
        return Session(row["username"], row["display_name"], row["role"], since or self.clock())

    def _row(self, db: Any, username: str) -> dict[str, Any]:
        row = rows.get(db, username)
        if row is None:
            raise AccountRefused(f"Không có tài khoản “{username}”", "username")
        return row

    def _new_row(
        self,
        username: str,
        display_name: str,
        role: str,
        password: str | None,
        pin: str | None,
    ) -> dict[str, Any]:
        name = check_username(username)
        full = check_display_name(display_name)
        if role == perms.ADMIN and not password:
            raise AccountError("Tài khoản quản trị phải có mật khẩu", "password")
        if not password and not pin:
            raise AccountError("Cần đặt mật khẩu hoặc mã PIN", "password")
        pw = check_password(password, name) if password else None
        pn = check_pin(pin) if pin else None
        now = self._now()
        return {
            "username": name,
            "display_name": full,
            "role": role,
            "password_hash": self.hasher.hash(pw) if pw else None,
            "pin_hash": self.hasher.hash(pn) if pn else None,
            "active": 1,
            "failed_count": 0,
            "locked_until": None,
            "created_at": now,
            "updated_at": now,
        }

    def _self_or_admin(self, session: Session, username: str) -> str:
        name = check_username(username)
        if session.username != name or session.system:
            perms.require(session, perms.ACCOUNTS)
        return name

    def _change(
        self, session: Session, name: str, values: dict[str, Any], action: str, data: dict
    ) -> None:
        with self.store.write() as db:
            self._row(db, name)
            rows.update(db, name, values | {"updated_at": self._now()})
            self._audit(db, session.actor, action, name, data)

    def _keep_an_admin(self, db: Any, row: dict[str, Any], *, leaving: bool) -> None:
        if leaving and row["active"] and rows.count_active(db, perms.ADMIN) <= 1:
            raise AccountRefused(
                "Phải luôn còn ít nhất một tài khoản quản trị đang hoạt động", "role"
            )

    def _check(self, stored: str, secret: str) -> bool:
        try:
            return self.hasher.verify(stored, secret)
        except _argon2_errors():
            return False

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self.hasher.hash("motcua-dummy-secret")
        return self._dummy

    def _failed(
        self, name: str | None, reason: str, now: datetime, *, count: bool = False
    ) -> datetime | None:
        """Record a failure; with ``count``, add it to the account's run and lock the account
        at the MAX_FAILED-th. Returns the lock's end when this failure locked it."""
        until = None
        with self.store.write() as db:
            self._audit(db, None, "auth.login_failed", name, {"reason": reason}, at=now)
            if not count or name is None:
                return None
            row = self._row(db, name)
            failed = row["failed_count"] + 1
            values: dict[str, Any] = {"failed_count": failed}
            if failed >= MAX_FAILED:
                until = now + LOCKOUT
                values = {"failed_count": 0, "locked_until": until.isoformat()}
                self._audit(db, None, "auth.lockout", name, {"until": until.isoformat()}, at=now)
            rows.update(db, name, values)
        return until


def _argon2_errors() -> tuple[type[Exception], ...]:
    """argon2's refusals: (InvalidHashError, VerifyMismatchError, VerificationError)."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    return (InvalidHashError, VerifyMismatchError, VerificationError)
