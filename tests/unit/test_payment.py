"""The office's fee account and its VietQR payment payload (kiosk_app.core.payment)."""

from __future__ import annotations

import pytest

from kiosk_app.config import SETTINGS, Office
from kiosk_app.core import payment, vietqr
from kiosk_app.core.desk import SettingsError, validate_settings

CODE = "000.00.06.H56-250312-1001"
ACCOUNT = {
    "payment_bank_bin": "970415",
    "payment_account": "113366668888",
    "payment_account_name": "UBND XA NAM DONG",
}
OFFICE = {
    "agency_id": "000.00.06.H56",
    "commune_code": "20179",
    "device_slot": 1,
    "agency_name": "UBND xã Nam Đông",
    "office_morning": ["07:00", "11:30"],
    "office_afternoon": ["13:30", "17:00"],
    "same_day_cutoff": "15:00",
}


def test_settings_declared_empty_by_default() -> None:
    declared = {s.name: s.default for s in SETTINGS}
    for name in payment.PAYMENT_SETTINGS:
        assert declared[name] == ""
    office = Office.from_settings(OFFICE)
    assert payment.payment_qr_for(office, 10000, CODE) is None
    assert payment.payment_qr_for({}, 10000, CODE) is None


@pytest.mark.parametrize("settings", [ACCOUNT, "office"])
def test_payload_for_the_exact_fee_with_the_code_as_note(settings) -> None:
    if settings == "office":
        settings = Office.from_settings(OFFICE | ACCOUNT)
    text = payment.payment_qr_for(settings, 2000, CODE)
    # the published vietqr.io/NAPAS-shaped example of docs/vietqr.md, byte for byte
    assert text == (
        "00020101021238560010A0000007270126000697041501121133666688880208QRIBFTTA"
        "5303704540420005802VN62290825000.00.06.H56-250312-100163041E93"
    )
    parsed = vietqr.parse(text)
    assert (parsed["amount"], parsed["note"], parsed["dynamic"]) == (2000, CODE, True)


def test_no_payload_for_a_free_dossier_or_without_a_code() -> None:
    assert payment.payment_qr_for(ACCOUNT, 0, CODE) is None
    assert payment.payment_qr_for(ACCOUNT, 10000, "") is None


def test_an_invalid_account_gives_no_payload_and_a_fee_over_the_limit_is_refused() -> None:
    assert payment.payment_qr_for(ACCOUNT | {"payment_account": "1133 6666"}, 100, CODE) is None
    with pytest.raises(vietqr.VietQRError):
        payment.payment_qr_for(ACCOUNT, 500_000_000, CODE)


def test_check_all_empty_is_fine_and_clean_values_are_trimmed() -> None:
    assert payment.check_payment_settings({}) == (dict.fromkeys(payment.PAYMENT_SETTINGS, ""), {})
    clean, issues = payment.check_payment_settings(
        {"payment_bank_bin": " 970415 ", "payment_account": "113366668888 ",
         "payment_account_name": " UBND  XA NAM DONG "}
    )  # fmt: skip
    assert issues == {} and clean == ACCOUNT


@pytest.mark.parametrize(
    ("change", "bad"),
    [
        ({"payment_bank_bin": ""}, {"payment_bank_bin"}),
        ({"payment_bank_bin": "97041"}, {"payment_bank_bin"}),
        ({"payment_account": ""}, {"payment_account"}),
        ({"payment_account": "1133 6666 8888"}, {"payment_account"}),
        ({"payment_account": "1" * 20}, {"payment_account"}),
        ({"payment_account_name": ""}, {"payment_account_name"}),
        ({"payment_account_name": "X" * 71}, {"payment_account_name"}),
    ],
)
def test_each_bad_payment_setting_is_named_in_vietnamese(change, bad) -> None:
    _, issues = payment.check_payment_settings(ACCOUNT | change)
    assert set(issues) == bad
    with pytest.raises(SettingsError) as info:
        validate_settings(OFFICE | ACCOUNT | change)
    assert set(info.value.issues) == bad
    message = info.value.issues.popitem()[1]
    assert any(ch in message for ch in "ăâđêôơưạảấầẩậắằẳặẹẻếềểệịỉọỏốồổộớờởợụủứừửựỳỷ")


def test_desk_validation_keeps_the_payment_settings() -> None:
    assert validate_settings(OFFICE | ACCOUNT).items() >= ACCOUNT.items()
    clean = validate_settings(OFFICE)
    assert all(clean[name] == "" for name in payment.PAYMENT_SETTINGS)


def test_bank_list_has_the_main_banks_with_unique_six_digit_bins() -> None:
    listed = payment.banks()
    bins = [b.bin for b in listed]
    assert len(bins) == len(set(bins)) >= 20
    assert all(len(b) == 6 and b.isdigit() for b in bins)
    for bank_bin, name in (("970405", "Agribank"), ("970415", "VietinBank"),
                           ("970418", "BIDV"), ("970436", "Vietcombank")):  # fmt: skip
        assert payment.bank_name(bank_bin) == name
    assert payment.account_of(ACCOUNT)["bank"] == "VietinBank"
    assert payment.account_of(ACCOUNT | {"payment_bank_bin": "123456"})["bank"] == "123456"
    from kiosk_app.core.lists import default_lists

    assert [o.value for o in default_lists()("banks")] == bins  # a valid list file too


def test_office_carries_the_account() -> None:
    office = Office.from_settings(OFFICE | ACCOUNT)
    assert payment.configured(office)
    assert payment.account_of(office)["account_name"] == "UBND XA NAM DONG"
