"""The sync client's one error hierarchy (DESIGN.md "Errors"; docs/sync-protocol.md "Errors").

::

    SyncError                   anything that stopped a sync step; .code .message .klass
     ├── TransientError         network faults, timeouts, 429/5xx, ``unavailable``: retried
     │    │                     with jittered exponential backoff, never shown as a crash
     │    └── SyncBusy          another process (the app or ``motcua sync``) is syncing
     ├── PermanentError         400/403/404/413/415/422: the same request will fail again;
     │    │                     the server's Vietnamese reason is shown to the clerk
     │    ├── AuthError         401 other than ``token_expired``: revoked or unknown device;
     │    │                     syncing stops, the outbox is kept, the kiosk must re-enrol
     │    └── NotEnrolled       this data folder has no credential (``motcua enrol``)
     └── ConflictError          409: the server's state differs (upload offset, dossier
                                status): re-read it, then decide

``klass`` is the protocol's class name (``transient``, ``permanent``, ``conflict``; an
AuthError says ``auth``). The messages are the server's (Vietnamese) where there is one.
"""

from __future__ import annotations

import re
from typing import Any

from sync import protocol as P

_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_MESSAGE = 1000  # characters of a server's message kept in the report and the store


def clean_text(text: str, limit: int | None = MAX_MESSAGE) -> str:
    """``text`` storable as UTF-8 (lone surrogates, valid in JSON, become U+FFFD), cut to
    ``limit`` characters: a server's message ends up in the store and on the clerk's screen."""
    text = _SURROGATE.sub("\ufffd", text)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


class SyncError(Exception):
    klass = P.PERMANENT

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        status: int | None = None,
        detail: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        message, code = clean_text(str(message)), clean_text(str(code), 100)
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.detail = dict(detail or {})
        self.headers = dict(headers or {})

    def to_json(self) -> dict[str, Any]:
        out = {"code": self.code, "message": self.message, "class": self.klass}
        if self.status is not None:
            out["http_status"] = self.status
        return out


class TransientError(SyncError):
    klass = P.TRANSIENT

    @property
    def retry_after(self) -> float | None:
        value = self.headers.get("retry-after")
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None


class SyncBusy(TransientError):
    pass


class PermanentError(SyncError):
    klass = P.PERMANENT


class AuthError(PermanentError):
    klass = P.AUTH


class NotEnrolled(PermanentError):
    pass


class ConflictError(SyncError):
    klass = P.CONFLICT


_BY_CLASS: dict[str, type[SyncError]] = {
    P.TRANSIENT: TransientError,
    P.PERMANENT: PermanentError,
    P.AUTH: AuthError,
    P.CONFLICT: ConflictError,
}


def error_for(
    code: str,
    message: str,
    *,
    klass: str | None = None,
    status: int | None = None,
    detail: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> SyncError:
    """The exception for a protocol error (its class from the body, else from the code)."""
    cls = _BY_CLASS.get(klass or P.error_class(code), PermanentError)
    return cls(message, code=code, status=status, detail=detail, headers=headers)


def reason_class(reason: dict[str, Any]) -> str:
    """The class of a per-item rejection reason (``{"code", "message", "class"}``)."""
    return str(reason.get("class") or P.error_class(str(reason.get("code", ""))))
