"""Identity checks for form values, through :mod:`kiosk_app.core.identity`.

The form engine speaks :class:`Text`; this adapter turns identity's results into the
``(ok, errors, warnings, normalised)`` tuple the field checks use.
"""

from __future__ import annotations

from kiosk_app.core import identity
from kiosk_app.core.text import Text

__all__ = ["normalize_phone", "check_id"]


def normalize_phone(value: str) -> str | None:
    """``0xxxxxxxxx`` for a valid Vietnamese phone number, else None."""
    return identity.normalize_phone(value)


def check_id(value: str, accept: tuple[str, ...]) -> tuple[bool, list[Text], list[Text], str]:
    """``(ok, errors, warnings, normalised)`` for an ID number of one of the ``accept`` kinds."""
    res = identity.check_id_number(value, accept=accept)
    return bool(res.ok), list(res.errors), list(res.warnings), res.normalized or value
