"""Use-cases of the self-service kiosk that the intake does not have (no Qt here):

- a citizen's unfinished kiosk drafts are personal data left behind: :func:`discard_draft`
  deletes one (idle wipe, "start over"), :func:`discard_kiosk_drafts` every kiosk draft (start
  of the kiosk shell: a power cut must not leave the last citizen's answers in the store);
- :func:`resolve_code` turns what a citizen typed (``250312-1001``, ``2503121001`` or a
  whole code) into a dossier code of this office;
- :func:`citizen_status` is what the "check my dossier" screen may show: procedure, status,
  dates — no name, no ID number, no answers (anyone can type a code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk_app.store import drafts

_SUFFIX = re.compile(r"(\d{6})-?(\d{4})")
_FULL = re.compile(r"[0-9A-Z.]+-\d{6}-\d{4}")


def discard_draft(intake: Any, draft_id: str | None) -> None:
    """Delete a kiosk draft (one transaction); unknown ids and desk drafts are left alone."""
    if not draft_id:
        return
    with intake.store.write() as db:
        row = drafts.get(db, draft_id)
        if row is not None and row["channel"] == "kiosk":
            drafts.delete(db, draft_id)


def discard_kiosk_drafts(intake: Any) -> int:
    """Delete every draft started at the kiosk; returns how many."""
    with intake.store.write() as db:
        ids = [r["id"] for r in drafts.unfinished(db, limit=10_000) if r["channel"] == "kiosk"]
        for draft_id in ids:
            drafts.delete(db, draft_id)
    return len(ids)


def resolve_code(text: str, agency_id: str) -> str | None:
    """The dossier code meant by ``text``, or None when it cannot be one.

    ``250312-1001`` / ``2503121001`` → ``<agency_id>-250312-1001``; a whole code is kept
    (upper-cased, spaces removed).
    """
    t = "".join((text or "").split()).upper()
    if not t:
        return None
    m = _SUFFIX.fullmatch(t)
    if m:
        return f"{agency_id}-{m.group(1)}-{m.group(2)}"
    if _FULL.fullmatch(t):
        return t
    return None


@dataclass(frozen=True)
class CitizenStatus:
    code: str
    procedure_code: str
    procedure_name: str
    status: int
    status_label: str
    final: bool
    received_at: datetime
    appointment_at: datetime | None


def citizen_status(kiosk: Any, code: str, lang: str = "vi") -> CitizenStatus | None:
    """What a citizen may see of dossier ``code`` (None when there is none)."""
    view = kiosk.intake.lookup(code)
    if view is None:
        return None
    d = view.dossier
    proc = kiosk.catalog.procedures.get(d["procedure_code"])
    states = kiosk.states
    s = states.statuses.get(d["status"])
    label = (s.en if lang == "en" else s.vi) if s else str(d["status"])
    appt = d.get("appointment_at")
    return CitizenStatus(
        code=d["code"],
        procedure_code=d["procedure_code"],
        procedure_name=proc.name.get(lang) if proc else d["procedure_code"],
        status=int(d["status"]),
        status_label=label,
        final=bool(s.final) if s else False,
        received_at=datetime.fromisoformat(d["received_at"]),
        appointment_at=datetime.fromisoformat(appt) if appt else None,
    )
