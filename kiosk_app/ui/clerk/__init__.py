"""The clerk's desk: shell, start screen, intake wizard, dossier desk, settings, receipts."""

from __future__ import annotations

from datetime import datetime

from kiosk_app.core.intake import VN_TZ


def format_time_short(iso: str | None) -> str:
    """``2025-03-12T09:30:00+07:00`` → ``09:30 12/03/2025`` in Vietnam time; "" for none."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")
    except ValueError:
        return iso
