"""Who is submitting: the applicant's person block picked out of a form's answers.

Every declaration form names the person submitting in a top-level ``requester`` person field
(the catalogue's convention); forms without one fall back to the first person-shaped answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

APPLICANT_FIELD = "requester"


def person_block(form: Any, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """The applicant's person dict from ``answers`` (None when the answers hold no person)."""
    value = answers.get(APPLICANT_FIELD)
    if isinstance(value, Mapping) and value.get("full_name"):
        return dict(value)
    for v in answers.values():
        if isinstance(v, Mapping) and v.get("full_name"):
            return dict(v)
    return None


def format_address(value: Any) -> str:
    """One line for an address answer: detail, commune, province (names from admin units)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        return ""
    parts = [str(value.get("detail") or "").strip()]
    try:
        from kiosk_app.core import admin_units

        commune = admin_units.commune(value["commune"]) if value.get("commune") else None
        province = admin_units.province(value["province"]) if value.get("province") else None
        parts += [commune.name if commune else "", province.name if province else ""]
    except (KeyError, LookupError):
        parts += [str(value.get("commune") or ""), str(value.get("province") or "")]
    if value.get("country") and value.get("country") != "VN":
        parts.append(str(value["country"]))
    line = ", ".join(p for p in parts if p)
    return line or str(value.get("legacy") or "")


def extract(form: Any, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Name, ID number, phone and one-line address of the applicant, for indexes and receipts."""
    person = person_block(form, answers) or {}
    return {
        "full_name": person.get("full_name") or "",
        "id_number": person.get("id_number") or None,
        "phone": person.get("phone") or answers.get(f"{APPLICANT_FIELD}_phone") or None,
        "address": format_address(person.get("residence")) or None,
    }
