"""The VietQR payment block of Mẫu 01: printed with its own QR when a fee is due by transfer and
the office has a bank account, decoded from the rasterised page beside the signed lookup QR."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk_app.core import vietqr
from kiosk_app.receipts import qr_payload
from kiosk_app.receipts.render import receipt_model, render_pdf

from .conftest import decode_zxing, flat, needs_poppler, page_texts, rasterise, submit

pytestmark = needs_poppler

ACCOUNT = {
    "payment_bank_bin": "970415",
    "payment_account": "113366668888",
    "payment_account_name": "UBND XA NAM DONG",
}


@pytest.fixture
def bank_kiosk(kiosk):
    kiosk.office = replace(kiosk.office, **ACCOUNT)
    return kiosk


def _fee_code(kiosk, **kw) -> str:
    code = submit(kiosk, **kw)
    assert receipt_model(kiosk, code).fee > 0, "2.000884 must carry a fee for these tests"
    return code


@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_both_qr_codes_decode_payment_and_signed_lookup(bank_kiosk, tmp_path: Path, paper):
    code = _fee_code(bank_kiosk)
    fee = receipt_model(bank_kiosk, code).fee
    signed = qr_payload.qr_text_for(bank_kiosk, code)
    pdf = render_pdf(bank_kiosk, code, paper=paper, qr_text=signed)
    png = rasterise(pdf, tmp_path, 150)[0]
    found = decode_zxing(png)
    assert len(found) == 2, found
    payments = [t for t in found if t.startswith("000201")]
    assert len(payments) == 1
    parsed = vietqr.parse(payments[0])
    assert parsed["amount"] == fee and parsed["note"] == code
    assert (parsed["bank_bin"], parsed["account"]) == ("970415", "113366668888")
    assert parsed["dynamic"] is True
    (lookup,) = [t for t in found if t != payments[0]]
    assert lookup == signed
    assert qr_payload.parse(lookup).claims.code == code
    text = flat(page_texts(pdf, tmp_path)[0])
    assert "Mã QR thanh toán (VietQR)" in text
    assert f"Chuyển khoản đúng số tiền, nội dung: {code}" in text
    assert "UBND XA NAM DONG" in text and "VietinBank" in text and "113366668888" in text


def test_each_copy_carries_the_payment_block(bank_kiosk, tmp_path: Path):
    code = _fee_code(bank_kiosk)
    pages = page_texts(render_pdf(bank_kiosk, code), tmp_path)
    assert len(pages) == 2  # still one A4 page a copy
    assert all("Mã QR thanh toán (VietQR)" in flat(p) for p in pages)


@pytest.mark.parametrize(
    ("office", "kw"),
    [
        ({}, {}),  # no bank account configured
        (ACCOUNT, {"payment": {"method": "cash"}}),
        (ACCOUNT, {"payment": {"method": "online"}}),
        (ACCOUNT, {"payment": {"method": "transfer", "paid": True}}),
    ],
)
def test_no_block_without_an_account_or_when_paid_otherwise(kiosk, tmp_path, office, kw):
    kiosk.office = replace(kiosk.office, **office)
    code = _fee_code(kiosk, **kw)
    model = receipt_model(kiosk, code)
    assert model.payment_qr == ""
    pdf = render_pdf(kiosk, code, paper="a5")
    assert "VietQR" not in flat(page_texts(pdf, tmp_path)[0])
    assert decode_zxing(rasterise(pdf, tmp_path, 150)[0]) == [code]


def test_free_dossier_has_no_block(bank_kiosk, tmp_path):
    code = submit(bank_kiosk, "1.001193")
    assert receipt_model(bank_kiosk, code).payment_qr == ""
    assert "VietQR" not in flat(page_texts(render_pdf(bank_kiosk, code), tmp_path)[0])
