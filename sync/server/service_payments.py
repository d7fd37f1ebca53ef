"""The province's payment confirmations: a fee paid by bank transfer or online, confirmed by the
province's payment system, recorded on the dossier and published to its commune in the
``payments`` feed (a mixin of :class:`sync.server.service.Service`; docs/sync-protocol.md
"Payments").

Idempotent by (dossier, reference): the same confirmation again changes nothing and answers the
stored one; the same reference with another amount, method or time is refused (conflict).
"""

from __future__ import annotations

from typing import Any

from sync.server import stats_facts
from sync.server.db import IntegrityError, utcnow
from sync.server.service_common import ApiError, _parse_time, _uuid7, log

METHODS = ("transfer", "online")


def check_confirmation(
    amount: Any, method: Any, reference: Any, paid_at: Any
) -> tuple[int, str, str, str]:
    """The confirmation's fields checked (ApiError bad_request, in Vietnamese, otherwise)."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ApiError("bad_request", "amount: số tiền (đồng) phải là số nguyên dương")
    if method not in METHODS:
        raise ApiError("bad_request", f"method: phải là một trong {', '.join(METHODS)}")
    if not isinstance(reference, str) or not reference.strip() or len(reference) > 100:
        raise ApiError("bad_request", "reference: mã giao dịch (1–100 ký tự) là bắt buộc")
    when = _parse_time(paid_at, "paid_at").isoformat()
    return amount, method, reference.strip(), when


class PaymentsMixin:
    """Recording payment confirmations and publishing them to the communes."""

    def record_payment(
        self,
        code: str,
        *,
        amount: Any,
        method: Any,
        reference: Any,
        paid_at: Any,
        actor: str | None = None,
    ) -> dict[str, Any]:
        """Record a confirmation for dossier ``code`` and publish it (one transaction)."""
        amount, method, reference, paid_at = check_confirmation(amount, method, reference, paid_at)
        now = utcnow()
        with self.db.tx() as tx:
            d = tx.one(
                "SELECT id, code, commune FROM dossiers WHERE code = ?", [str(code).strip().upper()]
            )
            if d is None:
                raise ApiError("not_found", f"Không có hồ sơ {code}")
            tx.lock_rows("dossiers", [d["id"]])
            old = tx.one(
                "SELECT id, amount, method, paid_at FROM payments"
                " WHERE dossier_id = ? AND reference = ?",
                [d["id"], reference],
            )
            if old is not None:
                same = (int(old["amount"]), old["method"]) == (amount, method) and (
                    stats_facts.micros(old["paid_at"]) == stats_facts.micros(paid_at)
                )
                if not same:
                    raise ApiError(
                        "code_conflict",
                        f"Mã giao dịch {reference} đã ghi cho hồ sơ {d['code']} với nội dung khác",
                    )
                return self._payment_entry(d, old["id"], amount, method, reference, old["paid_at"])
            payment_id = _uuid7()
            try:
                tx.execute(
                    "INSERT INTO payments (id, dossier_id, amount, method, reference, paid_at,"
                    " recorded_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [payment_id, d["id"], amount, method, reference, paid_at, now, actor],
                )
            except IntegrityError:
                raise ApiError("unavailable", "Đang ghi cùng giao dịch; thử lại") from None
            stats_facts.refresh(tx, [d["id"]])
            entry = self._payment_entry(d, payment_id, amount, method, reference, paid_at)
            self.feed_put(tx, "payments", f"c:{d['commune']}", payment_id, entry)
        log.info("dossier %s: payment %s confirmed (%s)", d["code"], reference, method)
        return entry

    @staticmethod
    def _payment_entry(
        d: dict[str, Any], payment_id: str, amount: int, method: str, reference: str, paid_at: str
    ) -> dict[str, Any]:
        return {
            "payment_id": payment_id,
            "dossier_id": d["id"],
            "code": d["code"],
            "amount": int(amount),
            "method": method,
            "reference": reference,
            "paid_at": paid_at,
        }
