"""The provincial server's use-cases, independent of HTTP: enrol, authenticate, push, upload,
feeds, back office, publishing. The ASGI app (:mod:`sync.server.app`) and the command line
(:mod:`sync.server.cli`) both call these; tests may too.

Every refusal is an :class:`ApiError` carrying a machine code from :data:`sync.protocol.ERRORS`
and a Vietnamese message for the clerk. Nothing here logs request content: dossiers carry
citizens' personal data, so log lines name event ids, dossier codes and counts only.

Push applies a batch's events in order in one transaction (docs/sync-protocol.md "Push"): an
event's row (the idempotency record) and its effect are kept or undone together, a rejected
event leaves nothing behind and blocks nothing after it, and the batch costs one durable
commit instead of one per event (a commit is an fsync, ~2.4 ms on the bench machine, which
alone capped SQLite at ~400 events/s). A submission is checked completely before anything of
it is written, against rows read once for the whole batch, and new submissions are written
together (one statement per table); other events run under a savepoint each. The unique
indexes still decide between concurrent pushes (see :meth:`Service.push`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sync import protocol as P
from sync.server.db import Database, Tx, utcnow

log = logging.getLogger("motcua.server")

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
TOKEN_PREFIX = "mck1_"
REFRESH_PREFIX = "mcr1_"
OPERATOR_PREFIX = "mco1_"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CODE_FIXES = str.maketrans({"0": "O", "1": "I", "8": "B"})
CHANNELS = ("desk", "kiosk", "backentry")
SEEN_EVERY = timedelta(minutes=1)


class ApiError(Exception):
    """A refusal with a protocol error code, a Vietnamese message and optional extras."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    @property
    def status(self) -> int:
        return P.ERRORS.get(self.code, (500, P.TRANSIENT))[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "class": P.error_class(self.code),
            **self.extra,
        }


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(value: Any) -> bytes:
    """The canonical JSON of kiosk_app.core.intake (content hashes are computed over it)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def event_hash_text(kind: str, entity_id: Any, payload_json: bytes) -> bytes:
    """``canonical({"kind", "entity_id", "payload"})`` from the payload's canonical JSON.

    Byte for byte what canonical() makes of the whole event (keys sorted: entity_id, kind,
    payload; compact separators), without encoding the payload a second time."""
    return b'{"entity_id":%s,"kind":%s,"payload":%s}' % (
        canonical(entity_id),
        canonical(kind),
        payload_json,
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _uuid7() -> str:
    import uuid6

    return str(uuid6.uuid7())


def normalize_enrol_code(code: str) -> str:
    return re.sub(r"[\s-]", "", (code or "").upper()).translate(_CODE_FIXES)


def _parse_time(value: Any, what: str) -> datetime:
    if not isinstance(value, str):
        raise ApiError("bad_payload", f"{what}: thiếu hoặc không phải chuỗi thời gian ISO-8601")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError("bad_payload", f"{what}: không phải thời gian ISO-8601: {value!r}") from None
    if when.tzinfo is None:
        raise ApiError("bad_payload", f"{what}: thiếu múi giờ (ví dụ +07:00)")
    return when


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: an enrolled device or a back-office operator."""

    id: str
    kind: str
    name: str | None
    commune: str | None
    agency_id: str | None
    slot: int | None

    @property
    def scopes(self) -> list[str]:
        return ["*", f"c:{self.commune}", f"a:{self.agency_id}", f"d:{self.id}"]


# ------------------------------------------------------------------ blobs on disk
class BlobStore:
    """Attachment bytes: ``complete/<aa>/<sha256>`` and ``partial/<sha256>`` under a folder.

    Appends are fsynced before they are acknowledged, so the offset a client learns after a
    crash is never past what is on disk. One lock per hash serialises uploads of the same file
    (one server process per data folder; several processes would need a shared filesystem
    with working ``flock``, which is taken too where available).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        (self.root / "partial").mkdir(parents=True, exist_ok=True)
        (self.root / "complete").mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, sha: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(sha, threading.Lock())

    def partial(self, sha: str) -> Path:
        return self.root / "partial" / sha

    def complete(self, sha: str) -> Path:
        return self.root / "complete" / sha[:2] / sha

    def offset(self, sha: str) -> int:
        try:
            return self.partial(sha).stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, sha: str, offset: int, data: bytes) -> int:
        path = self.partial(sha)
        with open(path, "ab") as fh:
            _flock(fh)
            fh.seek(0, os.SEEK_END)
            if fh.tell() != offset:  # pragma: no cover - guarded by the caller's lock
                raise ApiError(
                    "offset_mismatch",
                    "Vị trí tải lên không khớp với máy chủ",
                    extra={"offset": fh.tell()},
                    headers={P.UPLOAD_OFFSET: str(fh.tell())},
                )
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            return fh.tell()

    def finish(self, sha: str) -> bool:
        """Hash the partial file; move it into place if it matches (True), else delete it."""
        path = self.partial(sha)
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            path.unlink(missing_ok=True)
            return False
        target = self.complete(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        _fsync_dir(target.parent)
        return True

    def discard(self, sha: str) -> None:
        self.partial(sha).unlink(missing_ok=True)


def _flock(fh: Any) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the in-process lock is all there is
        return
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------------ push helpers
@dataclass
class _Known:
    """Rows a push batch read up front (and keeps current as it writes)."""

    events: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    by_code: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    by_id: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    blobs: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    def add_dossier(self, row: Mapping[str, Any]) -> None:
        self.by_code[row["code"]] = row
        self.by_id[row["id"]] = row

    def add_new(self, values: tuple[Any, ...]) -> None:
        """A dossier this batch writes (a row of _DOSSIER_SQL: id, code, …, content_hash 12th)."""
        self.add_dossier({"id": values[0], "code": values[1], "content_hash": values[11]})


@dataclass
class _Writes:
    """Rows of new submissions, in push order, one list per table (see the *_SQL below)."""

    events: list[tuple[Any, ...]] = field(default_factory=list)
    dossiers: list[tuple[Any, ...]] = field(default_factory=list)
    attachments: list[tuple[Any, ...]] = field(default_factory=list)
    history: list[tuple[Any, ...]] = field(default_factory=list)

    def extend(self, other: _Writes) -> None:
        self.events += other.events
        self.dossiers += other.dossiers
        self.attachments += other.attachments
        self.history += other.history

    def clear(self) -> None:
        for rows in (self.events, self.dossiers, self.attachments, self.history):
            rows.clear()


class _Race(Exception):
    """A row a bulk write expected to be new was there (another push committed it)."""


_EVENT_SQL = (
    "INSERT INTO events (id, device_id, kind, entity_id, payload_hash, dossier_id, received_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
)
_DOSSIER_SQL = (
    "INSERT INTO dossiers (id, code, agency_id, commune, device_id, procedure_code,"
    " catalog_version, channel, status, received_at, appointment_at, content_hash, complete,"
    " payload, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)
_ATTACHMENT_SQL = (
    "INSERT INTO dossier_attachments (dossier_id, sha256, name, size, mime, added_at)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_id, sha256, name) DO NOTHING"
)
_HISTORY_SQL = (
    "INSERT INTO status_history (id, dossier_id, event, from_status, to_status, origin,"
    " appointment_at, at) VALUES (?, ?, 'received', NULL, ?, 'commune', ?, ?)"
)


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


def _select_in(
    tx: Tx, select: str, column: str, values: set[str], suffix: str = ""
) -> list[dict[str, Any]]:
    """``select`` WHERE column IN values ``suffix`` (nothing asked, nothing read)."""
    if not values:
        return []
    ordered = sorted(values)
    return tx.all(f"{select} WHERE {column} IN ({_marks(ordered)}){suffix}", ordered)


ISSUED_DAYS = 60  # how far back enrolment reports the codes a slot issued


# ------------------------------------------------------------------ the service
class Service:
    """All server use-cases over one database and one data folder. Thread-safe."""

    def __init__(
        self,
        db: Database,
        data_dir: Path,
        *,
        max_attachment: int = P.MAX_ATTACHMENT_BYTES,
        max_chunk: int = P.MAX_CHUNK_BYTES,
        public_url: str | None = None,
        token_ttl: timedelta = timedelta(hours=P.ACCESS_TOKEN_TTL_HOURS),
    ) -> None:
        from kiosk_app.core.dossier import lifecycle

        self.db = db
        self.data_dir = Path(data_dir)
        self.blobs = BlobStore(self.data_dir / "blobs")
        self.states = lifecycle()
        self.max_attachment = max_attachment
        self.max_chunk = max_chunk
        self.public_url = public_url
        self.token_ttl = token_ttl

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

    def add_operator(self, name: str) -> dict[str, Any]:
        token = OPERATOR_PREFIX + secrets.token_urlsafe(32)
        op_id = _uuid7()
        with self.db.tx() as tx:
            tx.execute(
                "INSERT INTO devices (id, kind, token_hash, name, created_at) "
                "VALUES (?, 'operator', ?, ?, ?)",
                [op_id, sha256_hex(token.encode()), name, utcnow()],
            )
        return {"id": op_id, "name": name, "token": token}

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
        """The caller of an ``Authorization: Bearer`` header, or ApiError(auth_*)."""
        if not authorization:
            raise ApiError("auth_missing", "Thiếu thông tin xác thực thiết bị")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError("auth_invalid", "Thông tin xác thực không hợp lệ (cần 'Bearer <token>')")
        with self.db.tx(write=False) as tx:
            row = tx.one("SELECT * FROM devices WHERE token_hash = ?", [sha256_hex(token.encode())])
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

    def devices(self, include_operators: bool = False) -> list[dict[str, Any]]:
        kinds = "('device', 'operator')" if include_operators else "('device')"
        with self.db.tx(write=False) as tx:
            return tx.all(
                "SELECT id, kind, name, commune, agency_id, slot, created_at, last_seen_at,"
                f" revoked_at, revoked_reason FROM devices WHERE kind IN {kinds} ORDER BY created_at"
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

    # ============================================================== feeds
    def feed_put(self, tx: Tx, feed: str, scope: str, key: str, data: Mapping[str, Any]) -> int:
        """Append an entry (superseding the one with the same scope and key) in ``tx``."""
        tx.lock_feed(feed)
        tx.execute(
            "DELETE FROM feed_entries WHERE feed = ? AND scope = ? AND key = ?", [feed, scope, key]
        )
        tx.execute(
            "INSERT INTO feed_entries (feed, scope, key, at, data) VALUES (?, ?, ?, ?, ?)",
            [feed, scope, key, utcnow(), _dumps(dict(data))],
        )
        seq = int(
            tx.scalar(
                "SELECT seq FROM feed_entries WHERE feed = ? AND scope = ? AND key = ?",
                [feed, scope, key],
            )
        )
        tx.execute("UPDATE feeds SET head = ? WHERE name = ? AND head < ?", [seq, feed, seq])
        return seq

    def read_feed(
        self, who: Principal, feed: str, after: str | None, limit: int = P.DEFAULT_FEED_LIMIT
    ) -> dict[str, Any]:
        if feed not in P.FEEDS:
            raise ApiError("unknown_feed", f"Không có luồng dữ liệu '{feed}'")
        limit = max(1, min(int(limit), P.MAX_FEED_LIMIT))
        scopes = who.scopes
        with self.db.tx(write=False) as tx:
            f = tx.one("SELECT epoch, head, floor FROM feeds WHERE name = ?", [feed])
            assert f is not None
            epoch, head, floor = f["epoch"], int(f["head"]), int(f["floor"])
            start = 0
            if after:
                ep, _, seq_text = after.partition(".")
                seq = int(seq_text) if seq_text.isdigit() else -1
                if ep != epoch or seq < 0 or seq > head or seq < floor:
                    return {"feed": feed, "reset": True, "items": [], "next": None, "more": True}
                start = seq
            marks = ", ".join("?" for _ in scopes)
            rows = tx.all(
                "SELECT seq, key, at, data FROM feed_entries WHERE feed = ? AND seq > ?"
                f" AND scope IN ({marks}) ORDER BY seq LIMIT ?",
                [feed, start, *scopes, limit + 1],
            )
        more = len(rows) > limit
        rows = rows[:limit]
        last = int(rows[-1]["seq"]) if rows else start
        nxt = last if more else max(last, head, start)
        items = [
            {
                "cursor": f"{epoch}.{r['seq']}",
                "key": r["key"],
                "at": r["at"],
                "data": json.loads(r["data"]),
            }
            for r in rows
        ]
        return {
            "feed": feed,
            "reset": False,
            "items": items,
            "next": f"{epoch}.{nxt}",
            "more": more,
        }

    def reset_feed(self, feed: str) -> str:
        """A new epoch: every device's cursor for this feed becomes unknown (reset)."""
        if feed not in P.FEEDS:
            raise ApiError("unknown_feed", f"Không có luồng dữ liệu '{feed}'")
        epoch = secrets.token_hex(4)
        with self.db.tx() as tx:
            tx.lock_feed(feed)
            tx.execute("UPDATE feeds SET epoch = ? WHERE name = ?", [epoch, feed])
        return epoch

    def prune_feed(self, feed: str, before: str) -> int:
        """Drop entries written before ``before`` (ISO time); older cursors then get reset."""
        with self.db.tx() as tx:
            tx.lock_feed(feed)
            top = tx.scalar(
                "SELECT MAX(seq) AS s FROM feed_entries WHERE feed = ? AND at < ?", [feed, before]
            )
            if top is None:
                return 0
            n = tx.execute("DELETE FROM feed_entries WHERE feed = ? AND seq <= ?", [feed, top])
            tx.execute("UPDATE feeds SET floor = ? WHERE name = ? AND floor < ?", [top, feed, top])
            return n

    # ============================================================== push
    def push(self, device: Principal, events: Any) -> list[dict[str, Any]]:
        """Apply a batch in order, in one transaction; one result per event.

        Concurrent pushes (a retrying kiosk, two sync processes): every insert is
        ``ON CONFLICT DO NOTHING`` on the unique index that decides (event id, dossier code
        and id). When the bulk write finds a row that another push committed after this
        one's reads, the whole transaction is rolled back and the batch applied again event
        by event, where such an event becomes ``duplicate`` (same id and content),
        ``id_reused``, or ``unavailable`` (transient: the same dossier under another event
        id raced). A database error fails the whole request and nothing of it is kept."""
        if not isinstance(events, list):
            raise ApiError("bad_request", "'events' phải là một danh sách")
        if len(events) > P.MAX_EVENTS_PER_PUSH:
            raise ApiError(
                "too_large", f"Tối đa {P.MAX_EVENTS_PER_PUSH} sự kiện mỗi lần gửi ({len(events)})"
            )
        try:
            results = self._push_batch(device, events, bulk=True)
        except _Race:
            # another push committed one of these events or dossiers after this one read:
            # apply the batch again, writing event by event against the rows as they are now
            results = self._push_batch(device, events, bulk=False)
        counts = {s: sum(r["status"] == s for r in results) for s in (P.ACCEPTED, P.DUPLICATE)}
        log.info(
            "push from %s: %d events, %d accepted, %d duplicate, %d rejected",
            device.id,
            len(results),
            counts[P.ACCEPTED],
            counts[P.DUPLICATE],
            len(results) - sum(counts.values()),
        )
        return results

    def _push_batch(self, device: Principal, events: list[Any], bulk: bool) -> list[dict[str, Any]]:
        """One transaction for the batch. ``bulk``: new submissions' rows are written
        together (one statement per table, pipelined on PostgreSQL) before anything that
        reads them and at the end; a row that turns out to exist already raises _Race."""
        results = []
        with self.db.tx() as tx:
            known = self._prefetch(tx, events)
            pending = _Writes() if bulk else None
            for i, event in enumerate(events):
                event_id = event.get("id") if isinstance(event, dict) else None
                try:
                    status, dossier = self._push_one(tx, device, event, i, known, pending)
                    results.append({"id": event_id, "status": status, "dossier": dossier})
                except ApiError as exc:
                    results.append({"id": event_id, "status": P.REJECTED, "reason": exc.to_json()})
            self._flush(tx, pending)
        return results

    def _flush(self, tx: Tx, pending: _Writes | None) -> None:
        if not pending or not pending.events:
            return
        if tx.executemany(_EVENT_SQL, pending.events) != len(pending.events):
            raise _Race
        if tx.executemany(_DOSSIER_SQL, pending.dossiers) != len(pending.dossiers):
            raise _Race
        tx.executemany(_ATTACHMENT_SQL, pending.attachments)
        tx.executemany(_HISTORY_SQL, pending.history)
        pending.clear()

    def _prefetch(self, tx: Tx, events: list[Any]) -> _Known:
        """What the batch's submissions need to know, in three queries for the whole batch.

        The unique indexes still decide: a row another push commits after these reads is met
        by ``ON CONFLICT DO NOTHING`` when written (then _Race, or per event: duplicate /
        ``unavailable``)."""
        from kiosk_app.core.codes import CodeError, parse_code

        known = _Known()
        ids, codes, dossier_ids, shas = set(), set(), set(), set()
        for e in events:
            if not isinstance(e, dict) or not isinstance(e.get("id"), str):
                continue
            ids.add(e["id"])
            p = e.get("payload")
            if e.get("kind") != P.SUBMITTED_KIND or not isinstance(p, dict):
                continue
            if isinstance(p.get("id"), str):
                dossier_ids.add(p["id"])
            if isinstance(p.get("code"), str):
                with contextlib.suppress(CodeError):  # refused with its reason below
                    codes.add(str(parse_code(p["code"])))
            for a in p.get("attachments") if isinstance(p.get("attachments"), list) else ():
                if isinstance(a, dict) and isinstance(a.get("sha256"), str):
                    shas.add(a["sha256"])
        for r in _select_in(tx, "SELECT id, payload_hash, dossier_id FROM events", "id", ids):
            known.events[r["id"]] = r
        if codes or dossier_ids:
            code_list, id_list = sorted(codes) or [""], sorted(dossier_ids) or [""]
            rows = tx.all(
                "SELECT id, code, content_hash FROM dossiers"
                f" WHERE code IN ({_marks(code_list)}) OR id IN ({_marks(id_list)})",
                [*code_list, *id_list],
            )
            for r in rows:
                known.add_dossier(r)
        # FOR SHARE (PostgreSQL): an upload finishing one of these files waits for this batch
        # to commit and then sees its dossiers; one that finished first is seen here. Without
        # it, each side missed the other and a dossier could stay marked incomplete.
        lock = " ORDER BY sha256 FOR SHARE" if tx.engine == "postgresql" else ""
        for r in _select_in(tx, "SELECT sha256, size, state FROM blobs", "sha256", shas, lock):
            known.blobs[r["sha256"]] = r
        return known

    def _push_one(
        self,
        tx: Tx,
        device: Principal,
        event: Any,
        i: int,
        known: _Known,
        pending: _Writes | None,
    ) -> tuple[str, dict[str, Any] | None]:
        if not isinstance(event, dict):
            raise ApiError("bad_payload", f"events[{i}]: phải là một đối tượng JSON")
        event_id, kind, payload = event.get("id"), event.get("kind"), event.get("payload")
        if not isinstance(event_id, str) or not 8 <= len(event_id) <= 64:
            raise ApiError("bad_payload", f"events[{i}].id: thiếu mã sự kiện (UUIDv7)")
        if not isinstance(kind, str):
            raise ApiError("bad_payload", f"events[{i}].kind: thiếu loại sự kiện")
        if not isinstance(payload, dict):
            raise ApiError("bad_payload", f"events[{i}].payload: phải là một đối tượng JSON")
        entity_id = event.get("entity_id")
        payload_json = canonical(payload)
        phash = sha256_hex(event_hash_text(kind, entity_id, payload_json))
        old = known.events.get(event_id)
        if old is not None:
            self._flush(tx, pending)
            return self._again(tx, event_id, phash, old)
        if kind == P.SUBMITTED_KIND:
            dossier_id, rows, summary = self._submitted(
                device, event_id, entity_id, phash, payload, payload_json, known
            )
            if pending is not None and summary is not None:  # new: written with the others
                pending.extend(rows)
                known.events[event_id] = {"payload_hash": phash, "dossier_id": dossier_id}
                known.add_new(rows.dossiers[0])
                return P.ACCEPTED, summary
            self._flush(tx, pending)
            return self._write_submission(tx, event_id, phash, dossier_id, rows, summary, known)
        self._flush(tx, pending)
        # other kinds are rare: each under a savepoint, undone alone when refused
        with tx.savepoint():
            fresh = tx.execute(
                "INSERT INTO events (id, device_id, kind, entity_id, payload_hash, received_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                [event_id, device.id, kind, entity_id, phash, utcnow()],
            )
            if not fresh:
                return self._again(tx, event_id, phash)
            if kind == P.RATING_KIND:
                dossier_id = self._rating(tx, device, entity_id, payload)
            elif kind.startswith(P.TRANSITION_PREFIX):
                dossier_id = self._transition(tx, device, kind, payload)
            else:
                raise ApiError("unknown_kind", f"Loại sự kiện không được hỗ trợ: {kind[:60]!r}")
            tx.execute("UPDATE events SET dossier_id = ? WHERE id = ?", [dossier_id, event_id])
        known.events[event_id] = {"payload_hash": phash, "dossier_id": dossier_id}
        return P.ACCEPTED, self._summary(tx, dossier_id)

    def _again(
        self, tx: Tx, event_id: str, phash: str, old: Mapping[str, Any] | None = None
    ) -> tuple[str, dict[str, Any] | None]:
        """An event id the server has seen: a duplicate, or ``id_reused`` for other content."""
        if old is None:
            old = tx.one("SELECT payload_hash, dossier_id FROM events WHERE id = ?", [event_id])
            assert old is not None
        if old["payload_hash"] != phash:
            raise ApiError("id_reused", f"Mã sự kiện {event_id} đã được dùng cho nội dung khác")
        return P.DUPLICATE, self._summary(tx, old["dossier_id"])

    def _summary(self, tx: Tx, dossier_id: str | None) -> dict[str, Any] | None:
        if dossier_id is None:
            return None
        d = tx.one("SELECT code, status, complete FROM dossiers WHERE id = ?", [dossier_id])
        if d is None:
            return None
        return {
            "code": d["code"],
            "status": d["status"],
            "complete": bool(d["complete"]),
            "missing_attachments": self._missing(tx, dossier_id),
        }

    def _missing(self, tx: Tx, dossier_id: str) -> list[str]:
        rows = tx.all(
            "SELECT DISTINCT da.sha256 FROM dossier_attachments da LEFT JOIN blobs b"
            " ON b.sha256 = da.sha256 AND b.state = 'complete'"
            " WHERE da.dossier_id = ? AND b.sha256 IS NULL ORDER BY da.sha256",
            [dossier_id],
        )
        return [r["sha256"] for r in rows]

    def _recheck(self, tx: Tx, dossier_id: str) -> None:
        complete = 0 if self._missing(tx, dossier_id) else 1
        tx.execute("UPDATE dossiers SET complete = ? WHERE id = ?", [complete, dossier_id])

    def _check_attachments(self, items: Any, where: str) -> list[dict[str, Any]]:
        """Attachment entries checked for shape and size limit (before anything is written)."""
        if not isinstance(items, list):
            raise ApiError("bad_payload", f"{where}: phải là một danh sách")
        for j, a in enumerate(items):
            w = f"{where}[{j}]"
            if not isinstance(a, dict):
                raise ApiError("bad_payload", f"{w}: phải là một đối tượng")
            sha, size = a.get("sha256"), a.get("size")
            if not isinstance(sha, str) or not SHA256_RE.match(sha):
                raise ApiError("bad_payload", f"{w}.sha256: không phải mã băm sha256 (hex thường)")
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise ApiError("bad_payload", f"{w}.size: phải là số byte")
            if size > self.max_attachment:
                raise ApiError(
                    "too_large", f"{w}: tệp {size} byte vượt giới hạn {self.max_attachment} byte"
                )
        return items

    def _attachments(self, tx: Tx, dossier_id: str, items: Any, where: str, at: str) -> None:
        for j, a in enumerate(self._check_attachments(items, where)):
            w = f"{where}[{j}]"
            sha, size = a["sha256"], a["size"]
            blob = tx.one("SELECT size FROM blobs WHERE sha256 = ?", [sha])
            if blob is not None and int(blob["size"]) != size:
                raise ApiError("length_mismatch", f"{w}.size: khác kích thước tệp đã nhận")
            name = str(a.get("name") or sha[:12])[:200]
            tx.execute(
                "INSERT INTO dossier_attachments (dossier_id, sha256, name, size, mime, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_id, sha256, name) DO NOTHING",
                [dossier_id, sha, name, size, str(a.get("mime") or "")[:100], at],
            )

    def _submitted(
        self,
        device: Principal,
        event_id: str,
        entity_id: Any,
        phash: str,
        p: dict[str, Any],
        payload_json: bytes,
        known: _Known,
    ) -> tuple[str, _Writes, dict[str, Any] | None]:
        """Check a submission completely (nothing is written): its dossier id, the rows that
        store it, and its summary (None: the same dossier came before under another event
        id, so only the event row is new)."""
        from kiosk_app.core.codes import CodeError, parse_code

        def text(name: str, limit: int = 200) -> str:
            v = p.get(name)
            if not isinstance(v, str) or not v or len(v) > limit:
                raise ApiError("bad_payload", f"payload.{name}: thiếu hoặc không hợp lệ")
            return v

        dossier_id, code = text("id", 64), text("code", 40)
        try:
            parsed = parse_code(code)
        except CodeError as exc:
            raise ApiError("bad_payload", f"payload.code: {exc}") from None
        code = str(parsed)
        if parsed.agency_id != device.agency_id:
            raise ApiError(
                "wrong_agency",
                f"Hồ sơ {code} thuộc cơ quan {parsed.agency_id}; thiết bị này chỉ được gửi hồ sơ "
                f"của {device.agency_id}",
            )
        slot = device.slot or 0
        if not slot * 1000 < parsed.seq <= slot * 1000 + 999:
            raise ApiError(
                "wrong_slot", f"Số thứ tự {parsed.seq:04d} không thuộc khe {slot} của thiết bị"
            )
        procedure, catalog_version = text("procedure", 16), text("catalog_version", 40)
        received = _parse_time(p.get("received_at"), "payload.received_at")
        appointment = p.get("appointment_at")
        if appointment is not None:
            _parse_time(appointment, "payload.appointment_at")
        status = p.get("status")
        if status not in (1, 2):
            raise ApiError("bad_payload", "payload.status: hồ sơ mới phải ở trạng thái 1 hoặc 2")
        channel = p.get("channel")
        if channel not in CHANNELS:
            raise ApiError("bad_payload", f"payload.channel: phải là một trong {CHANNELS}")
        if not isinstance(p.get("answers"), dict):
            raise ApiError("bad_payload", "payload.answers: phải là một đối tượng")
        if not isinstance(p.get("documents"), list):
            raise ApiError("bad_payload", "payload.documents: phải là một danh sách")
        attachments = self._check_attachments(p.get("attachments", []), "payload.attachments")
        content_hash = text("content_hash", 64)
        content = {
            "code": p["code"],
            "procedure": procedure,
            "catalog_version": catalog_version,
            "answers": p["answers"],
            "documents": p["documents"],
            "received_at": p["received_at"],
            "attachments": sorted(a["sha256"] for a in attachments),
        }
        if sha256_hex(canonical(content)) != content_hash:
            raise ApiError(
                "content_hash_mismatch",
                f"Nội dung hồ sơ {code} không khớp mã băm (dữ liệu bị thay đổi trên đường truyền?)",
            )
        same = known.by_code.get(code)
        if same is not None:
            if same["id"] != dossier_id or same["content_hash"] != content_hash:
                raise ApiError("code_conflict", f"Mã hồ sơ {code} đã được dùng cho hồ sơ khác")
        elif dossier_id in known.by_id:
            raise ApiError("code_conflict", f"Hồ sơ {dossier_id} đã có với mã khác")
        # the files already held (another dossier may list the same scan): sizes must agree,
        # and a dossier is complete when every file it lists is complete
        shas = sorted({a["sha256"] for a in attachments})
        for j, a in enumerate(attachments):
            blob = known.blobs.get(a["sha256"])
            if blob is not None and int(blob["size"]) != a["size"]:
                raise ApiError(
                    "length_mismatch", f"payload.attachments[{j}].size: khác kích thước tệp đã nhận"
                )
        missing = [sha for sha in shas if (known.blobs.get(sha) or {}).get("state") != "complete"]
        now = utcnow()
        rows = _Writes()
        rows.events.append(
            (event_id, device.id, P.SUBMITTED_KIND, entity_id, phash, dossier_id, now)
        )
        if same is not None:
            return dossier_id, rows, None
        rows.dossiers.append(
            (
                dossier_id,
                code,
                parsed.agency_id,
                device.commune,
                device.id,
                procedure,
                catalog_version,
                channel,
                status,
                received.isoformat(),
                appointment,
                content_hash,
                0 if missing else 1,
                payload_json.decode(),
                now,
                now,
            )
        )
        seen: set[tuple[str, str]] = set()
        for a in attachments:
            name = str(a.get("name") or a["sha256"][:12])[:200]
            if (a["sha256"], name) not in seen:
                seen.add((a["sha256"], name))
                mime = str(a.get("mime") or "")[:100]
                rows.attachments.append((dossier_id, a["sha256"], name, a["size"], mime, now))
        rows.history.append((_uuid7(), dossier_id, status, appointment, received.isoformat()))
        summary = {
            "code": code,
            "status": status,
            "complete": not missing,
            "missing_attachments": missing,
        }
        return dossier_id, rows, summary

    def _write_submission(
        self,
        tx: Tx,
        event_id: str,
        phash: str,
        dossier_id: str,
        rows: _Writes,
        summary: dict[str, Any] | None,
        known: _Known,
    ) -> tuple[str, dict[str, Any] | None]:
        """Write one checked submission now; the unique indexes decide against other pushes."""
        if not tx.execute(_EVENT_SQL, rows.events[0]):
            # another push committed this event id since _prefetch; nothing was written
            return self._again(tx, event_id, phash)
        known.events[event_id] = {"payload_hash": phash, "dossier_id": dossier_id}
        if summary is None:  # the same dossier again under a new event id
            return P.DUPLICATE, self._summary(tx, dossier_id)
        if not tx.execute(_DOSSIER_SQL, rows.dossiers[0]):
            # a concurrent push of the same code or dossier id committed first
            tx.execute("DELETE FROM events WHERE id = ?", [event_id])
            del known.events[event_id]
            raise ApiError("unavailable", "Hồ sơ đang được ghi bởi yêu cầu khác; thử lại")
        known.add_new(rows.dossiers[0])
        tx.executemany(_ATTACHMENT_SQL, rows.attachments)
        tx.executemany(_HISTORY_SQL, rows.history)
        return P.ACCEPTED, summary

    def _rating(self, tx: Tx, device: Principal, entity_id: Any, p: dict[str, Any]) -> None:
        """Store a satisfaction rating; it concerns no dossier (the statistics issue counts
        them per commune). Only what the kiosk's rating row holds: no person."""
        from kiosk_app.core.ratings import CHANNELS, REASONS

        level, reasons, at = p.get("level"), p.get("reasons", []), p.get("at")
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
            raise ApiError("bad_payload", "payload.level: mức hài lòng từ 1 đến 5")
        if not isinstance(reasons, list) or any(r not in REASONS for r in reasons):
            raise ApiError("bad_payload", "payload.reasons: lý do không hợp lệ")
        if p.get("channel") not in CHANNELS:
            raise ApiError("bad_payload", "payload.channel: kênh đánh giá không hợp lệ")
        if not isinstance(at, str) or not isinstance(entity_id, str) or p.get("id") != entity_id:
            raise ApiError("bad_payload", "payload.id, payload.at: thiếu mã hoặc thời điểm")
        if p.get("agency_id") not in (None, device.agency_id):
            raise ApiError("wrong_agency", "Đánh giá không thuộc cơ quan của thiết bị")
        code = p.get("dossier_code")
        if code is not None and (
            not isinstance(code, str) or not code.upper().startswith(f"{device.agency_id}-")
        ):
            raise ApiError("wrong_agency", "Đánh giá gắn với hồ sơ của cơ quan khác")
        tx.execute(
            "INSERT INTO ratings (id, device_id, agency_id, commune_code, rated_at, level,"
            " reasons, dossier_code, channel, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [
                entity_id,
                device.id,
                device.agency_id,
                device.commune,
                at,
                level,
                json.dumps(reasons, ensure_ascii=False),
                code.upper() if code else None,
                p["channel"],
                utcnow(),
            ],
        )
        return None

    def _transition(self, tx: Tx, device: Principal, kind: str, p: dict[str, Any]) -> str:
        from kiosk_app.core.dossier import LifecycleError

        code = p.get("code")
        if not isinstance(code, str):
            raise ApiError("bad_payload", "payload.code: thiếu mã hồ sơ")
        d = tx.one("SELECT id, agency_id, status FROM dossiers WHERE code = ?", [code.upper()])
        if d is None:
            if not code.upper().startswith(f"{device.agency_id}-"):
                raise ApiError("wrong_agency", f"Hồ sơ {code} không thuộc cơ quan của thiết bị")
            raise ApiError("unknown_dossier", f"Máy chủ chưa có hồ sơ {code}")
        if d["agency_id"] != device.agency_id:
            raise ApiError("wrong_agency", f"Hồ sơ {code} không thuộc cơ quan của thiết bị")
        src, dst = p.get("from"), p.get("to")
        if not isinstance(src, int) or not isinstance(dst, int):
            raise ApiError("bad_payload", "payload.from, payload.to: phải là mã trạng thái (số)")
        try:
            t = self.states.check(src, dst, "commune")
        except LifecycleError as exc:
            raise ApiError("illegal_transition", str(exc)) from None
        if kind != f"{P.TRANSITION_PREFIX}{t.event}":
            raise ApiError("bad_payload", f"Loại sự kiện {kind!r} không khớp bước '{t.event}'")
        if d["status"] != src:
            cur = self.states.status(d["status"]).vi
            raise ApiError(
                "status_conflict",
                f"Hồ sơ {code} trên máy chủ đang ở trạng thái '{cur}', không phải "
                f"'{self.states.status(src).vi}'",
                extra={"server_status": d["status"]},
            )
        data = p.get("data") or {}
        if not isinstance(data, dict):
            raise ApiError("bad_payload", "payload.data: phải là một đối tượng")
        at = _parse_time(p.get("at"), "payload.at").isoformat()
        appointment = data.get("appointment_at")
        if appointment is not None:
            _parse_time(appointment, "payload.data.appointment_at")
        now = utcnow()
        if "attachments" in data:
            self._attachments(tx, d["id"], data["attachments"], "payload.data.attachments", now)
        tx.execute(
            "UPDATE dossiers SET status = ?, appointment_at = COALESCE(?, appointment_at),"
            " updated_at = ? WHERE id = ?",
            [dst, appointment, now, d["id"]],
        )
        event_id = p.get("event_id") if isinstance(p.get("event_id"), str) else _uuid7()
        reason = data.get("reason")
        tx.execute(
            "INSERT INTO status_history (id, dossier_id, event, from_status, to_status, origin,"
            " note, appointment_at, at) VALUES (?, ?, ?, ?, ?, 'commune', ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [
                event_id,
                d["id"],
                t.event,
                src,
                dst,
                str(reason)[:500] if reason else None,
                appointment,
                at,
            ],
        )
        self._recheck(tx, d["id"])
        return d["id"]

    # ============================================================== attachments
    def _expected_size(self, tx: Tx, who: Principal, sha: str) -> int:
        if not SHA256_RE.match(sha):
            raise ApiError("bad_request", "Mã băm phải là sha256, 64 chữ số hex viết thường")
        row = tx.one(
            "SELECT da.size FROM dossier_attachments da JOIN dossiers d ON d.id = da.dossier_id"
            " WHERE da.sha256 = ? AND d.agency_id = ? LIMIT 1",
            [sha, who.agency_id],
        )
        if row is None:
            raise ApiError(
                "attachment_not_expected",
                "Chưa có hồ sơ nào của cơ quan này kèm tệp này; hãy gửi hồ sơ trước",
            )
        return int(row["size"])

    def attachment_status(self, who: Principal, sha: str) -> dict[str, Any]:
        with self.db.tx(write=False) as tx:
            size = self._expected_size(tx, who, sha)
            blob = tx.one("SELECT size, state FROM blobs WHERE sha256 = ?", [sha])
        if blob is not None and blob["state"] == "complete":
            return {"sha256": sha, "state": "complete", "offset": blob["size"], "size": size}
        offset = self.blobs.offset(sha)
        return {
            "sha256": sha,
            "state": "partial" if blob is not None or offset else "absent",
            "offset": offset,
            "size": size,
        }

    def upload(
        self, who: Principal, sha: str, offset: int | None, length: int | None, chunk: bytes
    ) -> dict[str, Any]:
        with self.db.tx(write=False) as tx:
            size = self._expected_size(tx, who, sha)
            blob = tx.one("SELECT size, state FROM blobs WHERE sha256 = ?", [sha])
        if blob is not None and blob["state"] == "complete":
            return {"sha256": sha, "state": "complete", "offset": blob["size"], "size": size}
        if offset is None:
            raise ApiError("bad_request", f"Thiếu tiêu đề {P.UPLOAD_OFFSET}")
        if length is None:
            length = size
        if length > self.max_attachment:
            raise ApiError("too_large", f"Tệp vượt giới hạn {self.max_attachment} byte")
        if length != size:
            raise ApiError(
                "length_mismatch", f"{P.UPLOAD_LENGTH} {length} khác kích thước hồ sơ khai ({size})"
            )
        if len(chunk) > self.max_chunk:
            raise ApiError("too_large", f"Mỗi phần tải lên tối đa {self.max_chunk} byte")
        with self.blobs.lock(sha):
            have = self.blobs.offset(sha)
            if offset != have:
                raise ApiError(
                    "offset_mismatch",
                    f"Máy chủ đang có {have} byte của tệp này; tiếp tục từ đó",
                    extra={"offset": have},
                    headers={P.UPLOAD_OFFSET: str(have)},
                )
            if offset + len(chunk) > length:
                raise ApiError("bad_request", f"Phần tải lên vượt quá {P.UPLOAD_LENGTH}")
            if blob is None:
                with self.db.tx() as tx:
                    tx.execute(
                        "INSERT INTO blobs (sha256, size, state, created_at)"
                        " VALUES (?, ?, 'partial', ?) ON CONFLICT (sha256) DO NOTHING",
                        [sha, length, utcnow()],
                    )
            new_offset = self.blobs.append(sha, offset, chunk) if chunk else have
            if new_offset < length:
                return {"sha256": sha, "state": "partial", "offset": new_offset, "size": length}
            if not self.blobs.finish(sha):
                with self.db.tx() as tx:
                    tx.execute("DELETE FROM blobs WHERE sha256 = ? AND state = 'partial'", [sha])
                log.warning("attachment %s failed its sha256 check; partial data dropped", sha)
                raise ApiError(
                    "sha256_mismatch",
                    "Tệp nhận được không khớp mã băm; hãy gửi lại từ đầu",
                    extra={"offset": 0},
                    headers={P.UPLOAD_OFFSET: "0"},
                )
            with self.db.tx() as tx:
                tx.execute(
                    "UPDATE blobs SET state = 'complete', completed_at = ? WHERE sha256 = ?",
                    [utcnow(), sha],
                )
                ids = [
                    r["dossier_id"]
                    for r in tx.all(
                        "SELECT DISTINCT dossier_id FROM dossier_attachments WHERE sha256 = ?",
                        [sha],
                    )
                ]
                # Two files of one dossier finishing at once: without the row lock each
                # transaction saw the other's file as missing (READ COMMITTED) and the dossier
                # stayed incomplete. Locked, the second re-reads after the first commits.
                tx.lock_rows("dossiers", ids)
                for dossier_id in sorted(ids):
                    self._recheck(tx, dossier_id)
        log.info("attachment %s complete (%d bytes)", sha, length)
        return {"sha256": sha, "state": "complete", "offset": length, "size": length}

    def attachment_path(self, sha: str) -> Path:
        if not SHA256_RE.match(sha):
            raise ApiError("bad_request", "Mã băm phải là sha256, 64 chữ số hex viết thường")
        path = self.blobs.complete(sha)
        if not path.is_file():
            raise ApiError("not_found", "Máy chủ chưa có đủ tệp này")
        return path

    # ============================================================== back office
    def list_dossiers(
        self,
        *,
        commune: str | None = None,
        agency_id: str | None = None,
        status: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        where, params = [], []
        for col, value in (("commune", commune), ("agency_id", agency_id), ("status", status)):
            if value is not None:
                where.append(f"{col} = ?")
                params.append(value)
        sql = (
            "SELECT id, code, commune, agency_id, procedure_code, channel, status, received_at,"
            " appointment_at, complete, updated_at FROM dossiers"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY n"
        )
        if limit:
            sql += " LIMIT ?"
            params.append(int(limit))
        with self.db.tx(write=False) as tx:
            rows = tx.all(sql, params)
            atts: dict[str, list[str]] = {}
            for r in tx.all(
                "SELECT dossier_id, sha256 FROM dossier_attachments ORDER BY dossier_id, sha256"
            ):
                atts.setdefault(r["dossier_id"], []).append(r["sha256"])
        for r in rows:
            r["complete"] = bool(r["complete"])
            r["status_label"] = self.states.status(r["status"]).vi
            r["attachments"] = sorted(set(atts.get(r["id"], [])))
        return rows

    def dossier(self, code: str, *, personal: bool = True) -> dict[str, Any]:
        with self.db.tx(write=False) as tx:
            d = tx.one("SELECT * FROM dossiers WHERE code = ?", [code.strip().upper()])
            if d is None:
                raise ApiError("not_found", f"Không có hồ sơ {code}")
            d["complete"] = bool(d["complete"])
            d["status_label"] = self.states.status(d["status"]).vi
            payload = json.loads(d.pop("payload"))
            d["attachments"] = tx.all(
                "SELECT da.sha256, da.name, da.size, da.mime, COALESCE(b.state, 'absent') AS state"
                " FROM dossier_attachments da LEFT JOIN blobs b ON b.sha256 = da.sha256"
                " WHERE da.dossier_id = ? ORDER BY da.added_at, da.name",
                [d["id"]],
            )
            d["missing_attachments"] = self._missing(tx, d["id"])
            d["history"] = tx.all(
                "SELECT id, event, from_status, to_status, origin, actor, note, appointment_at, at"
                " FROM status_history WHERE dossier_id = ? ORDER BY at, id",
                [d["id"]],
            )
            proc = tx.one("SELECT name_vi FROM procedures WHERE code = ?", [d["procedure_code"]])
        d["procedure_name"] = proc["name_vi"] if proc else None
        if personal:
            d["content"] = payload
        return d

    def advance(
        self,
        code: str,
        to: int | str,
        *,
        note: str | None = None,
        actor: str | None = None,
        appointment_at: str | None = None,
    ) -> dict[str, Any]:
        """A back-office (province) move; the lifecycle decides; writes a status-feed entry."""
        from kiosk_app.core.dossier import LifecycleError

        try:
            target = self.states.status(int(to) if str(to).isdigit() else to)
        except LifecycleError as exc:
            raise ApiError("bad_request", str(exc)) from None
        if appointment_at is not None:
            appointment_at = _parse_time(appointment_at, "appointment_at").isoformat()
        now = utcnow()
        with self.db.tx() as tx:
            d = tx.one(
                "SELECT id, code, commune, status, appointment_at FROM dossiers WHERE code = ?",
                [code.strip().upper()],
            )
            if d is None:
                raise ApiError("not_found", f"Không có hồ sơ {code}")
            try:
                t = self.states.check(d["status"], target.code, "province")
            except LifecycleError as exc:
                raise ApiError(
                    "illegal_transition",
                    str(exc),
                    extra={
                        "allowed": [
                            self.states.status(x.target).id
                            for x in self.states.allowed(d["status"], "province")
                        ]
                    },
                ) from None
            tx.execute(
                "UPDATE dossiers SET status = ?, appointment_at = COALESCE(?, appointment_at),"
                " updated_at = ? WHERE id = ?",
                [target.code, appointment_at, now, d["id"]],
            )
            event_id = _uuid7()
            tx.execute(
                "INSERT INTO status_history (id, dossier_id, event, from_status, to_status,"
                " origin, actor, note, appointment_at, at)"
                " VALUES (?, ?, ?, ?, ?, 'province', ?, ?, ?, ?)",
                [
                    event_id,
                    d["id"],
                    t.event,
                    d["status"],
                    target.code,
                    actor,
                    note,
                    appointment_at,
                    now,
                ],
            )
            entry = {
                "event_id": event_id,
                "dossier_id": d["id"],
                "code": d["code"],
                "event": t.event,
                "from": d["status"],
                "to": target.code,
                "status_label": target.vi,
                "at": now,
                "appointment_at": appointment_at or d["appointment_at"],
                "note": note,
            }
            self.feed_put(tx, "status", f"c:{d['commune']}", event_id, entry)
        log.info("dossier %s: %s (%s → %s)", d["code"], t.event, d["status"], target.code)
        return entry

    # ============================================================== publishing
    def publish_catalog(self, folder: Path) -> dict[str, Any]:
        """Validate a catalogue folder with kiosk_app.core.catalog and publish it."""
        from kiosk_app.core.catalog import validate_catalog

        folder = Path(folder)
        if not folder.is_dir():
            raise ApiError("bad_request", f"{folder}: không phải thư mục")
        problems = validate_catalog(folder)
        if problems:
            raise ApiError(
                "bad_payload",
                "Danh mục có lỗi, chưa công bố",
                extra={"problems": [str(p) for p in problems]},
            )
        from kiosk_app.core.catalog import load_catalog

        catalog = load_catalog(folder)
        # the layouts kiosk_app.core.catalog reads: a resources root with procedures/ and
        # forms/, or the procedures folder itself with forms/ beside it
        if (folder / "catalog.yaml").is_file() and not (folder / "procedures").is_dir():
            proc_dir, forms_dir = folder, folder.parent / "forms"
        else:
            proc_dir, forms_dir = folder / "procedures", folder / "forms"
        files: dict[str, str] = {}
        for prefix, root in (("procedures", proc_dir), ("forms", forms_dir)):
            for path in sorted(root.rglob("*.yaml")):
                rel = path.relative_to(root).as_posix()
                files[f"{prefix}/{rel}"] = path.read_text(encoding="utf-8")
        digest = sha256_hex(canonical(files))
        version = str(catalog.version)
        now = utcnow()
        with self.db.tx() as tx:
            have = tx.one("SELECT sha256 FROM catalog_versions WHERE version = ?", [version])
            if have is not None:
                if have["sha256"] == digest:
                    return {"version": version, "sha256": digest, "status": "unchanged"}
                raise ApiError(
                    "code_conflict",
                    f"Phiên bản danh mục {version} đã công bố với nội dung khác; hãy tăng version",
                )
            tx.execute(
                "INSERT INTO catalog_versions (version, sha256, published_at, files)"
                " VALUES (?, ?, ?, ?)",
                [version, digest, now, _dumps(files)],
            )
            for proc in catalog.procedures.values():
                name = proc.name.vi if hasattr(proc.name, "vi") else str(proc.name)
                tx.execute(
                    "INSERT INTO procedures (code, name_vi, catalog_version) VALUES (?, ?, ?)"
                    " ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi,"
                    " catalog_version = excluded.catalog_version",
                    [proc.code, name, version],
                )
            self.feed_put(
                tx,
                "catalog",
                "*",
                "catalog",
                {"version": version, "published_at": now, "sha256": digest, "files": files},
            )
        return {
            "version": version,
            "sha256": digest,
            "status": "published",
            "procedures": len(catalog.procedures),
            "files": len(files),
        }

    def publish_calendar(self, paths: Iterable[Path]) -> list[dict[str, Any]]:
        """Validate override files with kiosk_app.core.calendar, then publish them (all or none)."""
        from kiosk_app.core.calendar import CalendarDataError, load_override_file

        files = []
        for path in paths:
            path = Path(path)
            for p in sorted(path.glob("*.yaml")) if path.is_dir() else [path]:
                try:
                    parsed = load_override_file(p)
                except CalendarDataError as exc:
                    raise ApiError("bad_payload", str(exc)) from None
                files.append((p, parsed))
        if not files:
            raise ApiError("bad_request", "Không có tệp lịch nào (<năm>.yaml)")
        out = []
        now = utcnow()
        with self.db.tx() as tx:
            for path, parsed in files:
                content = path.read_text(encoding="utf-8")
                digest = sha256_hex(content.encode())
                year, version = int(parsed.year), str(parsed.version)
                if tx.one(
                    "SELECT 1 AS x FROM calendar_files WHERE year = ? AND sha256 = ?",
                    [year, digest],
                ):
                    out.append({"year": year, "version": version, "status": "unchanged"})
                    continue
                tx.execute(
                    "INSERT INTO calendar_files (year, sha256, version, published_at)"
                    " VALUES (?, ?, ?, ?)",
                    [year, digest, version, now],
                )
                self.feed_put(
                    tx,
                    "calendar",
                    "*",
                    str(year),
                    {
                        "year": year,
                        "version": version,
                        "sha256": digest,
                        "file": f"{year}.yaml",
                        "content": content,
                    },
                )
                out.append({"year": year, "version": version, "status": "published"})
        return out

    def set_setting(self, name: str, value: Any, scope: str = "*") -> dict[str, Any]:
        if not re.fullmatch(r"[a-z][a-z0-9_.]{0,63}", name or ""):
            raise ApiError("bad_request", "Tên thiết lập: chữ thường, số, '_' hoặc '.'")
        if scope != "*" and not re.fullmatch(r"[cad]:.{1,64}", scope):
            raise ApiError("bad_request", f"Phạm vi không hợp lệ: {scope!r}")
        now = utcnow()
        with self.db.tx() as tx:
            tx.execute(
                "INSERT INTO settings (name, scope, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name, scope) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                [name, scope, _dumps(value), now],
            )
            self.feed_put(
                tx, "settings", scope, name, {"name": name, "value": value, "scope": scope}
            )
        return {"name": name, "value": value, "scope": scope, "updated_at": now}

    # ============================================================== receipt lookup
    def lookup(self, code: str) -> dict[str, Any] | None:
        """What the public lookup page may show: only the receipt's own fields + status."""
        with self.db.tx(write=False) as tx:
            d = tx.one(
                "SELECT code, procedure_code, status, received_at, appointment_at, content_hash,"
                " updated_at FROM dossiers WHERE code = ?",
                [code.upper()],
            )
            if d is None:
                return None
            proc = tx.one("SELECT name_vi FROM procedures WHERE code = ?", [d["procedure_code"]])
        st = self.states.status(d["status"])
        return {
            "code": d["code"],
            "procedure": d["procedure_code"],
            "procedure_name": proc["name_vi"] if proc else None,
            "status": st.code,
            "status_label": st.vi,
            "final": st.final,
            "received_at": d["received_at"],
            "appointment_at": d["appointment_at"],
            "updated_at": d["updated_at"],
            "content_hash": d["content_hash"],
        }
