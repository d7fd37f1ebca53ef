"""Back-office users: accounts with roles, argon2id passwords, short-lived session tokens and
what each role may do (a mixin of :class:`sync.server.service.Service`).

Roles
    ``province_admin``: every back-office action. ``province_viewer``: reads every commune's
    dossiers and attachments, changes nothing. ``commune_officer``: reads and moves the
    dossiers of its one commune only.

Sessions
    ``POST /v1/login`` checks the password (argon2id, parameters of argon2-cffi's RFC 9106 low
    memory profile) and issues a random bearer token whose sha256 is stored with an expiry
    (``operator_ttl``, one hour by default). Every request looks the session and its user up,
    so disabling a user or revoking a session takes effect on the very next request.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sync.server.db import IntegrityError, Tx, utcnow
from sync.server.service_common import (
    OPERATOR_PREFIX,
    ApiError,
    Principal,
    _uuid7,
    log,
    sha256_hex,
)

ROLES = ("province_admin", "province_viewer", "commune_officer")
_LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
MIN_PASSWORD = 10

_hasher: Any = None


def hasher() -> Any:
    """The process's argon2id hasher (made once: its parameters are fixed)."""
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher, profiles

        _hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    return _hasher


def _dummy_hash() -> str:
    # verified against when the login is unknown, so both answers take the same time
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hasher().hash(secrets.token_hex(16))
    return _DUMMY


_DUMMY: str | None = None


class UsersMixin:
    """Users, login sessions and role checks."""

    operator_ttl: timedelta

    # ============================================================== accounts
    def add_user(
        self,
        login: str,
        password: str | None,
        role: str,
        *,
        commune: str | None = None,
        name: str | None = None,
    ) -> dict[str, Any]:
        """A back-office user (``password`` None: cannot log in until one is set)."""
        from kiosk_app.core import admin_units

        login = (login or "").strip().lower()
        if not _LOGIN_RE.fullmatch(login):
            raise ApiError(
                "bad_request", "Tên đăng nhập: 2–64 ký tự thường, số, '.', '_', '-', '@'"
            )
        if role not in ROLES:
            raise ApiError("bad_request", f"Vai trò phải là một trong {', '.join(ROLES)}")
        if role == "commune_officer":
            unit = admin_units.commune(commune or "")
            if unit is None:
                raise ApiError("bad_request", "Cán bộ xã cần --commune <mã xã 5 chữ số> đúng")
            commune = unit.code
        elif commune:
            raise ApiError("bad_request", "Chỉ vai trò commune_officer gắn với một xã")
        hashed = self._hash_password(password) if password is not None else None
        user_id = _uuid7()
        try:
            with self.db.tx() as tx:
                tx.execute(
                    "INSERT INTO users (id, login, name, role, commune, password_hash, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [user_id, login, name, role, commune, hashed, utcnow()],
                )
        except IntegrityError:
            raise ApiError("code_conflict", f"Đã có người dùng '{login}'") from None
        log.info("user %s added with role %s", user_id, role)
        return self.user(login)

    def _hash_password(self, password: str) -> str:
        if not isinstance(password, str) or len(password) < MIN_PASSWORD:
            raise ApiError("bad_request", f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự")
        return hasher().hash(password)

    def set_password(self, login: str, password: str) -> dict[str, Any]:
        hashed = self._hash_password(password)
        with self.db.tx() as tx:
            if not tx.execute(
                "UPDATE users SET password_hash = ? WHERE login = ?", [hashed, login.lower()]
            ):
                raise ApiError("not_found", f"Không có người dùng '{login}'")
            self._end_sessions(tx, login.lower())
        return self.user(login)

    def user(self, login: str) -> dict[str, Any]:
        with self.db.tx(write=False) as tx:
            row = tx.one(
                "SELECT id, login, name, role, commune, created_at, disabled_at, disabled_reason,"
                " password_hash IS NOT NULL AS has_password FROM users WHERE login = ?",
                [(login or "").strip().lower()],
            )
        if row is None:
            raise ApiError("not_found", f"Không có người dùng '{login}'")
        row["has_password"] = bool(row["has_password"])
        return row

    def users(self) -> list[dict[str, Any]]:
        with self.db.tx(write=False) as tx:
            rows = tx.all(
                "SELECT id, login, name, role, commune, created_at, disabled_at, disabled_reason,"
                " password_hash IS NOT NULL AS has_password FROM users ORDER BY login"
            )
        for r in rows:
            r["has_password"] = bool(r["has_password"])
        return rows

    def disable_user(self, login: str, reason: str | None = None) -> dict[str, Any]:
        """Disable a user and end its sessions: refused from its very next request."""
        with self.db.tx() as tx:
            n = tx.execute(
                "UPDATE users SET disabled_at = COALESCE(disabled_at, ?), disabled_reason = ?"
                " WHERE login = ?",
                [utcnow(), reason, login.lower()],
            )
            if not n:
                raise ApiError("not_found", f"Không có người dùng '{login}'")
            self._end_sessions(tx, login.lower())
        log.info("user disabled")
        return self.user(login)

    def enable_user(self, login: str) -> dict[str, Any]:
        with self.db.tx() as tx:
            if not tx.execute(
                "UPDATE users SET disabled_at = NULL, disabled_reason = NULL WHERE login = ?",
                [login.lower()],
            ):
                raise ApiError("not_found", f"Không có người dùng '{login}'")
        return self.user(login)

    def _end_sessions(self, tx: Tx, login: str) -> None:
        tx.execute(
            "UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND user_id ="
            " (SELECT id FROM users WHERE login = ?)",
            [utcnow(), login],
        )

    # ============================================================== sessions
    def login(self, login: Any, password: Any) -> dict[str, Any]:
        """A session token for a correct login and password. Unknown login, wrong password
        and disabled user get the same answer, after the same argon2 work."""
        from argon2.exceptions import InvalidHashError, VerificationError

        if not isinstance(login, str) or not isinstance(password, str) or len(password) > 1024:
            raise ApiError("bad_request", 'Cần {"login": "…", "password": "…"}')
        with self.db.tx(write=False) as tx:
            row = tx.one(
                "SELECT id, login, role, commune, password_hash, disabled_at FROM users"
                " WHERE login = ?",
                [login.strip().lower()[:64]],
            )
        stored = row["password_hash"] if row and row["password_hash"] else None
        try:
            hasher().verify(stored or _dummy_hash(), password)
            ok = stored is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None or row["disabled_at"] is not None:
            raise ApiError("login_failed", "Tên đăng nhập hoặc mật khẩu không đúng")
        return self._new_session(row, rehash=hasher().check_needs_rehash(stored), pw=password)

    def _new_session(self, row: dict[str, Any], *, rehash: bool = False, pw: str = "") -> dict:
        token = OPERATOR_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires = (now + self.operator_ttl).isoformat()
        with self.db.tx() as tx:
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                [sha256_hex(token.encode()), row["id"], now.isoformat(), expires],
            )
            if rehash:
                tx.execute(
                    "UPDATE users SET password_hash = ? WHERE id = ?",
                    [hasher().hash(pw), row["id"]],
                )
            # expired sessions are of no use to anyone: drop them as we go
            tx.execute("DELETE FROM sessions WHERE expires_at < ?", [now.isoformat()])
        return {
            "token": token,
            "expires_at": expires,
            "role": row["role"],
            "commune": row["commune"],
            "server_time": now.isoformat(),
        }

    def session_for(self, login: str) -> dict[str, Any]:
        """A session token without a password (CLI and tests: whoever runs the server)."""
        with self.db.tx(write=False) as tx:
            row = tx.one(
                "SELECT id, login, role, commune, disabled_at FROM users WHERE login = ?",
                [login.lower()],
            )
        if row is None or row["disabled_at"] is not None:
            raise ApiError("not_found", f"Không có người dùng đang hoạt động '{login}'")
        return self._new_session(row)

    def logout(self, authorization: str | None) -> None:
        token = (authorization or "").partition(" ")[2].strip()
        with self.db.tx() as tx:
            tx.execute(
                "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                [utcnow(), sha256_hex(token.encode())],
            )

    def _operator(self, token_hash: str) -> Principal | None:
        """The user behind a session token, or None; ApiError for a dead session."""
        with self.db.tx(write=False) as tx:
            row = tx.one(
                "SELECT s.expires_at, s.revoked_at, u.id, u.login, u.name, u.role, u.commune,"
                " u.disabled_at FROM sessions s JOIN users u ON u.id = s.user_id"
                " WHERE s.token_hash = ?",
                [token_hash],
            )
        if row is None:
            return None
        if row["disabled_at"] is not None:
            raise ApiError("user_disabled", "Tài khoản đã bị khoá")
        if row["revoked_at"] is not None:
            raise ApiError("auth_invalid", "Phiên đăng nhập đã kết thúc; đăng nhập lại")
        if datetime.fromisoformat(row["expires_at"]) <= datetime.now(UTC):
            raise ApiError("token_expired", "Phiên đăng nhập đã hết hạn; đăng nhập lại")
        return Principal(
            row["id"], "operator", row["login"], row["commune"], None, None, row["role"]
        )

    # ============================================================== authorisation
    @staticmethod
    def require(who: Principal, action: str, commune: str | None = None) -> None:
        """Refuse (403) what ``who``'s role may not do. ``action``: read or write;
        ``commune``: the commune of the dossier concerned (None: a listing)."""
        if who.kind != "operator" or who.role not in ROLES:
            raise ApiError("forbidden", "Thông tin xác thực này không dùng được ở đây")
        if who.role == "province_viewer" and action != "read":
            raise ApiError("forbidden", "Vai trò province_viewer chỉ được xem")
        if who.role == "commune_officer" and commune is not None and commune != who.commune:
            # the same answer as a dossier that does not exist: nothing learnt about others
            raise ApiError("not_found", "Không có hồ sơ này")
