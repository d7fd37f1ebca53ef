"""The clerk's desk: shell, start screen, intake wizard, dossier desk, settings, receipts."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from kiosk_app.core.intake import DOC_FORM_VI, VN_TZ


def doc_form_label(kind: str | None) -> str:
    """How a paper was handed in ("bản chính"…), in the interface's language (Qt translator).
    The stored value stays the catalogue's key; unknown keys are shown as they are."""
    labels = {
        "original": QCoreApplication.translate("DocForm", "bản chính"),
        "certified_copy": QCoreApplication.translate("DocForm", "bản sao chứng thực"),
        "photocopy": QCoreApplication.translate("DocForm", "bản photo"),
    }
    return labels.get(kind or "", DOC_FORM_VI.get(kind or "", kind or ""))


def fee_text(amount: int | None) -> str:
    """A fee as the desk shows it: ``"50.000 đ"``, or "Miễn phí" (translated) when free."""
    if not amount:
        return QCoreApplication.translate("Fee", "Miễn phí")
    from kiosk_app.ui.widgets.editors import format_money

    return format_money(int(amount))


def format_time_short(iso: str | None) -> str:
    """``2025-03-12T09:30:00+07:00`` → ``09:30 12/03/2025`` in Vietnam time; "" for none."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")
    except ValueError:
        return iso
