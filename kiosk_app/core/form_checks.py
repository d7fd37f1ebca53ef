"""Type-specific checks of normalised form values (the engine adds required/constraint).

``check_value(field, value, options, today, address_lists)`` returns ``(errors, warnings)``
as lists of ``(sub_path, code, Text)``; ``sub_path`` is appended to the field's path
(``".province"``, ``"[2]"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from kiosk_app.core.form_fields import ADDRESS_KEYS, ATTACHMENT_KEYS, Field, Option, is_empty
from kiosk_app.core.form_identity import check_id, normalize_phone
from kiosk_app.core.form_messages import MSG, show_date, size_text, vn_int
from kiosk_app.core.form_normalize import parse_date_input
from kiosk_app.core.text import Text

__all__ = ["check_value", "Found"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

Found = list[tuple[str, str, Text]]


def _resolve_date_bound(bound: Any, today: date) -> str | None:
    if bound is None:
        return None
    if bound == "today":
        return today.isoformat()
    return str(bound)


def _mime_ok(mime: str, accept: tuple[str, ...]) -> bool:
    if not accept:
        return True
    for pattern in accept:
        if pattern.endswith("/*") and mime.startswith(pattern[:-1]):
            return True
        if mime == pattern:
            return True
    return False


def check_value(
    field: Field,
    value: Any,
    options: Callable[[Field], list[Option] | None],
    today: date,
    address_lists: Callable[[str, str | None], list[Option] | None] | None = None,
) -> tuple[Found, Found]:
    """Type-specific checks of a non-empty normalised value (see the module docstring).

    ``options(field)`` gives the allowed options of a choice field, or None when they cannot
    be known (e.g. communes before a province is chosen). ``address_lists(name, filter)`` gives
    ``provinces``/``communes`` options, or None when there is no data.
    """
    errors: Found = []
    warnings: Found = []
    t = field.type

    def err(key: str, sub: str = "", **kw: Any) -> tuple[Found, Found]:
        errors.append((sub, key, MSG[key].format(**kw)))
        return errors, warnings

    if t in ("text", "long_text", "email"):
        if not isinstance(value, str):
            return err("text")
        if field.max_length is not None and len(value) > field.max_length:
            err("max_length", n=field.max_length)
        if field.pattern is not None and re.fullmatch(field.pattern, value) is None:
            err("pattern")
        if t == "email" and _EMAIL.fullmatch(value) is None:
            err("email")
    elif t in ("integer", "money"):
        if isinstance(value, bool) or not isinstance(value, int):
            return err(t)
        lo = field.min if field.min is not None else (0 if t == "money" else None)
        if lo is not None and value < lo:
            err("min", n=vn_int(lo))
        if field.max is not None and value > field.max:
            err("max", n=vn_int(field.max))
    elif t == "boolean":
        if not isinstance(value, bool):
            return err("boolean")
    elif t == "date":
        if not isinstance(value, str) or parse_date_input(value) != value:
            return err("date")
        lo = _resolve_date_bound(field.min, today)
        hi = _resolve_date_bound(field.max, today)
        if lo is not None and value < lo:
            err("date_min", d=show_date(lo))
        if hi is not None and value > hi:
            if field.max == "today":
                err("date_future")
            else:
                err("date_max", d=show_date(hi))
    elif t == "time":
        if not isinstance(value, str) or re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value) is None:
            return err("time")
        if field.min is not None and value < field.min:
            err("min", n=field.min)
        if field.max is not None and value > field.max:
            err("max", n=field.max)
    elif t == "choice":
        allowed = options(field)
        if not isinstance(value, str):
            return err("choice")
        if allowed is not None and value not in {o.value for o in allowed}:
            err("choice")
    elif t == "multi_choice":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return err("multi_choice")
        allowed = options(field)
        if allowed is not None:
            values = {o.value for o in allowed}
            for i, v in enumerate(value):
                if v not in values:
                    err("choice", f"[{i}]")
        if len(set(value)) != len(value):
            err("duplicate")
        if field.min is not None and len(value) < field.min:
            err("min_count", n=field.min)
        if field.max is not None and len(value) > field.max:
            err("max_count", n=field.max)
    elif t == "id_number":
        if not isinstance(value, str):
            return err("id_number")
        ok, errs, warns, _ = check_id(value, field.accept)
        if not ok:
            errors.extend(("", "id_number", e) for e in (errs or [MSG["id_number"]]))
        warnings.extend(("", "id_number", w) for w in warns)
    elif t == "phone":
        if not isinstance(value, str) or normalize_phone(value) != value:
            return err("phone")
    elif t == "address":
        _check_address(field, value, errors, address_lists)
    elif t == "attachment":
        _check_attachment(field, value, errors)
    elif t == "person":
        if not isinstance(value, dict):
            return err("person")
    elif t == "repeat":
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            return err("repeat")
        if field.min is not None and len(value) < field.min:
            err("repeat_min", n=field.min)
        if field.max is not None and len(value) > field.max:
            err("repeat_max", n=field.max)
    return errors, warnings


def _check_address(
    field: Field,
    value: Any,
    errors: Found,
    lists: Callable[[str, str | None], list[Option] | None] | None,
) -> None:
    if not isinstance(value, dict) or set(value) - ADDRESS_KEYS:
        errors.append(("", "address", MSG["address"]))
        return
    country = value.get("country")
    if field.country and country not in (None, "VN"):
        if not isinstance(country, str) or re.fullmatch(r"[A-Z]{2}", country) is None:
            errors.append((".country", "address", MSG["address"]))
        if is_empty(value.get("detail")):
            errors.append((".detail", "required", MSG["required"]))
        return
    if country not in (None, "VN"):
        errors.append((".country", "address", MSG["address"]))
        return
    province, commune = value.get("province"), value.get("commune")
    for key in ("province", "commune", "detail"):
        if is_empty(value.get(key)):
            errors.append((f".{key}", "required", MSG["required"]))
    if province is not None and (
        not isinstance(province, str) or re.fullmatch(r"\d{2}", province) is None
    ):
        errors.append((".province", "province", MSG["province"]))
        return
    if commune is not None and (
        not isinstance(commune, str) or re.fullmatch(r"\d{5}", commune) is None
    ):
        errors.append((".commune", "commune", MSG["commune"]))
        return
    if lists is None or province is None:
        return
    known = lists("provinces", None)
    if known and province not in {o.value for o in known}:
        errors.append((".province", "province", MSG["province"]))
        return
    if commune is not None:
        communes = lists("communes", province)
        if communes is not None and commune not in {o.value for o in communes}:
            errors.append((".commune", "commune", MSG["commune"]))


def _check_attachment(field: Field, value: Any, errors: Found) -> None:
    if not isinstance(value, dict) or set(value) - ATTACHMENT_KEYS:
        errors.append(("", "attachment", MSG["attachment"]))
        return
    sha, name, mime, size = (value.get(k) for k in ("sha256", "name", "mime", "size"))
    if not isinstance(sha, str) or re.fullmatch(r"[0-9a-f]{64}", sha) is None:
        errors.append((".sha256", "attachment", MSG["attachment"]))
    if not isinstance(name, str) or not name.strip():
        errors.append((".name", "attachment", MSG["attachment"]))
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        errors.append((".size", "attachment", MSG["attachment"]))
    elif field.max_size is not None and size > field.max_size:
        errors.append((".size", "max_size", MSG["max_size"].format(n=size_text(field.max_size))))
    if not isinstance(mime, str) or not _mime_ok(mime, field.accept):
        errors.append((".mime", "mime", MSG["mime"]))
