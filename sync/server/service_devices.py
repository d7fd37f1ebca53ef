"""Enrolment, device and operator authentication, access/refresh tokens, revocation and
the receipt signing keys devices publish (a mixin of :class:`sync.server.service.Service`)."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sync import protocol as P
from sync.server.db import Tx, utcnow
from sync.server.service_common import (
    OPERATOR_PREFIX,
    REFRESH_PREFIX,
    SEEN_EVERY,
    TOKEN_PREFIX,
    ApiError,
    Principal,
    _uuid7,
    log,
    normalize_enrol_code,
    sha256_hex,
)

ISSUED_DAYS = 60  # how far back enrolment reports the codes a slot issued


class DevicesMixin:
    """Enrolment, tokens, revocation and receipt keys."""

    # ============================================================== enrolment
    def create_enrolment(
        self,
        *,
        commune: str,
        agency_id: str,
        slot: int,
        ttl_hours: float = P.ENROL_CODE_TTL_HOURS,
        device_name: str | None = None,
        replace: bool = False,
    ) -> dict[str, Any]:
        """A one-time enrolment code (printed once; only its hash is kept)."""
        from kiosk_app.core import admin_units
        from kiosk_app.core.codes import CodeError, check_agency_id, check_slot

        try:
            agency = check_agency_id(agency_id)
            slot = check_slot(slot)
        except CodeError as exc:
            raise ApiError("bad_request", str(exc)) from None
        unit = admin_units.commune(commune)
        if unit is None:
            raise ApiError("bad_request", f"Không có xã/phường mã '{commune}' (mã 5 chữ số)")
        if not 0 < ttl_hours <= 24 * 30:
            raise ApiError("bad_request", "Thời hạn mã đăng ký phải từ 0 đến 720 giờ")
        raw = secrets.token_bytes(10)
        code = base64.b32encode(raw).decode("ascii")  # 16 characters, 80 bits
        now = datetime.now(UTC)
        expires = now + timedelta(hours=ttl_hours)
        with self.db.tx() as tx:
            holder = self._slot_holder(tx, agency, slot)
            if holder and not replace:
                raise ApiError(
                    "code_conflict",
                    f"Khe {slot} của {agency} đang được thiết bị {holder['id']} "
                    f"({holder['name'] or 'không tên'}) dùng; thu hồi thiết bị đó hoặc dùng "
                    "--replace",
                )
            tx.execute(
                "INSERT INTO enrolment_codes (code_hash, commune, agency_id, slot, device_name,"
                " replace_device, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    sha256_hex(code.encode()),
                    unit.code,
                    agency,
                    slot,
                    device_name,
                    holder["id"] if holder else None,
                    now.isoformat(),
                    expires.isoformat(),
                ],
            )
        pretty = "-".join(code[i : i + 4] for i in range(0, 16, 4))
        log.info("enrolment code made for %s slot %s (expires %s)", agency, slot, expires)
        return {
            "code": pretty,
            "commune": unit.code,
            "commune_name": unit.name,
            "agency_id": agency,
            "slot": slot,
            "expires_at": expires.isoformat(),
        }

    def _slot_holder(self, tx: Tx, agency: str, slot: int) -> dict[str, Any] | None:
        return tx.one(
            "SELECT id, name FROM devices WHERE kind = 'device' AND agency_id = ? AND slot = ?"
            " AND revoked_at IS NULL",
            [agency, slot],
        )

    def enrol(
        self, code: str, *, device_name: str | None = None, public_key: Any = None
    ) -> dict[str, Any]:
        """Exchange a one-time code for a device credential (the token is returned once)."""
        norm = normalize_enrol_code(code)
        if not norm or len(norm) > 64:
            raise ApiError("enrol_code_unknown", "Mã đăng ký thiết bị không đúng")
        province_key = self.province_key()  # before the code is spent: a key problem costs nothing
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        refresh = REFRESH_PREFIX + secrets.token_urlsafe(32)
        device_id = _uuid7()
        now = utcnow()
        expires = (datetime.fromisoformat(now) + self.token_ttl).isoformat()
        with self.db.tx() as tx:
            row = tx.one(
                "SELECT * FROM enrolment_codes WHERE code_hash = ?", [sha256_hex(norm.encode())]
            )
            if row is None:
                raise ApiError("enrol_code_unknown", "Mã đăng ký thiết bị không đúng")
            if row["used_at"] is not None:
                raise ApiError("enrol_code_used", "Mã đăng ký này đã được dùng; xin mã mới")
            if row["expires_at"] <= now:
                raise ApiError("enrol_code_expired", "Mã đăng ký đã hết hạn; xin mã mới")
            claimed = tx.execute(
                "UPDATE enrolment_codes SET used_at = ?, device_id = ? "
                "WHERE code_hash = ? AND used_at IS NULL",
                [now, device_id, row["code_hash"]],
            )
            if claimed != 1:  # pragma: no cover - a concurrent enrolment won the race
                raise ApiError("enrol_code_used", "Mã đăng ký này đã được dùng; xin mã mới")
            if row["replace_device"]:
                self._revoke(tx, row["replace_device"], "thay bằng thiết bị mới", now)
            elif self._slot_holder(tx, row["agency_id"], row["slot"]):
                raise ApiError(
                    "code_conflict",
                    f"Khe {row['slot']} đã có thiết bị khác dùng; xin mã mới cho khe khác",
                )
            tx.execute(
                "INSERT INTO devices (id, kind, token_hash, token_expires_at, refresh_hash, name,"
                " commune, agency_id, slot, created_at, last_seen_at)"
                " VALUES (?, 'device', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    device_id,
                    sha256_hex(token.encode()),
                    expires,
                    sha256_hex(refresh.encode()),
                    device_name or row["device_name"],
                    row["commune"],
                    row["agency_id"],
                    row["slot"],
                    now,
                    now,
                ],
            )
            if public_key is not None:
                self._add_key(tx, public_key, row["agency_id"], row["slot"], device_id)
        log.info("device %s enrolled for %s slot %s", device_id, row["agency_id"], row["slot"])
        return {
            "device_id": device_id,
            "token": token,
            "token_expires_at": expires,
            "refresh_token": refresh,
            "commune": row["commune"],
            "agency_id": row["agency_id"],
            "slot": row["slot"],
            "protocol": P.PROTOCOL_VERSION,
            "server_time": now,
            "feeds": list(P.FEEDS),
            "issued": self._issued(row["agency_id"], int(row["slot"])),
            "province_key": province_key,
        }

    def _issued(self, agency_id: str, slot: int, days: int = ISSUED_DAYS) -> dict[str, int]:
        """The highest sequence the server holds per code day (``YYMMDD``) for this agency's
        slot over the last ``days`` days. A kiosk restored from a backup (or a new PC taking
        over a slot) raises its counters to these, so it never re-issues a code a lost PC gave
        a citizen after the backup — as long as those dossiers reached the province."""
        since = (datetime.now(UTC) - timedelta(days=days)).isoformat()
        with self.db.tx(write=False) as tx:
            rows = tx.all(
                "SELECT code FROM dossiers WHERE agency_id = ? AND updated_at >= ?",
                [agency_id, since],
            )
        out: dict[str, int] = {}
        prefix = f"{agency_id}-"
        for r in rows:
            rest = str(r["code"])[len(prefix) :] if str(r["code"]).startswith(prefix) else ""
            day, _, seq = rest.partition("-")
            if len(day) == 6 and day.isdigit() and len(seq) == 4 and seq.isdigit():
                n = int(seq)
                if n // 1000 == slot and n > out.get(day, -1):
                    out[day] = n
        return out

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        """A new access token for a device's refresh token (the refresh token stays valid, so
        an answer lost on a dropping link costs nothing: ask again)."""
        if not isinstance(refresh_token, str) or not refresh_token.startswith(REFRESH_PREFIX):
            raise ApiError("auth_invalid", "Mã làm mới thông tin xác thực không đúng")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires = (now + self.token_ttl).isoformat()
        with self.db.tx() as tx:
            row = tx.one(
                "SELECT id, revoked_at FROM devices WHERE refresh_hash = ?",
                [sha256_hex(refresh_token.encode())],
            )
            if row is None:
                raise ApiError("auth_invalid", "Mã làm mới thông tin xác thực không đúng")
            if row["revoked_at"] is not None:
                raise ApiError("device_revoked", "Thiết bị đã bị thu hồi; cần đăng ký lại với tỉnh")
            tx.execute(
                "UPDATE devices SET token_hash = ?, token_expires_at = ?, last_seen_at = ?"
                " WHERE id = ?",
                [sha256_hex(token.encode()), expires, now.isoformat(), row["id"]],
            )
        return {"token": token, "token_expires_at": expires, "server_time": now.isoformat()}

    def authenticate(self, authorization: str | None, kind: str = "device") -> Principal:
        """The caller of an ``Authorization: Bearer`` header, or ApiError(auth_*).

        ``kind`` device: an enrolled device's access token; operator: a back-office user's
        session token. Each request reads the database, so a revocation counts at once."""
        if not authorization:
            raise ApiError("auth_missing", "Thiếu thông tin xác thực")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > 256:
            raise ApiError("auth_invalid", "Thông tin xác thực không hợp lệ (cần 'Bearer <token>')")
        token_hash = sha256_hex(token.encode())
        if kind == "operator" or token.startswith(OPERATOR_PREFIX):
            who = self._operator(token_hash)
            if who is not None:
                if kind != "operator":
                    raise ApiError("forbidden", "Thông tin xác thực này không dùng được ở đây")
                return who
            if kind == "operator":
                with self.db.tx(write=False) as tx:
                    known = tx.one("SELECT 1 AS x FROM devices WHERE token_hash = ?", [token_hash])
                if known:
                    raise ApiError("forbidden", "Thông tin xác thực này không dùng được ở đây")
                raise ApiError("auth_invalid", "Thông tin xác thực không đúng")
        with self.db.tx(write=False) as tx:
            row = tx.one("SELECT * FROM devices WHERE token_hash = ?", [token_hash])
        if row is None:
            raise ApiError("auth_invalid", "Thông tin xác thực không đúng")
        if row["revoked_at"] is not None:
            raise ApiError("device_revoked", "Thiết bị đã bị thu hồi; cần đăng ký lại với tỉnh")
        if row["kind"] != kind:
            raise ApiError("forbidden", "Thông tin xác thực này không dùng được ở đây")
        now = datetime.now(UTC)
        if row["token_expires_at"] and datetime.fromisoformat(row["token_expires_at"]) <= now:
            raise ApiError(
                "token_expired", "Thông tin xác thực đã hết hạn; làm mới bằng mã làm mới"
            )
        seen = row["last_seen_at"]
        if seen is None or datetime.fromisoformat(seen) < now - SEEN_EVERY:
            with self.db.tx() as tx:
                tx.execute(
                    "UPDATE devices SET last_seen_at = ? WHERE id = ?", [now.isoformat(), row["id"]]
                )
        return Principal(
            row["id"], row["kind"], row["name"], row["commune"], row["agency_id"], row["slot"]
        )

    def devices(self) -> list[dict[str, Any]]:
        with self.db.tx(write=False) as tx:
            return tx.all(
                "SELECT id, kind, name, commune, agency_id, slot, created_at, last_seen_at,"
                " revoked_at, revoked_reason FROM devices WHERE kind = 'device' ORDER BY created_at"
            )

    def revoke(self, device_id: str, reason: str | None = None) -> dict[str, Any]:
        with self.db.tx() as tx:
            row = tx.one("SELECT id, revoked_at FROM devices WHERE id = ?", [device_id])
            if row is None:
                raise ApiError("not_found", f"Không có thiết bị {device_id}")
            if row["revoked_at"] is None:
                self._revoke(tx, device_id, reason, utcnow())
            return tx.one(
                "SELECT id, kind, name, agency_id, slot, revoked_at, revoked_reason FROM devices"
                " WHERE id = ?",
                [device_id],
            )

    def _revoke(self, tx: Tx, device_id: str, reason: str | None, at: str) -> None:
        tx.execute(
            "UPDATE devices SET revoked_at = ?, revoked_reason = ? WHERE id = ?",
            [at, reason, device_id],
        )
        for key in tx.all(
            "SELECT kid FROM device_keys WHERE device_id = ? AND revoked_at IS NULL", [device_id]
        ):
            tx.execute(
                "UPDATE device_keys SET revoked_at = ?, revoked_reason = ? WHERE kid = ?",
                [at, reason or "thiết bị bị thu hồi", key["kid"]],
            )
            self._key_entry(tx, key["kid"])

    # ============================================================== receipt keys
    def add_key(self, device: Principal, document: Any) -> dict[str, Any]:
        with self.db.tx() as tx:
            kid = self._add_key(tx, document, device.agency_id, device.slot, device.id)
            return self._key_doc(tx, kid)

    def _add_key(
        self, tx: Tx, document: Any, agency: str, slot: int | None, device_id: str | None
    ) -> str:
        from kiosk_app.core.device_key import DeviceKeyError, parse_key_documents

        if isinstance(document, str):  # a bare base64 raw key is accepted too
            document = {
                "format": "motcua-device-key",
                "version": 1,
                "public_key": document,
                "agency_id": agency,
            }
        try:
            keys = parse_key_documents(document)
        except DeviceKeyError as exc:
            raise ApiError("bad_payload", f"public_key: {exc}") from None
        if len(keys) != 1:
            raise ApiError("bad_payload", "public_key: gửi đúng một khoá")
        key = keys[0]
        if key.agency_id not in (None, agency):
            raise ApiError("wrong_agency", f"Khoá của cơ quan {key.agency_id}, không phải {agency}")
        pub = base64.b64encode(key.public_key).decode("ascii")
        have = tx.one("SELECT public_key, agency_id FROM device_keys WHERE kid = ?", [key.kid])
        if have is not None:
            if have["public_key"] != pub or have["agency_id"] != agency:
                raise ApiError("code_conflict", f"Khoá {key.kid} đã có với nội dung khác")
            return key.kid
        tx.execute(
            "INSERT INTO device_keys (kid, public_key, agency_id, slot, device_id, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [key.kid, pub, agency, key.slot if key.slot is not None else slot, device_id, utcnow()],
        )
        self._key_entry(tx, key.kid)
        return key.kid

    def _key_doc(self, tx: Tx, kid: str) -> dict[str, Any]:
        row = tx.one("SELECT * FROM device_keys WHERE kid = ?", [kid])
        assert row is not None
        return {
            "format": "motcua-device-key",
            "version": 1,
            "algorithm": "Ed25519",
            "kid": row["kid"],
            "public_key": row["public_key"],
            "agency_id": row["agency_id"],
            "slot": row["slot"],
            "added_at": row["added_at"],
            "revoked_at": row["revoked_at"],
            "revoked_reason": row["revoked_reason"],
        }

    def _key_entry(self, tx: Tx, kid: str) -> None:
        self.feed_put(tx, "keys", "*", kid, self._key_doc(tx, kid))

    def known_keys(self) -> dict[str, Any]:
        """The receipt keys as kiosk_app KnownKey rows (for verifying QR texts)."""
        from kiosk_app.store.keys import KnownKey

        with self.db.tx(write=False) as tx:
            rows = tx.all("SELECT * FROM device_keys")
        return {
            r["kid"]: KnownKey(
                r["kid"],
                base64.b64decode(r["public_key"]),
                r["agency_id"],
                r["slot"],
                "server",
                r["added_at"],
                r["revoked_at"],
                r["revoked_reason"],
            )
            for r in rows
        }
