"""The one entry point of the receipt renderers: :func:`render_pdf`.

Looks the dossier up in the store (``kiosk.intake.lookup``) — never screen state — builds its
:class:`~kiosk_app.receipts.model.ReceiptModel` and lays out the asked kind. Slow enough
(tens of ms) to belong off the GUI thread. Every failure is a
:class:`~kiosk_app.receipts.errors.ReceiptError` with a Vietnamese message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kiosk_app.core.intake import VN_TZ
from kiosk_app.receipts.errors import DossierNotFoundError, ReceiptArgumentError
from kiosk_app.receipts.layout import A_PAPERS, KINDS, ReceiptLayout, load_layout
from kiosk_app.receipts.model import ReceiptModel, build_model

SLIP_PAPER = "80mm"


def receipt_model(
    kiosk: Any,
    code: str,
    *,
    layout: ReceiptLayout | None = None,
    reprint: bool = False,
    extra: Mapping[str, str] | None = None,
    lookup_address: str | None = None,
    missed_appointment: bool = False,
) -> ReceiptModel:
    """The model of the stored dossier ``code``; :class:`DossierNotFoundError` if none.

    ``missed_appointment``: the appointment shown is the one the dossier's last apology
    replaced (the apology slip's "was due on"; the stored dossier already holds the new one,
    which the slip prints as its ``new_appointment``).
    """
    view = kiosk.intake.lookup(code)
    if view is None:
        raise DossierNotFoundError(code)
    if missed_appointment:
        view = _before_last_apology(view)
    layout = layout or load_layout()
    procedure = kiosk.catalog.procedures.get(view.dossier["procedure_code"])
    return build_model(
        view,
        kiosk.office,
        procedure,
        layout,
        reprint=reprint,
        extra=extra,
        lookup_address=lookup_address,
    )


def _before_last_apology(view: Any) -> Any:
    import dataclasses

    apologies = [e for e in view.events if e["kind"] == "apology"]
    old = (apologies[-1].get("data") or {}).get("previous_appointment_at") if apologies else None
    if not old:
        return view
    return dataclasses.replace(view, dossier={**view.dossier, "appointment_at": old})


def render_pdf(
    kiosk: Any,
    code: str,
    *,
    kind: str = "mau01",
    paper: str = "a4",
    reprint: bool = False,
    qr_text: str | None = None,
    extra: Mapping[str, Any] | None = None,
    layout: ReceiptLayout | None = None,
    lookup_address: str | None = None,
) -> bytes:
    """The PDF of one receipt or slip of the stored dossier ``code``.

    ``kind``: ``mau01`` (receipt, two copies), ``slip80`` (80 mm thermal; ``paper`` is then
    ignored, "80mm" accepted), ``mau02`` (request to supplement), ``refusal``, ``apology``.
    ``paper``: ``a4`` or ``a5`` for all kinds but ``slip80``. ``qr_text`` is what the QR
    encodes (the signed payload); ``None`` encodes just the dossier code. ``extra`` is the
    slips' data — see :mod:`kiosk_app.receipts.slips`. ``layout`` overrides the shipped one.
    ``lookup_address`` is the address printed for looking the dossier up (the QR's own).

    Raises :class:`DossierNotFoundError` for an unknown code, :class:`ReceiptArgumentError`
    for an unknown kind/paper or bad ``extra``, :class:`ReceiptLayoutError` for broken
    layout files, :class:`ReceiptFontError` without the shipped font — all ReceiptError.
    """
    if kind not in KINDS:
        raise ReceiptArgumentError(f"Loại phiếu không hợp lệ: {kind!r} (có: {', '.join(KINDS)})")
    paper = (paper or "").lower()
    if kind == "slip80":
        if paper not in ("", SLIP_PAPER, *A_PAPERS):
            raise ReceiptArgumentError(f"Phiếu 80 mm không in trên khổ {paper!r}")
    elif paper not in A_PAPERS:
        raise ReceiptArgumentError(f"Khổ giấy không hợp lệ: {paper!r} (có: {', '.join(A_PAPERS)})")
    layout = layout or load_layout()
    slip_data: dict[str, str] = {}
    if kind in ("mau02", "refusal", "apology"):
        from kiosk_app.receipts.slips import slip_values

        slip_data = slip_values(kind, extra or {}, layout)
    elif extra:
        raise ReceiptArgumentError(f"Phiếu {kind} không nhận dữ liệu thêm ({', '.join(extra)})")
    model = receipt_model(
        kiosk,
        code,
        layout=layout,
        reprint=reprint,
        extra=slip_data,
        lookup_address=lookup_address,
        missed_appointment=kind == "apology",
    )
    text = qr_text if qr_text else model.code
    if kind == "mau01":
        from kiosk_app.receipts.mau01 import render_mau01

        return render_mau01(model, layout, paper, text)
    if kind == "slip80":
        from kiosk_app.receipts.slip80 import render_slip80

        return render_slip80(model, layout, text)
    from kiosk_app.receipts.slips import render_slip

    today = _now(kiosk)
    return render_slip(kind, model, layout, paper, text, today, extra or {})


def _now(kiosk: Any) -> datetime:
    """The intake clock's now (tests pin it), in Vietnam time."""
    clock = getattr(getattr(kiosk, "intake", None), "clock", None)
    now = clock() if callable(clock) else datetime.now(VN_TZ)
    return now.astimezone(VN_TZ) if now.tzinfo else now.replace(tzinfo=VN_TZ)
