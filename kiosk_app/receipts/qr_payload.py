"""The signed QR of a receipt: what it says, how it is signed, how anyone checks it offline.

Format, version 1 (docs/receipt-qr.md has the reasoning and the measurements)::

    QR text  = LOOKUP BODY SIG
    LOOKUP   = ""  |  the lookup base URL, upper-cased, ending in "/"
                     e.g. HTTPS://DICHVUCONG.HUE.GOV.VN/R/       (at most 48 characters)
    BODY     = "1*" CODE "*" PROC "*" RECEIVED "*" APPOINTMENT "*" HASH "*" KID "*"
    SIG      = base32(Ed25519 signature), 103 characters

    CODE         dossier code as stored, e.g. 000.00.06.H56-250312-1001
    PROC         procedure code, e.g. 1.001193 (at most 16 characters of [0-9A-Z.-])
    RECEIVED     YYMMDDHHMM, Vietnam time (UTC+7, no DST, so no offset is needed)
    APPOINTMENT  YYMMDDHHMM, Vietnam time, or empty (kiosk submissions before acceptance)
    HASH         base32 of the first 16 bytes of the dossier's stored ``content_hash``
    KID          the signing key's id (kiosk_app.core.device_key.key_id), 8 characters
    base32       RFC 4648 alphabet, upper case, no "=" padding, canonical (unused low bits 0)

The signature is Ed25519 over ``SIGNING_CONTEXT + (LOOKUP + BODY)`` as ASCII bytes: the exact
text of the QR before SIG, lookup address included, so a receipt whose link was changed to
another site no longer verifies. The context prefix (never printed) keeps a receipt signature
from being mistaken for any other signature the device key may make later (sync enrolment).

Why this shape
    * Every character is in the QR *alphanumeric* set (0-9 A-Z space $%*+-./:), which costs 5.5
      bits a character against 8 in byte mode, so the whole text is one alphanumeric segment.
      Hence upper case everywhere, base32 rather than base64, and ``*`` as field separator (not
      space or ``%``, which would break the URL a phone opens). The lookup server must treat
      its path case-insensitively. Fully measured: the worst case allowed (48-character
      lookup URL, 16-character procedure code, both times) is QR version 9 at error
      correction M (53x53 modules); the test suite asserts it.
    * Claims are readable: a phone or a USB scanner shows the dossier code in plain text, and
      the lookup server can route by code without any cryptography.
    * The hash is truncated to 128 bits: a second dossier content matching a receipt needs
      ~2^128 work and two colliding contents made on purpose by a dishonest signer ~2^64
      (96 bits would be 2^48, within reach of one GPU). The full hash travels to the province
      in the outbox, so the prefix only has to tie this paper to that record.
    * Times to the minute: the receipt prints minutes (Mẫu 01: giờ, phút); the exact second is
      covered by the content hash.

Parsing is strict (canonical base32, fixed widths, valid dates) and case-insensitive: the
text is upper-cased first, since every character of a genuine QR is upper case and browsers
lower-case a URL's host. :func:`parse` raises only :class:`MalformedPayload`; :func:`verify`
never raises on any text. No Qt here; all functions are thread-safe (no shared state but a
cached read-only config).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import qrcode
import qrcode.util
from qrcode.constants import ERROR_CORRECT_M

from kiosk_app.core.codes import CODE_RE, CodeError, parse_code
from kiosk_app.core.device_key import KID_BYTES, DeviceKey, ensure_device_key, signature_ok
from kiosk_app.core.intake import VN_TZ, now_vn
from kiosk_app.resources import load_yaml, resource_path
from kiosk_app.store import dossiers as dossier_rows
from kiosk_app.store import settings as settings_rows
from kiosk_app.store.keys import KnownKey

PAYLOAD_VERSION = 1
SUPPORTED_VERSIONS = (1,)
SIGNING_CONTEXT = b"MOTCUA-RECEIPT-QR\n"
SEP = "*"
LOOKUP_URL_SETTING = "receipt_lookup_url"
MAX_LOOKUP_URL = 48
MAX_PROCEDURE = 16
MAX_TEXT = 400  # longer than any valid v1 text; bounds the work done on garbage
HASH_BYTES = 16
SIG_BYTES = 64
QR_VERSION_BOUND = 9
TIME_FORMAT = "%y%m%d%H%M"

# The QR alphanumeric set minus space and % (unsafe in a URL); "*" separates fields.
_TEXT_RE = re.compile(r"[0-9A-Z$+\-./:*]*")
_LOOKUP_RE = re.compile(r"HTTPS?://[0-9A-Z$+\-.:]+(/[0-9A-Z$+\-.:]*)*/")
_PROC_RE = re.compile(rf"[0-9A-Z][0-9A-Z.\-]{{0,{MAX_PROCEDURE - 1}}}")
_TIME_RE = re.compile(r"\d{10}")


class QrError(Exception):
    """Everything this module raises.

    QrError
     ├── MalformedPayload   parse(): the text is not a receipt QR this program can read
     ├── LookupUrlError     the lookup base URL (qr.yaml or the office setting) is unusable
     ├── DossierNotFound    qr_text_for(): no stored dossier has that code
     └── ImageUnreadable    decode_image(): the file cannot be opened as an image
    """


class MalformedPayload(QrError, ValueError):
    pass


class LookupUrlError(QrError, ValueError):
    pass


class DossierNotFound(QrError, LookupError):
    pass


class ImageUnreadable(QrError):
    pass


@dataclass(frozen=True)
class Claims:
    """What a receipt says about its dossier (all times Vietnam time, to the minute)."""

    code: str
    procedure: str
    received_at: datetime
    appointment_at: datetime | None
    content_hash_prefix: str  # hex, 32 characters (16 bytes)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "procedure": self.procedure,
            "received_at": self.received_at.isoformat(),
            "appointment_at": self.appointment_at.isoformat() if self.appointment_at else None,
            "content_hash_prefix": self.content_hash_prefix,
        }


@dataclass(frozen=True)
class Payload:
    """A parsed QR text. ``signed`` is exactly the bytes the signature covers."""

    lookup_url: str
    version: int
    claims: Claims
    kid: str
    signature: bytes
    signed: bytes


class Status(StrEnum):
    GENUINE = "genuine"
    TAMPERED = "tampered"  # signature does not match the text (or the key)
    UNKNOWN_KEY = "unknown_key"  # no known key has this kid
    REVOKED = "revoked"  # signed by that key, but the key is no longer trusted
    WRONG_ISSUER = "wrong_issuer"  # signed by a known key registered for another agency
    MALFORMED = "malformed"  # not a receipt QR this program can read


@dataclass(frozen=True)
class Verdict:
    """The outcome of :func:`verify`; ``claims`` is set whenever the text could be parsed."""

    status: Status
    reason: str
    claims: Claims | None = None
    lookup_url: str | None = None
    kid: str | None = None
    key: KnownKey | None = None

    @property
    def genuine(self) -> bool:
        return self.status is Status.GENUINE

    def to_json(self) -> dict[str, Any]:
        return {
            "genuine": self.genuine,
            "status": str(self.status),
            "reason": self.reason,
            "claims": self.claims.to_json() if self.claims else None,
            "lookup_url": self.lookup_url,
            "kid": self.kid,
            "key": (
                {
                    "kid": self.key.kid,
                    "agency_id": self.key.agency_id,
                    "slot": self.key.slot,
                    "source": self.key.source,
                    "revoked_at": self.key.revoked_at,
                }
                if self.key
                else None
            ),
        }


# ------------------------------------------------------------------ encoding helpers
def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _unb32(text: str, size: int, what: str) -> bytes:
    """Decode canonical unpadded base32 of exactly ``size`` bytes (else MalformedPayload).

    Canonical matters: the last character of a 16- or 64-byte value carries unused bits, and
    without this check two different texts would decode to the same signature or hash.
    """
    if len(text) != -(-size * 8 // 5):
        raise MalformedPayload(f"{what}: expected {-(-size * 8 // 5)} characters")
    try:
        data = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise MalformedPayload(f"{what}: not base32") from None
    if len(data) != size or _b32(data) != text:
        raise MalformedPayload(f"{what}: not canonical base32")
    return data


def _time(text: str, what: str) -> datetime:
    if not _TIME_RE.fullmatch(text):
        raise MalformedPayload(f"{what}: expected YYMMDDHHMM")
    # not strptime("%y"): it maps 69-99 to the 1900s; receipts are all 2000-2099
    y, mo, d, h, mi = (int(text[i : i + 2]) for i in range(0, 10, 2))
    try:
        return datetime(2000 + y, mo, d, h, mi, tzinfo=VN_TZ)
    except ValueError:
        raise MalformedPayload(f"{what}: {text} is not a valid date and time") from None


def _fmt_time(when: datetime) -> str:
    local = when.astimezone(VN_TZ)
    if not 2000 <= local.year <= 2099:
        raise MalformedPayload(f"{local:%Y}: receipt times must be in 2000-2099")
    return local.strftime(TIME_FORMAT)


def _minute(when: datetime) -> datetime:
    return when.astimezone(VN_TZ).replace(second=0, microsecond=0)


# ------------------------------------------------------------------ config
@cache
def qr_config() -> dict[str, Any]:
    """``resources/receipts/qr.yaml``: the default lookup URL and the payload version."""
    path = resource_path("receipts", "qr.yaml")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise QrError(f"cannot read {path}: {exc.strerror}") from exc
    if not isinstance(data, dict) or data.get("payload_version") not in SUPPORTED_VERSIONS:
        raise QrError(f"{path}: payload_version must be one of {SUPPORTED_VERSIONS}")
    return data


def normalize_lookup_url(url: str | None) -> str:
    """The lookup base as printed in the QR: upper case, ending in "/" ("" = no link).

    Raises LookupUrlError when it cannot be encoded in the QR alphanumeric set or is longer
    than MAX_LOOKUP_URL (the bound the QR version measurement assumes).
    """
    text = (url or "").strip()
    if not text:
        return ""
    text = text.upper()
    if not text.endswith("/"):
        text += "/"
    if not _LOOKUP_RE.fullmatch(text):
        raise LookupUrlError(
            f"lookup URL {url!r}: must be http(s)://host/path/ using only letters, digits "
            "and $+-.:/ (no query string, no %, no *)"
        )
    if len(text) > MAX_LOOKUP_URL:
        raise LookupUrlError(
            f"lookup URL {url!r}: {len(text)} characters, at most {MAX_LOOKUP_URL} keep the "
            "receipt QR small enough for thermal paper"
        )
    return text


def lookup_url_for(db: Any) -> str:
    """The office's ``receipt_lookup_url`` setting if set, else qr.yaml's ``lookup_url``."""
    configured = settings_rows.get_all(db).get(LOOKUP_URL_SETTING)
    if configured is not None:
        return normalize_lookup_url(configured)
    return normalize_lookup_url(qr_config().get("lookup_url"))


# ------------------------------------------------------------------ make
def encode(claims: Claims, key: DeviceKey, lookup_url: str = "") -> str:
    """The signed QR text for ``claims`` (deterministic: Ed25519 signatures are).

    Raises MalformedPayload when a claim cannot be written in format v1 (a code not in the
    national format, a procedure code over 16 characters, a time outside 2000-2099) and
    LookupUrlError for an unusable ``lookup_url``.
    """
    lookup = normalize_lookup_url(lookup_url)
    code = claims.code.upper()
    if not CODE_RE.fullmatch(code):
        raise MalformedPayload(f"dossier code {claims.code!r} is not in the national format")
    procedure = claims.procedure.upper()
    if not _PROC_RE.fullmatch(procedure):
        raise MalformedPayload(f"procedure code {claims.procedure!r} cannot go in the QR")
    try:
        digest = bytes.fromhex(claims.content_hash_prefix)[:HASH_BYTES]
    except ValueError:
        raise MalformedPayload("content hash is not hex") from None
    if len(digest) != HASH_BYTES:
        raise MalformedPayload(f"content hash shorter than {HASH_BYTES} bytes")
    fields = [
        str(PAYLOAD_VERSION),
        code,
        procedure,
        _fmt_time(claims.received_at),
        _fmt_time(claims.appointment_at) if claims.appointment_at else "",
        _b32(digest),
        key.kid,
    ]
    unsigned = lookup + SEP.join(fields) + SEP
    return unsigned + _b32(key.sign(SIGNING_CONTEXT + unsigned.encode("ascii")))


def claims_of(dossier: Mapping[str, Any]) -> Claims:
    """The claims of a stored dossier row (``kiosk_app.store.dossiers`` shape)."""
    appt = dossier.get("appointment_at")
    return Claims(
        code=dossier["code"],
        procedure=dossier["procedure_code"],
        received_at=_minute(datetime.fromisoformat(dossier["received_at"])),
        appointment_at=_minute(datetime.fromisoformat(appt)) if appt else None,
        content_hash_prefix=dossier["content_hash"][: HASH_BYTES * 2],
    )


def qr_text_for(kiosk: Any, code: str) -> str:
    """The signed QR text of the STORED dossier ``code`` (never screen state).

    ``kiosk`` is a :class:`kiosk_app.bootstrap.Kiosk`. Makes this device's key on first use
    (one short write transaction), then reads the dossier and the lookup URL. Raises
    DossierNotFound for an unknown code, LookupUrlError for an unusable URL setting.
    """
    qr_config()  # a broken qr.yaml is reported even when the office sets its own URL
    with kiosk.store.read() as db:
        dossier = dossier_rows.get(db, code=code)
        lookup = lookup_url_for(db)
    if dossier is None:
        raise DossierNotFound(f"no stored dossier with code {code!r}")
    office = kiosk.office
    clock = getattr(getattr(kiosk, "intake", None), "clock", None) or now_vn
    key = ensure_device_key(
        kiosk.store, kiosk.data_dir, office.agency_id, office.device_slot, clock=clock
    )
    return encode(claims_of(dossier), key, lookup)


def qr_code(text: str) -> qrcode.QRCode:
    """A QRCode for ``text`` with the receipt settings: error correction M, smallest version,
    one alphanumeric segment for a v1 text (other text: qrcode's own mode choice), 4-module
    quiet zone. Renderers should use this so the version the tests measure is the one printed.
    """
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    if qrcode.util.RE_ALPHA_NUM.fullmatch(text.encode("ascii", "replace")):
        # one alphanumeric segment: qrcode's optimiser would cut numeric runs out of it, each
        # cut costing a 13-bit segment header for ~2 bits saved a digit (measured: no gain)
        qr.add_data(qrcode.util.QRData(text, mode=qrcode.util.MODE_ALPHA_NUM))
    else:
        qr.add_data(text)
    qr.make(fit=True)
    return qr


# ------------------------------------------------------------------ read
def parse(text: str) -> Payload:
    """Parse a QR text (raises MalformedPayload and nothing else, whatever the input)."""
    if not isinstance(text, str):
        raise MalformedPayload("not text")
    text = text.strip()
    if not text:
        raise MalformedPayload("empty")
    if len(text) > MAX_TEXT:
        raise MalformedPayload(f"{len(text)} characters, longer than any receipt QR")
    if not text.isascii():
        # checked before upper-casing: "ſ".upper() == "S", "ı".upper() == "I"
        raise MalformedPayload("contains characters a receipt QR never has")
    text = text.upper()
    if not _TEXT_RE.fullmatch(text):
        raise MalformedPayload("contains characters a receipt QR never has")
    cut = text.rfind("/") + 1
    lookup, body = text[:cut], text[cut:]
    if lookup and not _LOOKUP_RE.fullmatch(lookup):
        raise MalformedPayload("the part before the payload is not an http(s) address")
    fields = body.split(SEP)
    if fields[0] not in {str(v) for v in SUPPORTED_VERSIONS}:
        raise MalformedPayload(f"not a receipt payload version this program reads: {fields[0]!r}")
    version = int(fields[0])
    if len(fields) != 8:
        raise MalformedPayload(f"expected 8 fields separated by '*', found {len(fields)}")
    _, code, proc, received, appt, hash32, kid, sig32 = fields
    if not CODE_RE.fullmatch(code):
        raise MalformedPayload(f"dossier code {code!r} is not in the national format")
    try:
        parse_code(code)
    except CodeError:
        raise MalformedPayload(f"dossier code {code!r} has an impossible date") from None
    if not _PROC_RE.fullmatch(proc):
        raise MalformedPayload(f"procedure code {proc!r} is malformed")
    claims = Claims(
        code=code,
        procedure=proc,
        received_at=_time(received, "received time"),
        appointment_at=_time(appt, "appointment time") if appt else None,
        content_hash_prefix=_unb32(hash32, HASH_BYTES, "content hash").hex(),
    )
    _unb32(kid, KID_BYTES, "key id")
    signature = _unb32(sig32, SIG_BYTES, "signature")
    signed = SIGNING_CONTEXT + text[: len(text) - len(sig32)].encode("ascii")
    return Payload(lookup, version, claims, kid, signature, signed)


def verify(text: str, known_keys: Mapping[str, KnownKey]) -> Verdict:
    """Check a QR text against the known keys (by kid). Never raises on any ``text``.

    Order: malformed → unknown key → signature (tampered) → revoked → wrong issuer. A revoked
    key fails even for receipts dated before its revocation: whoever holds a compromised key
    can back-date, so such receipts are checked against the province's records instead.
    """
    try:
        p = parse(text)
    except MalformedPayload as exc:
        return Verdict(Status.MALFORMED, f"not a receipt QR: {exc}")
    common = {"claims": p.claims, "lookup_url": p.lookup_url or None, "kid": p.kid}
    key = known_keys.get(p.kid)
    if key is None:
        return Verdict(
            Status.UNKNOWN_KEY,
            f"signed by key {p.kid}, which this kiosk does not know "
            "(import it with `motcua receipt keys import`)",
            **common,
        )
    if not signature_ok(key.public_key, p.signature, p.signed):
        return Verdict(
            Status.TAMPERED,
            "the signature does not match the text: the QR was altered or forged "
            "(the whole text is signed, lookup address included)",
            key=key,
            **common,
        )
    if key.revoked:
        why = f" ({key.revoked_reason})" if key.revoked_reason else ""
        return Verdict(
            Status.REVOKED, f"key {p.kid} was revoked on {key.revoked_at}{why}", key=key, **common
        )
    agency = p.claims.code.rsplit("-", 2)[0]
    if key.agency_id and key.agency_id != agency:
        return Verdict(
            Status.WRONG_ISSUER,
            f"key {p.kid} belongs to agency {key.agency_id}, which cannot issue codes of {agency}",
            key=key,
            **common,
        )
    return Verdict(Status.GENUINE, f"signed by known key {p.kid}", key=key, **common)


def compare_with_dossier(claims: Claims, dossier: Mapping[str, Any]) -> list[str]:
    """Which fixed facts of a stored dossier row differ from a receipt's claims ([] = agree).

    The appointment is not compared: it moves legitimately after the receipt (a kiosk
    submission accepted at the desk, a supplementation pause, an apology slip's new date).
    """
    stored = claims_of(dossier)
    names = {
        "code": "dossier code",
        "procedure": "procedure",
        "received_at": "received time",
        "content_hash_prefix": "content hash",
    }
    return [
        label for attr, label in names.items() if getattr(stored, attr) != getattr(claims, attr)
    ]


# ------------------------------------------------------------------ images
def decode_image(path: str | Path) -> list[str]:
    """Texts of every QR code zxing-cpp finds in an image file (may be empty).

    Raises ImageUnreadable when the file is missing or not an image pillow can open.
    """
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    try:
        with Image.open(path) as img:
            img.load()
            gray = img.convert("L")
    except FileNotFoundError:
        raise ImageUnreadable(f"{path}: no such file") from None
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise ImageUnreadable(f"{path}: not an image file pillow can read") from None
    except (OSError, ValueError, SyntaxError) as exc:
        # truncated or corrupt files surface as OSError/ValueError/SyntaxError from plugins
        raise ImageUnreadable(f"{path}: cannot read the image ({exc})") from None
    found = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    return [b.text for b in found if b.text]
