"""Identity checks for form values: ID numbers and phone numbers.

They go through ``kiosk_app.core.identity`` (``check_id_number``, ``normalize_phone``); while
that module is missing a minimal built-in check is used, so the form engine works alone.
"""

from __future__ import annotations

import re
from typing import Any

from kiosk_app.core.form_messages import ID_MESSAGES, MSG
from kiosk_app.core.text import Text

__all__ = ["normalize_phone", "check_id"]


def _identity() -> Any:
    try:
        from kiosk_app.core import identity
    except ImportError:
        return None
    return identity


def _as_text(msg: Any) -> Text:
    if isinstance(msg, Text):
        return msg
    vi = getattr(msg, "vi", None)
    if isinstance(vi, str):
        return Text(vi, str(getattr(msg, "en", vi)))
    return Text(str(msg), str(msg))


def _fallback_phone(value: str) -> str | None:
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if re.fullmatch(r"0[35789]\d{8}", digits) else None


def normalize_phone(value: str) -> str | None:
    """``0xxxxxxxxx`` for a valid Vietnamese mobile number, else None."""
    ident = _identity()
    if ident is not None and hasattr(ident, "normalize_phone"):
        return ident.normalize_phone(value)
    return _fallback_phone(value)


def check_id(value: str, accept: tuple[str, ...]) -> tuple[bool, list[Text], list[Text], str]:
    """``(ok, errors, warnings, normalised)`` for an ID number of one of the ``accept`` kinds."""
    ident = _identity()
    if ident is not None and hasattr(ident, "check_id_number"):
        res = ident.check_id_number(value, accept=accept)
        return (
            bool(res.ok),
            [_as_text(e) for e in res.errors],
            [_as_text(w) for w in res.warnings],
            res.normalized or value,
        )
    v = re.sub(r"[\s.\-]", "", value).upper()
    ok = (
        ("cccd" in accept and re.fullmatch(r"\d{12}", v) is not None)
        or ("cmnd" in accept and re.fullmatch(r"\d{9}|\d{12}", v) is not None)
        or ("passport" in accept and re.fullmatch(r"[A-Z0-9]{6,9}", v) is not None)
    )
    errors = [] if ok else [ID_MESSAGES.get(accept, MSG["id_number"])]
    return ok, errors, [], v
