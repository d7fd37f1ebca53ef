"""Normalisation of typed-in form values to their stored JSON form, per field type.

``normalize_value(field, value)`` coerces a value (``"01/02/2020"`` → ``"2020-02-01"``,
``"1.000 đ"`` → ``1000``, ``"có"`` → ``True``); a value that cannot be coerced is returned
unchanged (trimmed) so validation can report it. Idempotent. Empty text becomes ``None``.
``parse_date_input(value)`` is the date part, shared with definition checks;
``coerce_computed(value, value_type)`` types a computed field's result.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from kiosk_app.core.form_fields import Field
from kiosk_app.core.form_identity import check_id, normalize_phone

__all__ = ["normalize_value", "parse_date_input", "coerce_computed", "storable_text"]

_DATE_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2})\s*[:hH]\s*(\d{2})?\s*(?:p|phút)?")
_GROUPED = re.compile(r"-?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_MONEY_SUFFIX = re.compile(r"\s*(?:đồng|đ|vnđ|vnd|₫)\s*$", re.IGNORECASE)


def parse_date_input(value: Any) -> str | None:
    """ISO date from ``DD/MM/YYYY`` (also ``.`` or ``-``), ``YYYY-MM-DD`` or a ``date``."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if not isinstance(value, str):
        return None
    s = value.strip()
    m = _DATE_DMY.fullmatch(s)
    parts = (m.group(3), m.group(2), m.group(1)) if m else None
    if parts is None and (m := _DATE_ISO.fullmatch(s)):
        parts = (m.group(1), m.group(2), m.group(3))
    if parts is None:
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        return None


def _parse_int(value: Any, money: bool) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if not isinstance(value, str):
        return value
    s = value.strip().replace("\u00a0", " ").replace(" ", "")
    if money:
        s = _MONEY_SUFFIX.sub("", s)
    if re.fullmatch(r"[-+]?\d+", s):
        return int(s)
    if _GROUPED.fullmatch(s):
        return int(re.sub(r"[.,]", "", s))
    return value.strip()


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable_text(s: str) -> str:
    """``s`` with every lone surrogate replaced by U+FFFD: half an emoji pasted from a broken
    source, or a file name read with surrogateescape (not UTF-8 on disk), cannot be stored as
    UTF-8 and would make a submission fail."""
    return _SURROGATE.sub("\ufffd", s)


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", storable_text(s))


def _text(value: Any, single_line: bool) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return value
    s = _nfc(value)
    s = " ".join(s.split()) if single_line else s.replace("\r\n", "\n").strip()
    return s or None


def normalize_value(field: Field, value: Any) -> Any:
    """Stored form of ``value`` for ``field`` (see the module docstring). Idempotent."""
    t = field.type
    if value is None:
        return None
    if isinstance(value, str) and value.strip() == "" and t not in ("person", "repeat"):
        return None
    if t in ("text", "choice", "email", "id_number", "phone"):
        value = _text(value, single_line=True)
        if not isinstance(value, str):
            return value
        if t == "text" and field.uppercase:
            value = value.upper()
        elif t == "email":
            value = value.lower()
        elif t == "phone":
            value = normalize_phone(value) or value
        elif t == "id_number":
            ok, _, _, normalized = check_id(value, field.accept)
            value = normalized if ok else value
        return value
    if t == "long_text":
        return _text(value, single_line=False)
    if t in ("integer", "money"):
        return _parse_int(value, money=t == "money")
    if t == "boolean":
        if isinstance(value, str):
            key = _nfc(value.strip().lower())
            if key in ("true", "yes", "có", "co", "1", "x"):
                return True
            if key in ("false", "no", "không", "khong", "0"):
                return False
        if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
            return bool(value)
        return value
    if t == "date":
        return parse_date_input(value) or (value.strip() if isinstance(value, str) else value)
    if t == "time":
        if isinstance(value, str) and (m := _TIME.fullmatch(value.strip())):
            h, mnt = int(m.group(1)), int(m.group(2) or 0)
            if h < 24 and mnt < 60:
                return f"{h:02d}:{mnt:02d}"
        return value.strip() if isinstance(value, str) else value
    if t == "multi_choice":
        if isinstance(value, list):
            return [_text(v, single_line=True) for v in value]
        return value
    if t == "address":
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for key, width in (("province", 2), ("commune", 5)):
            v = out.get(key)
            if isinstance(v, int) and not isinstance(v, bool):
                out[key] = str(v).zfill(width)
            elif isinstance(v, str):
                out[key] = v.strip() or None
        for key in ("detail", "legacy"):
            if key in out:
                out[key] = _text(out[key], single_line=True)
        if isinstance(out.get("country"), str):
            out["country"] = out["country"].strip().upper() or None
        return out
    if t == "person":
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for sub in field.fields:
            if sub.id in out:
                out[sub.id] = normalize_value(sub, out[sub.id])
        return out
    if t == "repeat":
        if not isinstance(value, list):
            return value
        return [
            {
                k: (normalize_value(field.child(k), v) if field.child(k) else v)
                for k, v in item.items()
            }
            if isinstance(item, dict)
            else item
            for item in value
        ]
    return value


def coerce_computed(value: Any, value_type: str | None) -> Any:
    """A computed field's value as its ``value_type`` (None when it cannot be)."""
    if value is None or value_type in (None, "any"):
        return value
    try:
        if value_type in ("integer", "money"):
            if isinstance(value, bool):
                return int(value)
            return int(round(value)) if isinstance(value, (int, float)) else None
        if value_type == "number":
            return (
                value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
            )
        if value_type == "text":
            return value if isinstance(value, str) else str(value)
        if value_type == "boolean":
            return bool(value)
        if value_type == "date":
            return date.fromisoformat(str(value)[:10]).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None
    return value
