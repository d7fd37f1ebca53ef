"""Paying a dossier's fee by bank transfer: the office's account and its VietQR payment QR.

The office settings ``payment_bank_bin``, ``payment_account`` and ``payment_account_name``
(kiosk_app.config) name the account that receives fees; all three empty means no payment QR
anywhere. :func:`payment_qr_for` gives the VietQR payload (docs/vietqr.md) for the exact fee
with the dossier code as the transfer note; :func:`check_payment_settings` is the validation the
settings dialog shows (Vietnamese messages, reused by ``desk.validate_settings``). No Qt here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from kiosk_app.core import vietqr

BIN, ACCOUNT, ACCOUNT_NAME = "payment_bank_bin", "payment_account", "payment_account_name"
PAYMENT_SETTINGS = (BIN, ACCOUNT, ACCOUNT_NAME)
MAX_ACCOUNT_NAME = 70
# payment methods the intake records (ui/clerk/wizard_fee.PAYMENT_METHODS)
TRANSFER = "transfer"
# methods under which a receipt prints no payment QR: the fee is paid another way
PAID_ELSEWHERE = ("cash", "online")


@dataclass(frozen=True)
class Bank:
    """One entry of ``resources/lists/banks.yaml``: BIN, short name, full name."""

    bin: str
    short: str
    name: str


@cache
def banks() -> tuple[Bank, ...]:
    """The main banks with their BINs, in the file's order (state banks first)."""
    from kiosk_app.resources import load_yaml, resource_path

    data = load_yaml(resource_path("lists", "banks.yaml").read_text(encoding="utf-8"))
    return tuple(
        Bank(str(item["value"]), str(item["label"]["vi"]), str(item.get("name") or ""))
        for item in data["items"]
    )


def bank_name(bank_bin: str) -> str:
    """The short name of the bank with ``bank_bin`` ("VietinBank"), "" when not listed."""
    return next((b.short for b in banks() if b.bin == bank_bin), "")


def _get(settings: Any, name: str) -> str:
    get = settings.get if isinstance(settings, Mapping) else lambda n: getattr(settings, n, None)
    value = get(name)
    return " ".join(str(value or "").split())


def check_payment_settings(values: Any) -> tuple[dict[str, str], dict[str, str]]:
    """``(clean, issues)`` for the three payment settings of ``values`` (a settings mapping or
    an :class:`~kiosk_app.config.Office`). All empty is valid (no payment QR). Otherwise the
    bank's BIN, the account and the holder's name are all needed, and the pair must make a
    VietQR payload; ``issues`` maps a setting name to a Vietnamese message."""
    clean = {name: _get(values, name) for name in PAYMENT_SETTINGS}
    issues: dict[str, str] = {}
    if not any(clean.values()):
        return clean, issues
    if not clean[BIN]:
        issues[BIN] = "Chọn ngân hàng (mã BIN) của tài khoản nhận phí, lệ phí"
    else:
        try:
            vietqr.build(clean[BIN], "0")
        except vietqr.VietQRError as exc:
            issues[BIN] = str(exc)
    if not clean[ACCOUNT]:
        issues[ACCOUNT] = "Nhập số tài khoản nhận phí, lệ phí (hoặc để trống cả ba ô)"
    else:
        try:
            vietqr.build("970415", clean[ACCOUNT])
        except vietqr.VietQRError as exc:
            issues[ACCOUNT] = str(exc)
    name = clean[ACCOUNT_NAME]
    if not name:
        issues[ACCOUNT_NAME] = (
            "Nhập tên chủ tài khoản (người nộp đối chiếu tên này với tên ứng dụng ngân hàng hiện)"
        )
    elif len(name) > MAX_ACCOUNT_NAME:
        issues[ACCOUNT_NAME] = f"Tên chủ tài khoản dài {len(name)} ký tự, tối đa {MAX_ACCOUNT_NAME}"
    return clean, issues


def configured(settings: Any) -> bool:
    """True when ``settings`` name a usable account (all three settings valid)."""
    clean, issues = check_payment_settings(settings)
    return bool(clean[BIN]) and not issues


def payment_qr_for(office_settings: Any, fee: int, dossier_code: str) -> str | None:
    """The VietQR payload for paying ``fee`` đồng into the office's account with
    ``dossier_code`` as the transfer note; ``None`` when no account is configured (or the
    settings are not valid), the fee is 0, or there is no dossier code yet.

    ``office_settings``: the settings mapping (``Desk.office_settings``) or an
    :class:`~kiosk_app.config.Office`. Raises :class:`~kiosk_app.core.vietqr.VietQRError`
    when the fee or the code cannot go into a payload (over the NAPAS limit, a malformed code).
    """
    if not fee or fee <= 0 or not dossier_code or not configured(office_settings):
        return None
    return vietqr.build(
        _get(office_settings, BIN), _get(office_settings, ACCOUNT), int(fee), note=dossier_code
    )


def account_of(office_settings: Any) -> dict[str, str]:
    """What is shown beside the QR: ``account_name``, ``account``, ``bank_bin``, ``bank``
    (the short name, or the BIN when the bank is not listed)."""
    bank_bin = _get(office_settings, BIN)
    return {
        "account_name": _get(office_settings, ACCOUNT_NAME),
        "account": _get(office_settings, ACCOUNT),
        "bank_bin": bank_bin,
        "bank": bank_name(bank_bin) or bank_bin,
    }


def qr_modules(payload: str, border: int = 4) -> tuple[tuple[bool, ...], ...]:
    """The QR modules of ``payload`` (error correction M, ``border`` quiet modules), for
    drawing on screen; ~6 ms for a payment payload, so callers keep it off the GUI thread."""
    import qrcode
    import qrcode.constants

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    qr.add_data(payload)
    qr.make(fit=True)
    return tuple(tuple(bool(v) for v in row) for row in qr.get_matrix())
