"""VietQR payment payloads: a NAPAS 247 bank transfer of an exact amount, as an EMVCo
merchant-presented QR string (no Qt, no I/O).

The payload is a chain of ID–length–value data objects (two-digit ID, two-digit length, value);
templates nest the same format. What :func:`build` writes, in this order::

    00 "01"                     payload format indicator
    01 "12" | "11"              point of initiation: 12 dynamic (amount given), 11 static
    38 template                 merchant account information (NAPAS)
       00 "A000000727"             GUID of NAPAS
       01 template                 beneficiary organisation
          00 BIN                      acquirer / beneficiary bank id, 6 digits
          01 account or card number   consumer id, up to 19 characters
       02 "QRIBFTTA" | "QRIBFTTC"  service: transfer to an account | to a card
    53 "704"                    currency, VND (ISO 4217)
    54 amount                   integer đồng, only when an amount is given
    58 "VN"                     country
    62 template                 additional data, only when there is a note or a bill number
       01 bill number              optional
       08 purpose of transaction   the transfer note (nội dung chuyển khoản), up to 25 characters
    63 CRC                      CRC-16/CCITT-FALSE of everything before it, "6304" included,
                                four upper-case hex digits

Sources, checks and the examples this is tested against: docs/vietqr.md.

The transfer note is turned into plain ASCII before it is written (diacritics stripped, đ → d,
runs of white space → one space), because bank apps expect the note without diacritics and
VietQR generators refuse accented text; what is left may only hold letters, digits, spaces, ``-``
and ``.``. A dossier code (``000.00.06.H56-250312-1001``) passes unchanged and is exactly 25
characters long, the most the field holds. Every error is a :class:`VietQRError` with a
Vietnamese message.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

GUID_NAPAS = "A000000727"
SERVICE_ACCOUNT = "QRIBFTTA"  # chuyển nhanh NAPAS 247 đến tài khoản
SERVICE_CARD = "QRIBFTTC"  # chuyển nhanh NAPAS 247 đến thẻ
SERVICES = (SERVICE_ACCOUNT, SERVICE_CARD)
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
STATIC = "11"
DYNAMIC = "12"

# NAPAS 247 takes one transfer of less than 500 million đồng (NAPAS at the VietQR launch,
# 15 June 2021; docs/vietqr.md). EMVCo allows 13 characters in ID 54; the NAPAS cap is lower.
MAX_AMOUNT = 499_999_999
MAX_NOTE = 25  # ID 62-08, EMVCo "ans", var. up to 25
MAX_BILL_NUMBER = 25  # ID 62-01
MAX_ACCOUNT = 19  # ID 38-01-01

_BIN_RE = re.compile(r"[0-9]{6}")
_ACCOUNT_RE = re.compile(r"[0-9A-Za-z]{1,19}")
_CARD_RE = re.compile(r"[0-9]{16,19}")
_NOTE_BAD = re.compile(r"[^0-9A-Za-z .\-]")
_DIGITS_RE = re.compile(r"[0-9]+")
_HEX4_RE = re.compile(r"[0-9A-Fa-f]{4}")
_SPACES = re.compile(r"\s+")
_D = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})

# A dossier code as it may come back in a bank statement: the separators kept, replaced by a
# space or dropped. Every part has a fixed width, so the code is recoverable without them.
_SEP = r"[ .\-_]?"
_DOSSIER_IN_TEXT = re.compile(
    rf"(?<![0-9A-Za-z])([0-9]{{3}}){_SEP}([0-9]{{2}}){_SEP}([0-9]{{2}}){_SEP}([A-Za-z][0-9]{{2}})"
    rf"{_SEP}([0-9]{{6}}){_SEP}([0-9]{{4}})(?![0-9A-Za-z])"
)


class VietQRError(ValueError):
    """Bad input for :func:`build` or a malformed payload for :func:`parse`; Vietnamese message."""


# --- CRC ---------------------------------------------------------------------------------


def crc16(data: bytes | str) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final
    XOR — what EMVCo MPM asks for ("ISO/IEC 13239, polynomial '1021', initial value 'FFFF'",
    over every object and the "6304" that introduces the CRC). Check value:
    ``crc16(b"123456789") == 0x29B1``. ``str`` is encoded as UTF-8."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _crc_hex(text: str) -> str:
    return f"{crc16(text):04X}"


# --- building ----------------------------------------------------------------------------


def _tlv(tag: str, value: str) -> str:
    if not 1 <= len(value) <= 99:  # unreachable with checked inputs; guards future fields
        raise VietQRError(f"Trường {tag} dài {len(value)} ký tự, phải từ 1 đến 99")
    return f"{tag}{len(value):02d}{value}"


def ascii_note(text: str) -> str:
    """The note as bank apps will show it: diacritics stripped, đ/Đ → d/D, white space runs
    → one space, trimmed. Other characters are kept (and then refused by :func:`build` if not
    allowed), so nothing disappears from a note silently.

    ``"Lệ phí chứng thực"`` → ``"Le phi chung thuc"``.
    """
    if not isinstance(text, str):
        raise VietQRError(f"Nội dung chuyển khoản phải là chuỗi ký tự (nhận được: {text!r})")
    decomposed = unicodedata.normalize("NFKD", text.translate(_D))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


def _check_text(value: str | None, what: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise VietQRError(f"{what} phải là chuỗi ký tự (nhận được: {value!r})")
    clean = ascii_note(value)
    if not clean:
        return None
    bad = sorted(set(_NOTE_BAD.findall(clean)))
    if bad:
        shown = " ".join(repr(ch) for ch in bad)
        raise VietQRError(
            f"{what} có ký tự ngân hàng không nhận: {shown} — chỉ dùng chữ không dấu, chữ số, "
            "dấu cách, dấu '-' và dấu '.'"
        )
    if len(clean) > limit:
        raise VietQRError(
            f"{what} dài {len(clean)} ký tự (sau khi bỏ dấu), tối đa {limit}: '{clean}'"
        )
    return clean


def _check_bin(bank_bin: object) -> str:
    if not isinstance(bank_bin, str) or not _BIN_RE.fullmatch(bank_bin.strip()):
        raise VietQRError(
            f"Mã BIN ngân hàng phải gồm đúng 6 chữ số, ví dụ 970415 (nhận được: {bank_bin!r})"
        )
    return bank_bin.strip()


def _check_account(account: object, service: str) -> str:
    if not isinstance(account, str) or not account.strip():
        raise VietQRError(f"Thiếu số tài khoản nhận tiền (nhận được: {account!r})")
    value = account.strip()
    if service == SERVICE_CARD:
        if not _CARD_RE.fullmatch(value):
            raise VietQRError(
                f"Số thẻ nhận tiền phải gồm 16 đến 19 chữ số, không có dấu cách (nhận được: "
                f"{account!r})"
            )
        return value
    if len(value) > MAX_ACCOUNT:
        raise VietQRError(
            f"Số tài khoản dài {len(value)} ký tự, tối đa {MAX_ACCOUNT} (nhận được: {account!r})"
        )
    if not _ACCOUNT_RE.fullmatch(value):
        raise VietQRError(
            "Số tài khoản chỉ gồm chữ số và chữ cái không dấu, không có dấu cách hay ký tự khác "
            f"(nhận được: {account!r})"
        )
    return value


def _check_amount(amount: object) -> int | None:
    if amount is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise VietQRError(f"Số tiền phải là số nguyên đồng (nhận được: {amount!r})")
    if amount <= 0:
        raise VietQRError(f"Số tiền phải lớn hơn 0 đồng (nhận được: {amount})")
    if amount > MAX_AMOUNT:
        raise VietQRError(
            f"Số tiền {amount:,} đồng vượt hạn mức một giao dịch NAPAS 247 "
            f"({MAX_AMOUNT:,} đồng)".replace(",", ".")
        )
    return amount


def build(
    bank_bin: str,
    account: str,
    amount: int | None = None,
    note: str | None = None,
    *,
    service: str = SERVICE_ACCOUNT,
    bill_number: str | None = None,
) -> str:
    """The VietQR payload for a NAPAS 247 transfer to ``account`` at the bank ``bank_bin``.

    ``amount`` in whole đồng makes a dynamic QR ("12") for exactly that amount; ``None`` makes
    a static one ("11") where the payer types the amount. ``note`` is the transfer note
    (ID 62-08, nội dung chuyển khoản): its diacritics are stripped (đ → d) because bank apps
    show ASCII — see :func:`ascii_note` — and what is left must be at most 25 letters, digits,
    spaces, ``-`` or ``.``. ``bill_number`` (ID 62-01) follows the same rules; the kiosk does
    not need it, it is there so the NAPAS specification's examples can be reproduced.
    ``service`` is :data:`SERVICE_ACCOUNT` (default) or :data:`SERVICE_CARD` (then ``account``
    is a 16–19 digit card number).

    Raises :class:`VietQRError` on any bad input.
    """
    if service not in SERVICES:
        raise VietQRError(
            f"Mã dịch vụ phải là {SERVICE_ACCOUNT} (tài khoản) hoặc {SERVICE_CARD} (thẻ) "
            f"(nhận được: {service!r})"
        )
    bank = _check_bin(bank_bin)
    consumer = _check_account(account, service)
    value = _check_amount(amount)
    purpose = _check_text(note, "Nội dung chuyển khoản", MAX_NOTE)
    bill = _check_text(bill_number, "Số hóa đơn", MAX_BILL_NUMBER)

    beneficiary = _tlv("00", bank) + _tlv("01", consumer)
    merchant = _tlv("00", GUID_NAPAS) + _tlv("01", beneficiary) + _tlv("02", service)
    out = _tlv("00", "01") + _tlv("01", STATIC if value is None else DYNAMIC)
    out += _tlv("38", merchant) + _tlv("53", CURRENCY_VND)
    if value is not None:
        out += _tlv("54", str(value))
    out += _tlv("58", COUNTRY_VN)
    additional = ""
    if bill is not None:
        additional += _tlv("01", bill)
    if purpose is not None:
        additional += _tlv("08", purpose)
    if additional:
        out += _tlv("62", additional)
    out += "6304"
    return out + _crc_hex(out)


# --- parsing -----------------------------------------------------------------------------


def _split(text: str, where: str) -> dict[str, str]:
    """ID–length–value objects of ``text`` in order; duplicates and short values refused."""
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        head = text[pos : pos + 4]
        if len(head) < 4 or not _DIGITS_RE.fullmatch(head):
            raise VietQRError(
                f"{where}: cần mã trường và độ dài (4 chữ số) ở vị trí {pos}, gặp {head!r}"
            )
        tag, length = head[:2], int(head[2:])
        if length == 0:
            raise VietQRError(f"{where}: trường {tag} có độ dài 00")
        value = text[pos + 4 : pos + 4 + length]
        if len(value) < length:
            raise VietQRError(
                f"{where}: trường {tag} khai báo {length} ký tự nhưng chỉ còn {len(value)}"
            )
        if tag in fields:
            raise VietQRError(f"{where}: trường {tag} xuất hiện hai lần")
        fields[tag] = value
        pos += 4 + length
    return fields


def parse(payload: str) -> dict[str, Any]:
    """Check a VietQR transfer payload and return its contents.

    Checks: printable ASCII only; every ID–length–value object (top level, 38, 38-01, 62)
    well formed with no duplicate IDs; 00 first and "01"; 63 last, four hex digits, equal to
    the CRC of everything before it; 01 (if present) "11" or "12"; 38 with the NAPAS GUID, a
    6-digit BIN, a 1–19 character account/card and service QRIBFTTA or QRIBFTTC; 53 "704";
    58 "VN"; 54 (if present) a positive whole number of đồng. Unknown top-level IDs are kept
    in ``fields``. Surrounding white space (a scanner's Enter) is ignored.

    Returns a dict with ``payload_format``, ``point_of_initiation`` ("11", "12" or None),
    ``dynamic``, ``bank_bin``, ``account``, ``service``, ``currency``, ``amount`` (int or
    None), ``country``, ``note``, ``bill_number`` (str or None), ``additional`` (every 62
    sub-field), ``crc`` and ``fields`` (every top-level ID → raw value).

    Raises :class:`VietQRError` on anything malformed.
    """
    if not isinstance(payload, str):
        raise VietQRError(f"Mã VietQR phải là chuỗi ký tự (nhận được: {type(payload).__name__})")
    text = payload.strip()
    if not text:
        raise VietQRError("Mã VietQR trống")
    for i, ch in enumerate(text):
        if not " " <= ch <= "~":
            raise VietQRError(f"Mã VietQR có ký tự không hợp lệ {ch!r} ở vị trí {i}")
    fields = _split(text, "Mã VietQR")
    tags = list(fields)
    if tags[0] != "00":
        raise VietQRError("Mã VietQR phải bắt đầu bằng trường 00 (định dạng)")
    if fields["00"] != "01":
        raise VietQRError(f"Định dạng mã (trường 00) phải là 01, gặp {fields['00']!r}")
    if tags[-1] != "63":
        raise VietQRError("Mã VietQR phải kết thúc bằng trường 63 (mã kiểm tra CRC)")
    crc = fields["63"]
    if not _HEX4_RE.fullmatch(crc):
        raise VietQRError(f"Mã kiểm tra CRC (trường 63) phải là 4 chữ số hex, gặp {crc!r}")
    expected = _crc_hex(text[:-4])
    if crc.upper() != expected:
        raise VietQRError(
            f"Sai mã kiểm tra CRC: trong mã là {crc}, tính ra {expected} — mã bị hỏng hoặc bị sửa"
        )

    poi = fields.get("01")
    if poi is not None and poi not in (STATIC, DYNAMIC):
        raise VietQRError(f"Phương thức khởi tạo (trường 01) phải là 11 hoặc 12, gặp {poi!r}")

    if "38" not in fields:
        raise VietQRError("Không có trường 38 (thông tin tài khoản NAPAS) — không phải VietQR")
    merchant = _split(fields["38"], "Trường 38")
    if merchant.get("00") != GUID_NAPAS:
        raise VietQRError(f"Trường 38-00 phải là {GUID_NAPAS} (NAPAS), gặp {merchant.get('00')!r}")
    service = merchant.get("02")
    if service not in SERVICES:
        raise VietQRError(
            f"Trường 38-02 phải là {SERVICE_ACCOUNT} hoặc {SERVICE_CARD} (chuyển khoản), "
            f"gặp {service!r}"
        )
    if "01" not in merchant:
        raise VietQRError("Thiếu trường 38-01 (ngân hàng và tài khoản thụ hưởng)")
    beneficiary = _split(merchant["01"], "Trường 38-01")
    bank_bin = beneficiary.get("00", "")
    if not _BIN_RE.fullmatch(bank_bin):
        raise VietQRError(f"Mã BIN (trường 38-01-00) phải gồm 6 chữ số, gặp {bank_bin!r}")
    account = beneficiary.get("01", "")
    if not _ACCOUNT_RE.fullmatch(account):
        raise VietQRError(
            f"Số tài khoản (trường 38-01-01) phải gồm 1–19 chữ số/chữ cái, gặp {account!r}"
        )

    if fields.get("53") != CURRENCY_VND:
        raise VietQRError(f"Tiền tệ (trường 53) phải là 704 (VND), gặp {fields.get('53')!r}")
    if fields.get("58") != COUNTRY_VN:
        raise VietQRError(f"Quốc gia (trường 58) phải là VN, gặp {fields.get('58')!r}")
    amount = None
    if "54" in fields:
        raw = fields["54"]
        if not _DIGITS_RE.fullmatch(raw) or len(raw) > 13 or int(raw) == 0:
            raise VietQRError(f"Số tiền (trường 54) phải là số nguyên đồng lớn hơn 0, gặp {raw!r}")
        amount = int(raw)

    additional = _split(fields["62"], "Trường 62") if "62" in fields else {}
    return {
        "payload_format": fields["00"],
        "point_of_initiation": poi,
        "dynamic": poi == DYNAMIC,
        "bank_bin": bank_bin,
        "account": account,
        "service": service,
        "currency": fields["53"],
        "amount": amount,
        "country": fields["58"],
        "note": additional.get("08"),
        "bill_number": additional.get("01"),
        "additional": additional,
        "crc": crc,
        "fields": fields,
    }


# --- matching a bank statement -----------------------------------------------------------


def find_dossier_codes(text: str) -> list[str]:
    """Dossier codes found in a bank statement's transfer description, in the national form
    ``000.00.06.H56-250312-1001``, in order and without repeats.

    Some bank apps drop ``.``/``-`` or turn them into spaces; the parts of a dossier code have
    fixed widths, so ``"CK 0000006H562503121001 FT25"`` still gives the code back.
    """
    if not isinstance(text, str):
        return []
    found: list[str] = []
    for m in _DOSSIER_IN_TEXT.finditer(text):
        a, b, c, agency, day, seq = m.groups()
        code = f"{a}.{b}.{c}.{agency.upper()}-{day}-{seq}"
        if code not in found:
            found.append(code)
    return found
