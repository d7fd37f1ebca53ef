"""Names every part of the server's use-cases shares: :class:`ApiError`, :class:`Principal`,
token prefixes and the small hashing, JSON and time helpers."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync import protocol as P

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
    role: str | None = None  # operators: province_admin, province_viewer, commune_officer

    @property
    def scopes(self) -> list[str]:
        return ["*", f"c:{self.commune}", f"a:{self.agency_id}", f"d:{self.id}"]
