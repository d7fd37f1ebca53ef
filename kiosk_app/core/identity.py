"""Citizen identity: CCCD / CMND / passport numbers, phone numbers, names, the chip-card QR.

Rules (DOMAIN.md "Citizen identity"): since 1 July 2024 the law guarantees only that a
personal identification number (CCCD) has 12 digits, so a number whose province, sex or
century digit does not fit is a *warning* for the clerk, never a refusal. Messages are
bilingual :class:`Text`, Vietnamese first.

Public API::

    check_cccd(value, birth_date=None, sex=None) -> IdCheck
    check_cmnd(value) -> IdCheck
    check_passport(value, pattern=PASSPORT_PATTERN) -> IdCheck
    check_id_number(value, accept=("cccd", "cmnd"), birth_date=None, sex=None,
                    passport_pattern=PASSPORT_PATTERN) -> IdCheck
    normalize_phone(value) -> str | None        check_phone(value) -> (str | None, Text | None)
    normalize_name(value) -> str                check_name(value) -> (str | None, Text | None)
    parse_cccd_qr(text) -> CccdQr               (raises CccdQrError)
    fold(text) -> str                           (re-exported from textfold)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kiosk_app.core.text import Text
from kiosk_app.core.textfold import fold
from kiosk_app.resources import load_yaml, resource_path

__all__ = [
    "PASSPORT_PATTERN",
    "CccdQr",
    "CccdQrError",
    "IdCheck",
    "check_cccd",
    "check_cmnd",
    "check_id_number",
    "check_name",
    "check_passport",
    "check_phone",
    "fold",
    "normalize_name",
    "normalize_phone",
    "parse_cccd_qr",
]

# Vietnamese passports: one letter and 7 digits (e.g. C1234567). Foreign passports differ,
# so callers may pass their own pattern.
PASSPORT_PATTERN = r"[A-Z][0-9]{7}"
NAME_MAX_LENGTH = 100

# Separators people and scanners put inside numbers.
_NUMBER_NOISE = re.compile(r"[\s.\-_/]")
# century of the sex+century digit G: (0, 1) → 1900, (2, 3) → 2000, … (8, 9) → 1800.
_CENTURY = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 1800}


@dataclass
class IdCheck:
    """Outcome of an identity-number check.

    ``ok`` is False only when ``errors`` is non-empty; ``warnings`` never block.
    ``kind``: "cccd", "cmnd", "passport", or "" when nothing fitted. ``normalized``: the
    number without spaces/dots (upper-case for passports). ``info`` for a CCCD: province_code
    ("001"), province_name (None when unknown), sex ("nam"/"nu"), birth_year (int).
    """

    ok: bool
    kind: str
    normalized: str
    errors: list[Text] = field(default_factory=list)
    warnings: list[Text] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)


def _t(vi: str, en: str) -> Text:
    return Text(vi, en)


MSG = {
    "empty": _t("Chưa nhập số giấy tờ", "No document number entered"),
    "cccd": _t("Số CCCD phải gồm 12 chữ số", "A CCCD number has 12 digits"),
    "cccd_cmnd": _t(
        "Số CCCD/CMND phải gồm 12 chữ số (CMND cũ: 9 chữ số)",
        "A CCCD number has 12 digits (old CMND: 9 digits)",
    ),
    "cmnd": _t("Số CMND phải gồm 9 hoặc 12 chữ số", "A CMND number has 9 or 12 digits"),
    "passport": _t(
        "Số hộ chiếu không đúng định dạng (ví dụ: C1234567)",
        "Passport number in the wrong format (e.g. C1234567)",
    ),
    "id_any": _t("Số giấy tờ không hợp lệ: {expected}", "Invalid document number: {expected}"),
    "province": _t(
        "Mã tỉnh nơi đăng ký khai sinh {code} không có trong danh mục — kiểm tra lại số",
        "Province code {code} is not in the list — please check the number",
    ),
    "future": _t(
        "Năm sinh suy ra từ số CCCD ({year}) ở tương lai — kiểm tra lại số",
        "The birth year read from the number ({year}) is in the future — please check",
    ),
    "year": _t(
        "Năm sinh trong số CCCD ({year}) khác năm sinh đã khai ({given})",
        "Birth year in the number ({year}) differs from the date of birth given ({given})",
    ),
    "sex": _t(
        "Giới tính trong số CCCD ({coded}) khác giới tính đã khai ({given})",
        "Sex in the number ({coded}) differs from the sex given ({given})",
    ),
    "phone_empty": _t("Chưa nhập số điện thoại", "No phone number entered"),
    "phone": _t(
        "Số điện thoại không hợp lệ: di động 10 số (03, 05, 07, 08, 09…), cố định 11 số (02…)",
        "Invalid phone number: mobiles have 10 digits (03, 05, 07, 08, 09…), landlines 11 (02…)",
    ),
    "name_empty": _t("Chưa nhập họ tên", "No name entered"),
    "name_chars": _t(
        "Họ tên chỉ gồm chữ cái, dấu cách, dấu gạch nối hoặc dấu nháy (không có số, ký hiệu)",
        "A name has only letters, spaces, hyphens or apostrophes (no digits or symbols)",
    ),
    "name_long": _t("Họ tên quá dài (tối đa {n} ký tự)", "Name too long (at most {n} characters)"),
}
_SEX_VI = {"nam": "Nam", "nu": "Nữ"}
_SEX_EN = {"nam": "male", "nu": "female"}


@cache
def _cccd_provinces() -> dict[str, str]:
    path = resource_path("lists", "cccd_province_codes.yaml")
    doc = load_yaml(path.read_text(encoding="utf-8"))
    items = doc.get("items") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{path.name}: items: missing or not a list")
    out: dict[str, str] = {}
    for n, item in enumerate(items):
        value = str(item.get("value", "")) if isinstance(item, dict) else ""
        if not re.fullmatch(r"0[0-9][0-9]", value) or value in out:
            raise ValueError(
                f"{path.name}: items[{n}].value: {value!r} missing, malformed or repeated"
            )
        out[value] = Text.of(item.get("label", value)).vi
    return out


def _sex_key(value: Any) -> str | None:
    """'nam' / 'nu' from "Nam", "Nữ", "NU", "male", "female", "m", "f"; None otherwise."""
    if value is None:
        return None
    key = fold(str(value)).strip()
    if key in ("nam", "male", "m"):
        return "nam"
    if key in ("nu", "female", "f"):
        return "nu"
    return None


def _year_of(value: dt.date | str | int | None) -> int | None:
    if isinstance(value, dt.date):
        return value.year
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.match(r"[0-9]{4}", value.strip()):
        return int(value.strip()[:4])
    return None


def _digits(value: Any) -> str:
    return _NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", str(value or "")))


# ---------------------------------------------------------------------------- ID numbers


def check_cccd(
    value: str, birth_date: dt.date | str | int | None = None, sex: str | None = None
) -> IdCheck:
    """A 12-digit CCCD / personal identification number ``PPP G YY NNNNNN``.

    Spaces, dots and dashes are ignored. Anything but 12 digits is an error. An unknown
    province code, a birth year in the future, or a mismatch with ``birth_date`` (a date, an
    ISO string or a year) or ``sex`` ("nam"/"nu"/"Nữ"…) are warnings.
    """
    number = _digits(value)
    if not number:
        return IdCheck(False, "cccd", number, [MSG["empty"]])
    if not re.fullmatch(r"[0-9]{12}", number):
        return IdCheck(False, "cccd", number, [MSG["cccd"]])
    code, g, yy = number[:3], int(number[3]), int(number[4:6])
    year = _CENTURY[g // 2] + yy
    coded_sex = "nam" if g % 2 == 0 else "nu"
    province_name = _cccd_provinces().get(code)
    info = {
        "province_code": code,
        "province_name": province_name,
        "sex": coded_sex,
        "birth_year": year,
    }
    warnings = []
    if province_name is None:
        warnings.append(MSG["province"].format(code=code))
    if year > dt.date.today().year:
        warnings.append(MSG["future"].format(year=year))
    given_year = _year_of(birth_date)
    if given_year is not None and given_year != year:
        warnings.append(MSG["year"].format(year=year, given=given_year))
    given_sex = _sex_key(sex)
    if given_sex is not None and given_sex != coded_sex:
        warnings.append(
            Text(
                MSG["sex"].vi.format(coded=_SEX_VI[coded_sex], given=_SEX_VI[given_sex]),
                MSG["sex"].en.format(coded=_SEX_EN[coded_sex], given=_SEX_EN[given_sex]),
            )
        )
    return IdCheck(True, "cccd", number, [], warnings, info)


def check_cmnd(value: str) -> IdCheck:
    """An old identity card (CMND): 9 digits, or 12 for those issued 2012–2016."""
    number = _digits(value)
    if not number:
        return IdCheck(False, "cmnd", number, [MSG["empty"]])
    if not re.fullmatch(r"[0-9]{9}|[0-9]{12}", number):
        return IdCheck(False, "cmnd", number, [MSG["cmnd"]])
    return IdCheck(True, "cmnd", number)


def check_passport(value: str, pattern: str = PASSPORT_PATTERN) -> IdCheck:
    """A passport number matching ``pattern`` (whole string, after upper-casing)."""
    number = _digits(value).upper()
    if not number:
        return IdCheck(False, "passport", number, [MSG["empty"]])
    if not re.fullmatch(pattern, number):
        return IdCheck(False, "passport", number, [MSG["passport"]])
    return IdCheck(True, "passport", number)


def check_id_number(
    value: str,
    accept: tuple[str, ...] | list[str] = ("cccd", "cmnd"),
    birth_date: dt.date | str | int | None = None,
    sex: str | None = None,
    passport_pattern: str = PASSPORT_PATTERN,
) -> IdCheck:
    """Check a number against the document kinds in ``accept`` (cccd, cmnd, passport).

    The kind is chosen from the shape: letters → passport; 12 digits → CCCD (CMND if only
    CMND is accepted); 9 digits → CMND. When nothing fits, the error lists what is accepted.
    """
    kinds = tuple(accept)
    unknown = set(kinds) - {"cccd", "cmnd", "passport"}
    if unknown or not kinds:
        raise ValueError(f"accept: unknown document kind(s) {sorted(unknown) or kinds}")
    number = _digits(value).upper()
    if not number:
        return IdCheck(False, "", number, [MSG["empty"]])
    if "passport" in kinds and not (number.isascii() and number.isdigit()):
        return check_passport(number, passport_pattern)
    if number.isascii() and number.isdigit() and len(number) == 12:
        if "cccd" in kinds:
            return check_cccd(number, birth_date, sex)
        if "cmnd" in kinds:
            return check_cmnd(number)
    if number.isascii() and number.isdigit() and len(number) == 9 and "cmnd" in kinds:
        return check_cmnd(number)
    if "passport" in kinds and re.fullmatch(passport_pattern, number):
        return check_passport(number, passport_pattern)
    if kinds == ("cccd",):
        return IdCheck(False, "cccd", number, [MSG["cccd"]])
    if set(kinds) == {"cccd", "cmnd"}:
        return IdCheck(False, "", number, [MSG["cccd_cmnd"]])
    expected_vi = {
        "cccd": "CCCD 12 chữ số",
        "cmnd": "CMND 9 hoặc 12 chữ số",
        "passport": "hộ chiếu",
    }
    expected_en = {"cccd": "CCCD 12 digits", "cmnd": "CMND 9 or 12 digits", "passport": "passport"}
    error = Text(
        MSG["id_any"].vi.format(expected=", ".join(expected_vi[k] for k in kinds)),
        MSG["id_any"].en.format(expected=", ".join(expected_en[k] for k in kinds)),
    )
    return IdCheck(False, "", number, [error])


# ---------------------------------------------------------------------------- phones

# Mobile prefixes in use since the 2018 switch to 10 digits; landlines are 02 + area + number.
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_LANDLINE = re.compile(r"02[0-9]{9}")


def normalize_phone(value: str | None) -> str | None:
    """A Vietnamese phone number as ``0XXXXXXXXX`` (mobile, 10 digits) or ``02XXXXXXXXX``
    (landline, 11 digits); None when it is neither.

    Accepts a ``+84``, ``0084`` or ``84`` country prefix instead of the leading 0, and spaces,
    dots, dashes and parentheses anywhere.
    """
    if value is None:
        return None
    raw = re.sub(r"[\s.\-()]", "", unicodedata.normalize("NFKC", str(value)))
    candidates = [raw]
    for prefix in ("+84", "0084", "84"):
        if raw.startswith(prefix):
            rest = raw[len(prefix) :]
            candidates.insert(0, rest if rest.startswith("0") else "0" + rest)
            break
    for number in candidates:
        if _MOBILE.fullmatch(number) or _LANDLINE.fullmatch(number):
            return number
    return None


def check_phone(value: str | None) -> tuple[str | None, Text | None]:
    """``(normalized, None)`` for a valid number, ``(None, message)`` otherwise."""
    if value is None or not str(value).strip():
        return None, MSG["phone_empty"]
    number = normalize_phone(value)
    return (number, None) if number else (None, MSG["phone"])


# ---------------------------------------------------------------------------- names

_WORD_BREAK = re.compile(r"([\s\-'’])")
_NAME_OK = re.compile(r"[^\W\d_]+(?:[ \-'’][^\W\d_]+)*")


def normalize_name(value: str) -> str:
    """NFC, single spaces, trimmed, and each word capitalised: ``"  nguyễn  VĂN đức"`` →
    ``"Nguyễn Văn Đức"``.

    Decision: the rest of each word is lower-cased (names often arrive in capitals from card
    faces or Caps Lock), so mixed-case spellings like "McDonald" are not kept. A letter after a
    hyphen or apostrophe is capitalised too, for names such as "H'Hen Niê".
    """
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    parts = _WORD_BREAK.split(text.lower())
    return "".join(p[:1].upper() + p[1:] if not _WORD_BREAK.fullmatch(p) else p for p in parts)


def check_name(value: str | None) -> tuple[str | None, Text | None]:
    """``(normalize_name(value), None)`` for a plausible personal name, else ``(None, message)``.

    Allowed: letters (any script, with diacritics), single spaces, hyphens and apostrophes
    between letters. Refused: empty, digits, other symbols, more than NAME_MAX_LENGTH chars.
    """
    if value is None or not str(value).strip():
        return None, MSG["name_empty"]
    name = normalize_name(value)
    if len(name) > NAME_MAX_LENGTH:
        return None, MSG["name_long"].format(n=NAME_MAX_LENGTH)
    if not _NAME_OK.fullmatch(name):
        return None, MSG["name_chars"]
    return name, None


# ---------------------------------------------------------------------------- chip-card QR


class CccdQrError(ValueError):
    """The scanned text is not a CCCD QR. ``str(exc)`` is Vietnamese; ``exc.text`` bilingual."""

    def __init__(self, text: Text) -> None:
        self.text = text
        super().__init__(text.vi)


@dataclass(frozen=True)
class CccdQr:
    """The fields of the QR on a chip CCCD (``sex``: "nam" or "nu"; ``old_id_number`` may be "")."""

    id_number: str
    old_id_number: str
    full_name: str
    date_of_birth: dt.date
    sex: str
    address: str
    issue_date: dt.date

    def to_person(self) -> dict[str, Any]:
        """Answers for the person block (resources/forms/blocks/person.yaml).

        The QR has no place of issue, ethnicity or post-2025 address codes: those stay for the
        clerk; the printed address goes to ``residence.legacy``. A CCCD is issued only to
        Vietnamese citizens, hence nationality "VN".
        """
        return {
            "full_name": self.full_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "birth_year": self.date_of_birth.year,
            "sex": self.sex,
            "nationality": "VN",
            "id_number": self.id_number,
            "id_issue_date": self.issue_date.isoformat(),
            "residence": {"legacy": self.address},
        }


_QR_BAD = {
    "empty": _t("Không đọc được mã QR: dữ liệu trống", "Nothing was read from the QR code"),
    "shape": _t(
        "Đây không phải mã QR trên thẻ CCCD (cần 7 trường ngăn cách bởi dấu |)",
        "This is not a CCCD QR code (7 fields separated by | expected)",
    ),
    "id": _t(
        "Mã QR có số CCCD không hợp lệ: {value!r} (cần 12 chữ số)",
        "The QR code has an invalid CCCD number: {value!r} (12 digits expected)",
    ),
    "old_id": _t(
        "Mã QR có số CMND cũ không hợp lệ: {value!r}",
        "The QR code has an invalid old CMND number: {value!r}",
    ),
    "name": _t(
        "Mã QR có họ tên không hợp lệ: {value!r}", "The QR code has an invalid name: {value!r}"
    ),
    "date": _t(
        "Mã QR có {what} không hợp lệ: {value!r} (cần dạng NgàyThángNăm, 8 chữ số)",
        "The QR code has an invalid {what_en}: {value!r} (DDMMYYYY expected)",
    ),
    "sex": _t(
        "Mã QR có giới tính không hợp lệ: {value!r} (cần Nam hoặc Nữ)",
        "The QR code has an invalid sex: {value!r} (Nam or Nữ expected)",
    ),
}
# Bar characters scanners emit for "|" under other keyboard layouts or code pages.
_QR_SEPARATORS = str.maketrans({"¦": "|", "｜": "|", "│": "|"})
# An AIM symbology identifier ("]Q1") that scanners can be set to send before the data.
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9]")


def _qr_date(value: str, what: str, what_en: str) -> dt.date:
    digits = re.sub(r"[^0-9]", "", value)
    try:
        if len(digits) != 8:
            raise ValueError
        return dt.date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        msg = _QR_BAD["date"]
        raise CccdQrError(
            Text(msg.vi.format(what=what, value=value), msg.en.format(what_en=what_en, value=value))
        ) from None


def parse_cccd_qr(text: str) -> CccdQr:
    """Parse ``CCCD|old CMND|full name|DDMMYYYY birth|sex|address|DDMMYYYY issued``.

    Tolerates a UTF-8 BOM, an AIM prefix ("]Q1"), surrounding whitespace, CR/LF (the scanner's
    Enter; the first line holding bars is used), extra trailing fields, NFD text, full-width
    digits and look-alike bar characters. Raises CccdQrError with a Vietnamese message.
    """
    if text is None:
        raise CccdQrError(_QR_BAD["empty"])
    clean = unicodedata.normalize("NFC", str(text)).replace("\ufeff", "").translate(_QR_SEPARATORS)
    lines = [ln.strip() for ln in re.split(r"[\r\n]+", clean) if ln.strip()]
    if not lines:
        raise CccdQrError(_QR_BAD["empty"])
    line = next((ln for ln in lines if "|" in ln), lines[0])
    line = _AIM_PREFIX.sub("", line)
    fields = [f.strip() for f in line.split("|")]
    if len(fields) < 7:
        raise CccdQrError(_QR_BAD["shape"])
    id_raw, old_raw, name_raw, dob_raw, sex_raw, address, issued_raw = fields[:7]

    id_number = _digits(id_raw)
    if not re.fullmatch(r"[0-9]{12}", id_number):
        raise CccdQrError(_QR_BAD["id"].format(value=id_raw))
    old_id = _digits(old_raw)
    if old_id and not re.fullmatch(r"[0-9]{9}|[0-9]{12}", old_id):
        raise CccdQrError(_QR_BAD["old_id"].format(value=old_raw))
    full_name, _ = check_name(name_raw)
    if full_name is None:
        raise CccdQrError(_QR_BAD["name"].format(value=name_raw))
    sex = _sex_key(sex_raw)
    if sex is None or fold(sex_raw) in ("m", "f", "male", "female"):
        raise CccdQrError(_QR_BAD["sex"].format(value=sex_raw))
    date_of_birth = _qr_date(dob_raw, "ngày sinh", "date of birth")
    issue_date = _qr_date(issued_raw, "ngày cấp", "date of issue")
    return CccdQr(
        id_number=id_number,
        old_id_number=old_id,
        full_name=full_name,
        date_of_birth=date_of_birth,
        sex=sex,
        address=" ".join(address.split()),
        issue_date=issue_date,
    )
