"""Mẫu 01 in A4 and A5: every heading in order, the dossier's own values, two copies, the QR."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from kiosk_app.receipts.errors import DossierNotFoundError, ReceiptArgumentError, ReceiptError
from kiosk_app.receipts.render import render_pdf

from .conftest import (
    SIGNED_LIKE,
    URL_LIKE,
    flat,
    needs_poppler,
    page_texts,
    pdf_text,
    rasterise,
    submit,
    update_stored,
)

pytestmark = needs_poppler

# Written out here, not read from wording.yaml: a wording file that lost a heading must fail.
HEADINGS = [
    "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "Mã hồ sơ:",
    "Tra cứu hồ sơ",
    "Đường dây nóng:",
    "Bộ phận tiếp nhận và trả kết quả:",
    "Tiếp nhận hồ sơ của:",
    "Số định danh cá nhân",
    "Địa chỉ:",
    "Số điện thoại:",
    "Email:",
    "Nội dung yêu cầu giải quyết:",
    "1. Thành phần hồ sơ nộp gồm:",
    "Tên loại giấy tờ",
    "Số lượng",
    "2. Số lượng hồ sơ:",
    "3. Thời gian giải quyết hồ sơ theo quy định",
    "4. Thời gian nhận hồ sơ:",
    "5. Thời gian trả kết quả giải quyết hồ sơ:",
    "6. Đăng ký nhận kết quả tại:",
    "Phí, lệ phí:",
    "Vào Sổ theo dõi hồ sơ",
    "NGƯỜI NỘP HỒ SƠ",
    "(Ký và ghi rõ họ tên)",
    "NGƯỜI TIẾP NHẬN HỒ SƠ",
    "được lập thành 02 liên",
]


@pytest.fixture
def hotline_kiosk(kiosk):
    from dataclasses import replace

    kiosk.office = replace(kiosk.office, hotline="0234 3876 543")
    return kiosk


@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_every_heading_in_order_with_the_stored_values(hotline_kiosk, tmp_path: Path, paper):
    code = submit(hotline_kiosk)
    pdf = render_pdf(hotline_kiosk, code, paper=paper, qr_text=SIGNED_LIKE)
    pages = page_texts(pdf, tmp_path)
    assert len(pages) == 2  # one page per copy for an ordinary dossier
    assert "Liên 1: Lưu hồ sơ" in pages[0] and "Liên 2" not in pages[0]
    assert "Liên 2: Giao người nộp" in pages[1] and "Liên 1" not in pages[1]
    for page in pages:
        text = flat(page)
        assert unicodedata.is_normalized("NFC", text)
        positions = [text.find(h) for h in HEADINGS]
        assert -1 not in positions, [h for h, p in zip(HEADINGS, positions, strict=True) if p < 0]
        assert positions == sorted(positions), "parts out of the DOMAIN.md order"
        for value in (
            code,
            "UBND XÃ NAM ĐÔNG",
            "Nam Đông, ngày 12 tháng 3 năm 2025",
            "UBND xã Nam Đông",
            "Nguyễn Văn An",
            "001090012345",
            "Số 1, thôn Nam Đông, Xã Nam Đông, Thành phố Huế",
            "0912345678",
            "Chứng thực chữ ký trong các giấy tờ, văn bản (mã thủ tục 2.000884)",
            "Giấy tờ, văn bản sẽ ký",
            "Bản chính",
            "2. Số lượng hồ sơ: 01 (bộ)",
            "Trong ngày",
            "4. Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 12 tháng 3 năm 2025",
            "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 12 tháng 3 năm 2025",
            "Qua dịch vụ bưu chính công ích",
            "10.000 đồng",
            "Chuyển khoản",
            "0234 3876 543",
            "dichvucong.gov.vn",
        ):
            assert value in text, value
        assert "Bản in lại" not in text


@pytest.mark.parametrize(("paper", "qr_text"), [("a4", SIGNED_LIKE), ("a5", URL_LIKE)])
def test_qr_decodes_to_qr_text_with_two_decoders(kiosk, tmp_path, decoded, paper, qr_text):
    code = submit(kiosk)
    pdf = render_pdf(kiosk, code, paper=paper, qr_text=qr_text)
    for page in (1, 2):  # each copy carries the QR
        png = rasterise(pdf, tmp_path / str(page), 150, first=page, last=page)[0]
        zxing, zbar = decoded(png)
        assert zxing == [qr_text]
        assert zbar == [qr_text]


def test_placeholder_qr_is_the_dossier_code(kiosk, tmp_path, decoded):
    code = submit(kiosk)
    png = rasterise(render_pdf(kiosk, code, paper="a5"), tmp_path, 150)[0]
    assert decoded(png) == ([code], [code])


def test_reprint_is_marked_on_every_page_and_free_fee_has_no_payment(kiosk, tmp_path):
    code = submit(kiosk, "1.001193")
    pages = page_texts(render_pdf(kiosk, code, reprint=True), tmp_path)
    assert all("(Bản in lại)" in p and p.count("Bản in lại") >= 2 for p in pages)
    text = flat(pages[0])
    assert "Phí, lệ phí: Miễn phí" in text and "Hình thức nộp" not in text
    assert "Đăng ký khai sinh" in text and "Giấy chứng sinh" in text


def test_rendered_from_the_store_not_a_stale_copy(kiosk, tmp_path):
    code = submit(kiosk)
    kiosk.intake.lookup(code).dossier["applicant_name"] = "Tên trên màn hình"
    update_stored(kiosk, code, applicant_phone="0987654321")
    text = flat(pdf_text(render_pdf(kiosk, code), tmp_path))
    assert "Tên trên màn hình" not in text
    assert "0987654321" in text


def test_kiosk_dossier_without_appointment_and_nfd_input(kiosk, tmp_path):
    code = submit(kiosk, channel="kiosk")
    nfd = unicodedata.normalize("NFD", "Phạm Thị Hường")
    update_stored(kiosk, code, applicant_name=nfd)
    text = flat(pdf_text(render_pdf(kiosk, code, paper="a5"), tmp_path))
    assert "Phạm Thị Hường" in text  # NFC on paper whatever the store held
    assert "Chưa hẹn" in text


def test_unknown_code_kind_and_paper_are_clear_errors(kiosk):
    with pytest.raises(DossierNotFoundError, match="Không tìm thấy hồ sơ") as err:
        render_pdf(kiosk, "000.00.06.H56-250312-9999")
    assert isinstance(err.value, ReceiptError)
    code = submit(kiosk)
    with pytest.raises(ReceiptArgumentError, match="Loại phiếu"):
        render_pdf(kiosk, code, kind="mau05")
    with pytest.raises(ReceiptArgumentError, match="Khổ giấy"):
        render_pdf(kiosk, code, paper="letter")
    with pytest.raises(ReceiptArgumentError, match="không nhận dữ liệu thêm"):
        render_pdf(kiosk, code, extra={"reason": "x"})


def test_every_catalogue_procedure_fits_one_a5_page_per_copy(hotline_kiosk, tmp_path):
    # the shipped A5 layout is tight: a wording or size change that spills a copy onto a
    # second page for an ordinary dossier should be a decision, not an accident
    for proc in sorted(hotline_kiosk.catalog.procedures):
        code = submit(hotline_kiosk, proc)
        pdf = render_pdf(hotline_kiosk, code, paper="a5", qr_text=SIGNED_LIKE)
        assert len(page_texts(pdf, tmp_path)) == 2, proc
