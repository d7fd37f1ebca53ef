"""A fee paid without cash, confirmed by the province's payment system (the sync ``payments``
feed, docs/sync-protocol.md "Payments"): the dossier's ``payment`` records it and its timeline
shows it.

:func:`apply_confirmation` runs inside the caller's store write transaction (the sync client's,
together with the feed cursor) and is idempotent: a confirmation whose reference the dossier
already holds changes nothing. No Qt.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk_app.core.intake import VN_TZ
from kiosk_app.store import audit
from kiosk_app.store import dossiers as rows

EVENT_KIND = "payment_confirmed"
METHODS = ("transfer", "online")


class ConfirmationError(ValueError):
    """A confirmation that cannot be applied (the message says why, in Vietnamese)."""


def _vn(value: Any) -> str:
    if not isinstance(value, str):
        raise ConfirmationError("xác nhận thanh toán thiếu thời điểm nộp")
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise ConfirmationError(f"thời điểm nộp không hợp lệ: {value!r}") from None
    return (t if t.tzinfo else t.replace(tzinfo=VN_TZ)).astimezone(VN_TZ).isoformat()


def apply_confirmation(db: Any, dossier: dict[str, Any], confirmation: dict[str, Any]) -> bool:
    """Mark ``dossier``'s fee paid as ``confirmation`` says (``amount``, ``method``,
    ``reference``, ``paid_at``, ``payment_id``); True when something changed.

    The payment gains ``paid_at``, ``reference``, ``confirmed_by: "province"`` and the
    confirmed ``method`` (a different method the desk noted stays as ``desk_method``); a
    ``payment_confirmed`` event with origin ``province`` goes on the timeline, with an audit
    entry."""
    reference = confirmation.get("reference")
    method = confirmation.get("method")
    amount = confirmation.get("amount")
    if not isinstance(reference, str) or not reference:
        raise ConfirmationError("xác nhận thanh toán thiếu mã giao dịch")
    if method not in METHODS:
        raise ConfirmationError(f"hình thức thanh toán không hợp lệ: {method!r}")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ConfirmationError("số tiền đã nộp không hợp lệ")
    paid_at = _vn(confirmation.get("paid_at"))
    payment = dict(dossier.get("payment") or {})
    seen = payment.get("confirmations") or []
    if payment.get("reference") == reference or reference in seen:
        return False
    if payment.get("method") not in (None, method):  # what the desk noted, kept for the record
        payment["desk_method"] = payment["method"]
    payment.update(
        {
            "paid_at": paid_at,
            "reference": reference,
            "method": method,
            "confirmed_by": "province",
            "amount_paid": amount,
            "confirmations": [*seen, reference],
        }
    )
    rows.set_payment(db, dossier["id"], payment)
    rows.add_event(
        db,
        dossier["id"],
        kind=EVENT_KIND,
        at=paid_at,
        actor="province",
        origin="province",
        data={
            "amount": amount,
            "method": method,
            "reference": reference,
            "province_payment_id": confirmation.get("payment_id"),
        },
    )
    audit.append(
        db,
        at=paid_at,
        actor="province",
        action="dossier.payment_confirmed",
        entity=dossier["code"],
        data={"method": method, "amount": amount},
    )
    dossier["payment"] = payment
    return True
