import contextlib
import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_app.core.identity import (
    CccdQrError,
    check_cccd,
    check_cmnd,
    check_id_number,
    check_name,
    check_passport,
    check_phone,
    normalize_name,
    normalize_phone,
    parse_cccd_qr,
)
from kiosk_app.core.text import Text
from kiosk_app.core.textfold import fold, fold_key

# ---------------------------------------------------------------- Text and fold


def test_text_of():
    assert Text.of({"vi": "Xin chào", "en": "Hello"}) == Text("Xin chào", "Hello")
    assert str(Text.of("Chào")) == "Chào" and Text.of("Chào").en == "Chào"
    assert Text.of({"vi": "Chỉ tiếng Việt"}).en == "Chỉ tiếng Việt"
    nfd = unicodedata.normalize("NFD", "Đức")
    assert Text(nfd, nfd).vi == "Đức"
    with pytest.raises(ValueError):
        Text.of({})
    with pytest.raises(ValueError):
        Text.of(3)  # type: ignore[arg-type]


def test_fold():
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("NGUYỄN THỊ ÁNH") == "nguyen thi anh"
    assert fold(unicodedata.normalize("NFD", "Ễ đ")) == "e d"
    assert fold_key("  Hà   Nội ") == "ha noi"


@given(st.text())
def test_fold_is_idempotent_and_leaves_no_marks(s):
    folded = fold(s)
    assert fold(folded) == folded
    assert "đ" not in folded and "Đ" not in folded
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))


@given(
    st.sampled_from("aăâeêioôơuưyđ"),
    st.sampled_from(["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]),
)
def test_fold_every_vietnamese_letter(base, mark):
    if base == "đ" and mark:
        return  # đ takes no tone mark
    letter = unicodedata.normalize("NFC", base + mark)
    assert (
        fold(letter)
        == fold(letter.upper())
        == (
            "d"
            if base == "đ"
            else {"ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u"}.get(base, base)
        )
    )
    assert len(fold(letter)) == len(letter) == 1


# ---------------------------------------------------------------- CCCD / CMND / passport


def test_cccd_decoding():
    r = check_cccd("001 0 95 123456")
    assert r.ok and r.kind == "cccd" and r.normalized == "001095123456"
    assert r.info == {
        "province_code": "001",
        "province_name": "Hà Nội",
        "sex": "nam",
        "birth_year": 1995,
    }
    assert r.warnings == []


@pytest.mark.parametrize(
    ("g", "sex", "century"),
    [
        (0, "nam", 1900),
        (1, "nu", 1900),
        (2, "nam", 2000),
        (3, "nu", 2000),
        (4, "nam", 2100),
        (5, "nu", 2100),
        (6, "nam", 2200),
        (7, "nu", 2200),
        (8, "nam", 1800),
        (9, "nu", 1800),
    ],
)
def test_cccd_sex_and_century_digit(g, sex, century):
    r = check_cccd(f"079{g}05000001")
    assert r.ok and r.info["sex"] == sex and r.info["birth_year"] == century + 5


def test_cccd_mismatches_are_warnings_not_errors():
    r = check_cccd("046190123456", birth_date=dt.date(1991, 1, 1), sex="Nam")
    assert r.ok and r.errors == []
    assert len(r.warnings) == 2
    assert "1990" in r.warnings[0].vi and "1991" in r.warnings[0].vi
    assert "Nữ" in r.warnings[1].vi
    unknown = check_cccd("099090123456")
    assert unknown.ok and unknown.info["province_name"] is None
    assert "099" in unknown.warnings[0].vi
    future = check_cccd("001299123456")  # born 2099
    assert future.ok and any("2099" in w.vi for w in future.warnings)
    assert check_cccd("001090123456", birth_date="1990-04-30", sex="nam").warnings == []


@pytest.mark.parametrize(
    "bad", ["", "12345678901", "1234567890123", "00109012345a", "abc", "٠٠١٠٩٠١٢٣٤٥٦"]
)
def test_cccd_errors(bad):
    r = check_cccd(bad)
    assert not r.ok and r.errors and r.errors[0].vi


@given(st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_any_twelve_digits_is_a_valid_cccd(number):
    r = check_cccd(" ".join([number[:3], number[3:6], number[6:]]))
    assert r.ok and r.normalized == number


def test_cmnd_and_passport():
    assert check_cmnd("123 456 789").ok and check_cmnd("123456789012").ok
    assert not check_cmnd("12345678").ok
    assert check_passport("c1234567").normalized == "C1234567"
    assert not check_passport("C123456").ok
    assert check_passport("AB1234567", pattern=r"[A-Z]{2}\d{7}").ok


def test_check_id_number_dispatch():
    assert check_id_number("001090123456").kind == "cccd"
    assert check_id_number("123456789").kind == "cmnd"
    assert check_id_number("001090123456", accept=("cmnd",)).kind == "cmnd"
    assert check_id_number("C1234567", accept=("cccd", "passport")).kind == "passport"
    r = check_id_number("123456789", accept=("cccd",))
    assert not r.ok and "12" in r.errors[0].vi
    r = check_id_number("C1234567")
    assert not r.ok and "CCCD" in r.errors[0].vi
    with pytest.raises(ValueError):
        check_id_number("1", accept=("visa",))


# ---------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084-912-345-678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("0387.654.321", "0387654321"),
        ("0559 123 456", "0559123456"),
        ("0701234567", "0701234567"),
        ("0812345678", "0812345678"),
        ("024 3826 1234", "02438261234"),
        ("(0236) 382 1234", "02363821234"),
        ("+84 24 3826 1234", "02438261234"),
    ],
)
def test_valid_phones(raw, expected):
    assert normalize_phone(raw) == expected
    assert check_phone(raw) == (expected, None)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "091234567",
        "09123456789",
        "0123456789",
        "0612345678",
        "0412345678",
        "0243826123",
        "abc0912345678",
        "+1 912 345 678",
        "091234567a",
    ],
)
def test_invalid_phones(raw):
    assert normalize_phone(raw) is None
    number, message = check_phone(raw)
    assert number is None and message is not None and message.vi


@given(
    st.sampled_from("35789"),
    st.from_regex(r"[0-9]{8}", fullmatch=True),
    st.sampled_from(["0", "+84", "84", "+84 ", "0084"]),
    st.sampled_from(["", " ", ".", "-"]),
)
def test_phone_formats_round_trip(kind, rest, prefix, sep):
    body = kind + rest
    raw = prefix + sep.join([body[:2], body[2:5], body[5:]])
    assert normalize_phone(raw) == "0" + body


# ---------------------------------------------------------------- names


def test_normalize_name():
    assert normalize_name("  nguyễn   VĂN   đức ") == "Nguyễn Văn Đức"
    assert normalize_name("ĐẶNG THỊ ÁNH") == "Đặng Thị Ánh"
    assert normalize_name(unicodedata.normalize("NFD", "lê ễ")) == "Lê Ễ"
    assert normalize_name("h'hen niê") == "H'Hen Niê"
    assert normalize_name("y-moan") == "Y-Moan"


def test_check_name():
    assert check_name("nguyễn văn an") == ("Nguyễn Văn An", None)
    for bad in ["Nguyễn Văn 2", "Lê@Thị", "A_B", "  ", None, "-An", "x" * 101]:
        name, message = check_name(bad)
        assert name is None and message is not None and message.vi, bad


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệ ", max_size=60))
def test_normalize_name_is_idempotent_nfc_and_single_spaced(s):
    once = normalize_name(s)
    assert normalize_name(once) == once
    assert once == unicodedata.normalize("NFC", once)
    assert "  " not in once and once == once.strip()
    assert fold(once) == " ".join(fold(s).split())


# ---------------------------------------------------------------- chip-card QR

QR = "046190123456|191234567|Nguyễn Thị Hoa|01051990|Nữ|Thôn 1, Xã Hương Xuân, Huyện Phú Lộc, Thừa Thiên Huế|15082021"


def test_parse_cccd_qr():
    q = parse_cccd_qr(QR)
    assert q.id_number == "046190123456" and q.old_id_number == "191234567"
    assert q.full_name == "Nguyễn Thị Hoa" and q.sex == "nu"
    assert q.date_of_birth == dt.date(1990, 5, 1) and q.issue_date == dt.date(2021, 8, 15)
    assert q.address.startswith("Thôn 1, Xã Hương Xuân")
    person = q.to_person()
    assert person == {
        "full_name": "Nguyễn Thị Hoa",
        "date_of_birth": "1990-05-01",
        "birth_year": 1990,
        "sex": "nu",
        "nationality": "VN",
        "id_number": "046190123456",
        "id_issue_date": "2021-08-15",
        "residence": {"legacy": "Thôn 1, Xã Hương Xuân, Huyện Phú Lộc, Thừa Thiên Huế"},
    }


@pytest.mark.parametrize(
    "scan",
    [
        "\ufeff" + QR,
        QR + "\r\n",
        "  " + QR + "  \n",
        QR + "|",
        QR + "|extra|fields",
        "]Q1" + QR,
        unicodedata.normalize("NFD", QR),
        QR.replace("|", "¦"),
        "\n" + QR + "\r",
    ],
)
def test_parse_cccd_qr_tolerates_scanner_quirks(scan):
    assert parse_cccd_qr(scan) == parse_cccd_qr(QR)


def test_parse_cccd_qr_empty_old_id_and_male():
    q = parse_cccd_qr("001095123456||TRẦN VĂN BÌNH|31121995|Nam|Hà Nội|01012022")
    assert q.old_id_number == "" and q.sex == "nam" and q.full_name == "Trần Văn Bình"


@pytest.mark.parametrize(
    ("scan", "word"),
    [
        ("", "trống"),
        ("hello world", "CCCD"),
        ("https://example.org/abc", "CCCD"),
        ("046190123456|191234567|Nguyễn Thị Hoa|01051990|Nữ|Huế", "CCCD"),
        ("04619012345|191234567|Nguyễn Thị Hoa|01051990|Nữ|Huế|15082021", "12 chữ số"),
        ("046190123456|19123|Nguyễn Thị Hoa|01051990|Nữ|Huế|15082021", "CMND"),
        ("046190123456||Nguyễn Thị Hoa|31021990|Nữ|Huế|15082021", "ngày sinh"),
        ("046190123456||Nguyễn Thị Hoa|01051990|Nữ|Huế|2021", "ngày cấp"),
        ("046190123456||Nguyễn Thị Hoa|01051990|X|Huế|15082021", "giới tính"),
        ("046190123456||Hoa 2|01051990|Nữ|Huế|15082021", "họ tên"),
    ],
)
def test_parse_cccd_qr_garbage(scan, word):
    with pytest.raises(CccdQrError) as exc:
        parse_cccd_qr(scan)
    assert word in str(exc.value)
    assert exc.value.text.en


@given(st.text(max_size=200))
def test_parse_cccd_qr_never_crashes_otherwise(s):
    with contextlib.suppress(CccdQrError):
        assert parse_cccd_qr(s).id_number.isdigit()
