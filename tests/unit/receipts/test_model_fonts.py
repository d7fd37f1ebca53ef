"""The receipt model (dates, money, NFC, fallbacks) and the shipped OFL font."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from kiosk_app.core.intake import VN_TZ
from kiosk_app.receipts import fonts
from kiosk_app.receipts.errors import ReceiptFontError
from kiosk_app.receipts.layout import load_layout
from kiosk_app.receipts.model import build_model, date_parts, format_datetime, format_money
from kiosk_app.receipts.render import receipt_model, render_pdf
from kiosk_app.resources import resource_path

from .conftest import submit, update_stored

VIETNAMESE = (
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
)


def test_dates_in_vietnam_time_with_decree_30_zeros() -> None:
    w = load_layout().wording
    utc = datetime(2025, 1, 4, 23, 5, tzinfo=UTC)  # 06:05 on 5 January in Vietnam
    assert format_datetime(utc, w) == "06 giờ 05 phút, ngày 05 tháng 01 năm 2025"
    assert date_parts(date(2025, 11, 20))["MM"] == "11"
    assert date_parts(datetime(2025, 3, 9, tzinfo=timezone(timedelta(hours=7))))["dd"] == "09"
    assert format_money(1_250_000, w) == "1.250.000 đồng"
    assert format_money(0, w) == "Miễn phí"


def test_model_comes_from_the_stored_dossier(kiosk) -> None:
    code = submit(kiosk, "1.004873", payment={"method": "cash"})
    update_stored(
        kiosk,
        code,
        answers={
            **kiosk.intake.lookup(code).dossier["answers"],
            "requester": {"full_name": "x", "email": "an@example.vn"},
        },
    )
    model = receipt_model(kiosk, code)
    assert model.code == code and model.procedure_code == "1.004873"
    assert model.procedure_name == "Cấp Giấy xác nhận tình trạng hôn nhân"
    assert model.processing_time == "3 ngày làm việc"
    assert model.received_at == datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ)
    assert model.appointment_text == "17 giờ 00 phút, ngày 17 tháng 3 năm 2025"
    assert model.fee_text == "5.000 đồng" and model.payment_text == "Tiền mặt"
    assert model.delivery_text.startswith("Qua dịch vụ bưu chính")
    assert model.applicant_email == "an@example.vn"
    assert model.place == "Nam Đông" and model.commune_name == "Xã Nam Đông"
    assert model.lookup_address == "dichvucong.gov.vn" and model.hotline == ""
    assert [d.form_label for d in model.documents] == ["Bản chính"] * len(model.documents)


def test_office_settings_win_over_header_fallbacks(kiosk) -> None:
    kiosk.office = replace(kiosk.office, hotline="1022", extra={"lookup_address": "hue.vn/tc"})
    model = receipt_model(kiosk, submit(kiosk))
    assert (model.hotline, model.lookup_address) == ("1022", "hue.vn/tc")


def test_procedure_gone_from_catalogue_still_prints(kiosk) -> None:
    code = submit(kiosk)
    view = kiosk.intake.lookup(code)
    model = build_model(view, kiosk.office, None, load_layout(), reprint=True)
    assert model.procedure_name == "2.000884" and model.processing_time == "" and model.reprint


def test_font_covers_vietnamese_and_ships_its_licence() -> None:
    from reportlab.pdfbase.ttfonts import TTFontFile

    for name in (fonts.REGULAR, fonts.BOLD):
        face = TTFontFile(str(fonts.font_path(name)))
        assert [c for c in VIETNAMESE if ord(c) not in face.charToGlyph] == []
    licence = resource_path("fonts", "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in licence and "Version 1.1" in licence
    assert "fonts-noto-core" in resource_path("fonts", "README.md").read_text(encoding="utf-8")


def test_missing_font_is_a_clear_error(kiosk, monkeypatch) -> None:
    monkeypatch.setattr(fonts, "REGULAR", "MotCuaMissingFace")
    monkeypatch.setitem(fonts.FONT_FILES, "MotCuaMissingFace", "NoSuchFont.ttf")
    with pytest.raises(ReceiptFontError, match="NoSuchFont.ttf"):
        render_pdf(kiosk, submit(kiosk))
