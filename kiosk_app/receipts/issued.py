"""The receipt as handed to a citizen: the stored dossier laid out, with its signed QR.

Joins the renderers (:mod:`kiosk_app.receipts.render`) and the signature
(:mod:`kiosk_app.receipts.qr_payload`) behind the three formats an office prints:

- ``a4`` / ``a5``: the Mẫu 01 receipt, both copies ("Liên 1" stays with the dossier, "Liên 2"
  goes to the citizen) in ONE document — so it is printed once (``copies_for``);
- ``80mm``: the thermal slip of the self-service kiosk, one copy.

Slow (reportlab, a key read, ~50 ms): call it off the GUI thread. No Qt.
"""

from __future__ import annotations

from typing import Any

from kiosk_app.receipts.errors import ReceiptArgumentError, ReceiptError

FORMATS = ("a4", "a5", "80mm")
_KIND = {"a4": ("mau01", "a4"), "a5": ("mau01", "a5"), "80mm": ("slip80", "80mm")}


def copies_for(fmt: str) -> int:
    """How many copies to print of a format's document (Mẫu 01 already holds both liên)."""
    check_format(fmt)
    return 1


def check_format(fmt: str) -> str:
    """``fmt`` lower-cased if it is one of :data:`FORMATS`; ReceiptArgumentError otherwise."""
    value = (fmt or "").lower()
    if value not in _KIND:
        raise ReceiptArgumentError(
            f"Khổ phiếu không hợp lệ: {fmt!r} (chọn một trong: {', '.join(FORMATS)})"
        )
    return value


def receipt_pdf(kiosk: Any, code: str, *, fmt: str = "a4", reprint: bool = False) -> bytes:
    """The PDF of dossier ``code``'s receipt in ``fmt``, its QR signed by this device.

    Raises :class:`~kiosk_app.receipts.errors.ReceiptError` (Vietnamese message) for an
    unknown code, a bad format or anything the renderer or the signature refuses.
    """
    from kiosk_app.receipts import qr_payload
    from kiosk_app.receipts.render import render_pdf

    kind, paper = _KIND[check_format(fmt)]
    try:
        qr_text = qr_payload.qr_text_for(kiosk, code)
        with kiosk.store.read() as db:
            lookup = qr_payload.lookup_url_for(db)
    except qr_payload.DossierNotFound:
        from kiosk_app.receipts.errors import DossierNotFoundError

        raise DossierNotFoundError(code) from None
    except qr_payload.QrError as exc:
        raise ReceiptError(f"Không tạo được mã QR của giấy tiếp nhận: {exc}") from exc
    return render_pdf(
        kiosk,
        code,
        kind=kind,
        paper=paper,
        reprint=reprint,
        qr_text=qr_text,
        lookup_address=printed_address(lookup),
    )


def printed_address(lookup_url: str) -> str | None:
    """The QR's lookup URL as people read it: ``tracuu.motcua.example/r/`` (None = none)."""
    text = lookup_url.lower()
    for scheme in ("https://", "http://"):
        if text.startswith(scheme):
            text = text[len(scheme) :]
    return text or None
