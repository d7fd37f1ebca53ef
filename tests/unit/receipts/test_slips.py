"""Mẫu 02 (supplement), refusal and apology slips: extra data printed, checked, QR readable."""

from __future__ import annotations

import pytest

from kiosk_app.receipts.errors import ReceiptArgumentError
from kiosk_app.receipts.render import render_pdf

from .conftest import SIGNED_LIKE, flat, needs_poppler, page_texts, rasterise, submit

pytestmark = needs_poppler

CASES = {
    "mau02": (
        {
            "missing": ["Bản sao Giấy khai sinh của con", "Ảnh 4×6 của người yêu cầu"],
            "reason": "Hồ sơ thiếu giấy tờ chứng minh quan hệ",
        },
        [
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "1. Bản sao Giấy khai sinh của con",
            "2. Ảnh 4×6 của người yêu cầu",
            "Lý do: Hồ sơ thiếu giấy tờ chứng minh quan hệ",
            "NGƯỜI HƯỚNG DẪN",
        ],
    ),
    "refusal": (
        {"reason": "Yêu cầu không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã"},
        [
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "Yêu cầu không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã",
        ],
    ),
    "apology": (
        {
            "reason": "Cần xác minh tình trạng hôn nhân tại nơi cư trú trước đây",
            "new_appointment": "2025-03-20T16:00:00+07:00",
        },
        [
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "Cần xác minh tình trạng hôn nhân tại nơi cư trú trước đây",
            "16 giờ 00 phút, ngày 20 tháng 3 năm 2025",
            "17 giờ 00 phút, ngày 17 tháng 3 năm 2025",
            "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        ],
    ),
}


@pytest.mark.parametrize(
    ("kind", "paper"), [("mau02", "a4"), ("refusal", "a5"), ("apology", "a4"), ("apology", "a5")]
)
def test_slip_prints_the_extra_data_and_the_dossier(kiosk, tmp_path, decoded, kind, paper):
    code = submit(kiosk, "1.004873")
    extra, expected = CASES[kind]
    pdf = render_pdf(kiosk, code, kind=kind, paper=paper, extra=extra, qr_text=SIGNED_LIKE)
    pages = page_texts(pdf, tmp_path)
    text = flat(" ".join(pages))
    for value in [
        *expected,
        code,
        "Nguyễn Văn An",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "Nam Đông, ngày 12 tháng 3 năm 2025",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]:
        assert value in text, value
    zxing, zbar = decoded(rasterise(pdf, tmp_path, 150)[0])
    assert zxing == [SIGNED_LIKE] and zbar == [SIGNED_LIKE]


def test_slip_reprint_mark(kiosk, tmp_path):
    code = submit(kiosk)
    pdf = render_pdf(kiosk, code, kind="refusal", extra={"reason": "x"}, reprint=True)
    assert "(Bản in lại)" in page_texts(pdf, tmp_path)[0]


@pytest.mark.parametrize(
    ("kind", "extra", "message"),
    [
        ("mau02", {}, "danh sách giấy tờ cần bổ sung"),
        ("mau02", {"missing": ["  "]}, "danh sách giấy tờ cần bổ sung"),
        ("refusal", {"reason": ""}, "lý do"),
        ("apology", {"reason": "trễ"}, "ngày hẹn trả mới"),
        ("apology", {"reason": "trễ", "new_appointment": "20/03/2025"}, "không hợp lệ"),
        ("refusal", {"reason": "x", "new_appointment": "2025-03-20"}, "không dùng"),
    ],
)
def test_missing_or_unknown_extra_is_refused(kiosk, kind, extra, message):
    code = submit(kiosk)
    with pytest.raises(ReceiptArgumentError, match=message):
        render_pdf(kiosk, code, kind=kind, extra=extra)


def test_apology_slip_shows_the_missed_appointment_after_it_was_recorded(
    kiosk, tmp_path, monkeypatch
):
    """Printed after ``Aftercare.apologise`` stored the new appointment: the slip still says
    which appointment was missed (from the apology event), and the new one."""
    from datetime import datetime

    from kiosk_app.core.aftercare import Aftercare
    from kiosk_app.core.intake import VN_TZ

    code = submit(kiosk, "1.004873")  # received Wed 12/3, due Mon 17/3 17:00
    monkeypatch.setattr(kiosk.intake, "clock", lambda: datetime(2025, 3, 18, 9, 0, tzinfo=VN_TZ))
    new = datetime(2025, 3, 20, 16, 0, tzinfo=VN_TZ)
    Aftercare.for_kiosk(kiosk).apologise(code, new, "Cần xác minh thêm", actor="c1")
    assert kiosk.intake.lookup(code).dossier["appointment_at"] == new.isoformat()
    extra = {"reason": "Cần xác minh thêm", "new_appointment": new.isoformat()}
    text = flat(
        " ".join(page_texts(render_pdf(kiosk, code, kind="apology", extra=extra), tmp_path))
    )
    assert "17 giờ 00 phút, ngày 17 tháng 3 năm 2025" in text  # the missed one
    assert "16 giờ 00 phút, ngày 20 tháng 3 năm 2025" in text  # the new one
    # the receipt itself (a reprint) shows the appointment in force
    mau01 = flat(" ".join(page_texts(render_pdf(kiosk, code, reprint=True), tmp_path)))
    assert "ngày 20 tháng 3 năm 2025" in mau01
