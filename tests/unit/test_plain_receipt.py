"""The plain receipt PDF is rendered from the stored dossier; its text is checked with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from kiosk_app.receipts import plain
from kiosk_app.receipts.plain import ReceiptFontError, plain_receipt_for

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
)


def _text(pdf: bytes, tmp_path: Path) -> str:
    src = tmp_path / "r.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(src), "-"],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    return unicodedata.normalize("NFC", out)


def _submit(kiosk, code: str) -> str:
    ex = kiosk.catalog.get(code).example_submission()
    return kiosk.intake.submit(
        code,
        ex["answers"],
        ex["documents"],
        delivery="post",
        payment={"method": "transfer"},
    ).code


def test_receipt_text_comes_from_the_stored_dossier(kiosk, tmp_path: Path) -> None:
    code = _submit(kiosk, "2.000884")
    pdf = plain_receipt_for(kiosk, code)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    assert code in text
    assert "Chứng thực chữ ký trong các giấy tờ, văn bản" in text
    assert "Nguyễn Văn An" in text
    assert "001090012345" in text
    assert "12/03/2025 09:30" in text  # received (the fixture's clock)
    assert "12/03/2025 17:00" in text  # same-day appointment
    assert "Giấy tờ, văn bản sẽ ký" in text and "bản chính" in text
    assert "10.000 đ" in text
    assert "Qua bưu chính" in text and "Chuyển khoản" in text
    assert "UBND xã Nam Đông" in text
    assert plain.REPRINT_MARK not in text


def test_reprint_is_marked_and_fee_free_shown(kiosk, tmp_path: Path) -> None:
    code = _submit(kiosk, "1.001193")
    text = _text(plain_receipt_for(kiosk, code, reprint=True), tmp_path)
    assert plain.REPRINT_MARK in text
    assert "Đăng ký khai sinh" in text
    assert "Miễn phí" in text
    assert "Giấy chứng sinh" in text


def test_receipt_uses_stored_data_not_later_screen_state(kiosk, tmp_path: Path) -> None:
    code = _submit(kiosk, "2.000815")
    view = kiosk.intake.lookup(code)
    view.dossier["applicant_name"] = "Tên trên màn hình"  # a stale copy must not matter
    text = _text(plain_receipt_for(kiosk, code), tmp_path)
    assert "Tên trên màn hình" not in text
    assert "Nguyễn Văn An" in text
    assert "2.000 đ" in text


def test_unknown_code_and_missing_font(kiosk, monkeypatch, tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        plain_receipt_for(kiosk, "000.00.06.H56-250312-9999")
    code = _submit(kiosk, "2.000884")
    monkeypatch.setitem(plain.FONT_FILES, plain.FONT_NAME, tmp_path / "missing.ttf")
    with pytest.raises(ReceiptFontError, match="fonts-dejavu-core"):
        plain_receipt_for(kiosk, code)


def test_time_and_money_formats() -> None:
    assert plain.format_vn_time("2025-03-12T02:30:00+00:00") == "12/03/2025 09:30"
    assert plain.format_vn_time(None) == ""
    assert plain.format_money(1_000_000) == "1.000.000 đ"
    assert plain.format_money(0) == "Miễn phí"


def test_empty_facts_are_left_out(kiosk, tmp_path: Path) -> None:
    code = _submit(kiosk, "2.000815")  # this form asks no address
    text = _text(plain_receipt_for(kiosk, code), tmp_path)
    assert "Địa chỉ" not in text
    assert "Điện thoại" in text and "0912345678" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")
def test_receipt_rasterises_to_one_inked_a4_page(kiosk, tmp_path: Path) -> None:
    src = tmp_path / "r.pdf"
    src.write_bytes(plain_receipt_for(kiosk, _submit(kiosk, "1.001193")))
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(src), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p*.pgm"))
    assert len(pages) == 1
    data = pages[0].read_bytes()
    magic, width, height, _maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    assert abs(int(height) / int(width) - 297 / 210) < 0.02  # A4 portrait
    dark = sum(1 for b in pixels if b < 128)
    assert 0.005 < dark / len(pixels) < 0.3  # text printed, not a blank or black page
