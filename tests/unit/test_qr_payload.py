"""The receipt QR: signed from the stored dossier, verified offline, small, readable by real
decoders (zxing-cpp and zbar), and safe on any input."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import qrcode.util
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFilter

from kiosk_app.core import device_key as dk
from kiosk_app.core.intake import VN_TZ
from kiosk_app.receipts import qr_payload as qp
from kiosk_app.store import dossiers as dossier_rows
from kiosk_app.store import settings as settings_rows

BIRTH = "1.001193"
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$+-./:*"


def _submit(kiosk, procedure: str = BIRTH, channel: str = "desk") -> str:
    example = kiosk.catalog.get(procedure).example_submission()
    return kiosk.intake.submit(
        procedure, example["answers"], example["documents"], channel=channel
    ).code


def _keys(kiosk) -> dict:
    return dk.known_keys(kiosk.store)


@pytest.fixture
def receipt(kiosk) -> tuple[object, str, str]:
    code = _submit(kiosk)
    return kiosk, code, qp.qr_text_for(kiosk, code)


# ------------------------------------------------------------------ round trip
def test_sign_then_verify_round_trip_from_the_stored_dossier(receipt) -> None:
    kiosk, code, text = receipt
    verdict = qp.verify(text, _keys(kiosk))
    assert verdict.genuine and verdict.status is qp.Status.GENUINE
    with kiosk.store.read() as db:
        d = dossier_rows.get(db, code=code)
    c = verdict.claims
    assert c.code == code == "000.00.06.H56-250312-1001"
    assert c.procedure == BIRTH
    assert c.received_at == datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ)
    assert c.received_at.isoformat() == d["received_at"][:16] + ":00+07:00"
    assert c.appointment_at == datetime.fromisoformat(d["appointment_at"]).replace(second=0)
    assert d["content_hash"].startswith(c.content_hash_prefix) and len(c.content_hash_prefix) == 32
    assert verdict.kid == verdict.key.kid and verdict.key.source == "self"
    assert verdict.lookup_url == "HTTPS://TRACUU.MOTCUA.EXAMPLE/R/"
    assert qp.compare_with_dossier(c, d) == []


def test_text_is_deterministic_uppercase_and_shaped_as_documented(receipt) -> None:
    kiosk, code, text = receipt
    assert qp.qr_text_for(kiosk, code) == text  # reprints carry the same QR
    assert text == text.upper() and set(text) <= set(ALNUM)
    lookup, body = text.rsplit("/", 1)
    fields = body.split("*")
    assert fields[:3] == ["1", code, BIRTH] and fields[3] == "2503120930"
    assert [len(f) for f in fields[5:]] == [26, 8, 103]


def test_unknown_code_is_a_clear_error(kiosk) -> None:
    with pytest.raises(qp.DossierNotFound, match="000.00.06.H56-250312-9999"):
        qp.qr_text_for(kiosk, "000.00.06.H56-250312-9999")


def test_kiosk_submission_without_appointment(kiosk) -> None:
    code = _submit(kiosk, channel="kiosk")
    text = qp.qr_text_for(kiosk, code)
    assert "*2503120930**" in text
    verdict = qp.verify(text, _keys(kiosk))
    assert verdict.genuine and verdict.claims.appointment_at is None


def test_office_setting_overrides_the_lookup_url(kiosk) -> None:
    code = _submit(kiosk)
    with kiosk.store.write() as db:
        settings_rows.put(db, {qp.LOOKUP_URL_SETTING: "https://dichvucong.hue.gov.vn/r"})
    text = qp.qr_text_for(kiosk, code)
    assert text.startswith("HTTPS://DICHVUCONG.HUE.GOV.VN/R/1*")
    assert qp.verify(text, _keys(kiosk)).genuine
    with kiosk.store.write() as db:
        settings_rows.put(db, {qp.LOOKUP_URL_SETTING: ""})  # no link at all
    bare = qp.qr_text_for(kiosk, code)
    assert bare.startswith("1*") and qp.verify(bare, _keys(kiosk)).genuine
    # the lookup address is signed: the bare payload cut out of a linked QR does not verify
    assert qp.verify(text.rsplit("/", 1)[1], _keys(kiosk)).status is qp.Status.TAMPERED


@pytest.mark.parametrize(
    "url",
    [
        "https://tracuu.example/r?code=",  # query string
        "https://tracuu.example/%20/",
        "ftp://tracuu.example/",
        "https://tracuu.example/a*b/",
        "https://" + "x" * 40 + ".vn/",  # longer than 48 once normalised
    ],
)
def test_unusable_lookup_urls_are_refused(url: str) -> None:
    with pytest.raises(qp.LookupUrlError):
        qp.normalize_lookup_url(url)


def test_lookup_url_is_normalised() -> None:
    assert qp.normalize_lookup_url("https://Tra.Cuu.vn:8443/r") == "HTTPS://TRA.CUU.VN:8443/R/"
    assert qp.normalize_lookup_url("  ") == "" and qp.normalize_lookup_url(None) == ""


# ------------------------------------------------------------------ not genuine
def _flips(text: str):
    """Every position, changed to two other characters a QR scanner could produce."""
    for i, ch in enumerate(text):
        for step in (1, 17):
            other = ALNUM[(ALNUM.index(ch) + step) % len(ALNUM)]
            yield i, text[:i] + other + text[i + 1 :]


def test_one_changed_character_anywhere_is_not_genuine(receipt) -> None:
    kiosk, _, text = receipt
    keys = _keys(kiosk)
    seen = set()
    for i, changed in _flips(text):
        verdict = qp.verify(changed, keys)
        assert not verdict.genuine, (i, changed)
        seen.add(verdict.status)
    # most flips keep the text readable and are caught by the signature
    assert qp.Status.TAMPERED in seen and qp.Status.MALFORMED in seen


def test_dropped_or_added_character_is_not_genuine(receipt) -> None:
    kiosk, _, text = receipt
    keys = _keys(kiosk)
    for i in range(len(text)):
        assert not qp.verify(text[:i] + text[i + 1 :], keys).genuine, i
        assert not qp.verify(text[:i] + "7" + text[i:], keys).genuine, i


def test_last_base32_character_padding_bits_cannot_be_changed(receipt) -> None:
    # 64 bytes = 103 base32 characters = 515 bits: the last character has 3 spare bits.
    # A lenient decoder would accept other characters there and call the receipt genuine.
    kiosk, _, text = receipt
    last = text[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    for other in alphabet:
        if other != last:
            assert not qp.verify(text[:-1] + other, _keys(kiosk)).genuine


def test_case_and_surrounding_whitespace_do_not_matter(receipt) -> None:
    kiosk, _, text = receipt
    assert qp.verify(f"  {text.lower()}\r\n", _keys(kiosk)).genuine
    # but look-alike non-ASCII letters that upper-case to ASCII are not the same text
    long_s = text.replace("S", "ſ", 1)
    assert long_s != text and not qp.verify(long_s, _keys(kiosk)).genuine


def test_unknown_key(receipt, tmp_path: Path) -> None:
    _, _, text = receipt
    verdict = qp.verify(text, {})
    assert verdict.status is qp.Status.UNKNOWN_KEY and not verdict.genuine
    assert verdict.claims is not None and verdict.kid in verdict.reason
    # another kiosk's keys do not help
    from kiosk_app.store.db import open_store

    with open_store(tmp_path / "other" / "k.sqlite") as other:
        dk.ensure_device_key(other, tmp_path / "other", "000.00.06.H56", 2)
        assert qp.verify(text, dk.known_keys(other)).status is qp.Status.UNKNOWN_KEY


def test_revoked_key(receipt) -> None:
    kiosk, code, text = receipt
    kid = qp.parse(text).kid
    dk.revoke_key(kiosk.store, kid, reason="máy bị mất")
    verdict = qp.verify(text, _keys(kiosk))
    assert verdict.status is qp.Status.REVOKED and not verdict.genuine
    assert verdict.claims.code == code and "máy bị mất" in verdict.reason
    # the next receipt is signed with a fresh key and is genuine again
    fresh = qp.qr_text_for(kiosk, code)
    assert qp.parse(fresh).kid != kid and qp.verify(fresh, _keys(kiosk)).genuine


def test_signature_of_another_key_under_a_known_kid_is_tampered(receipt, tmp_path) -> None:
    kiosk, _, text = receipt
    from kiosk_app.store.db import open_store

    with open_store(tmp_path / "x" / "k.sqlite") as other:
        impostor = dk.ensure_device_key(other, tmp_path / "x", "000.00.06.H56", 1)
    real = qp.parse(text)
    forged = qp.encode(real.claims, _ImpostorKey(real.kid, impostor), real.lookup_url)
    assert qp.parse(forged).kid == real.kid
    assert qp.verify(forged, _keys(kiosk)).status is qp.Status.TAMPERED


class _ImpostorKey:
    """Signs with someone else's private key while presenting a known kid."""

    def __init__(self, kid: str, key: dk.DeviceKey) -> None:
        self.kid, self._key = kid, key

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


def test_key_of_another_agency_cannot_issue_this_agencys_codes(receipt) -> None:
    kiosk, _, text = receipt
    other = dk.ensure_device_key(kiosk.store, kiosk.data_dir, "000.00.07.H56", 1)
    claims = qp.parse(text).claims  # a code of 000.00.06.H56
    forged = qp.encode(claims, other, "")
    verdict = qp.verify(forged, _keys(kiosk))
    assert verdict.status is qp.Status.WRONG_ISSUER and not verdict.genuine


def test_receipt_that_disagrees_with_the_stored_dossier_is_spotted(receipt) -> None:
    kiosk, code, text = receipt
    with kiosk.store.read() as db:
        d = dict(dossier_rows.get(db, code=code))
    d["content_hash"] = "0" * 64
    assert qp.compare_with_dossier(qp.parse(text).claims, d) == ["content hash"]


# ------------------------------------------------------------------ malformed
@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "HTTPS://TRACUU.MOTCUA.EXAMPLE/R/",
        "079123456789|123456789|Nguyễn Văn A|01011990|Nam|Huế|01012021",  # a CCCD chip QR
        "2*000.00.06.H56-250312-1001*1.001193*2503120930**" + "A" * 26 + "*AAAAAAAA*" + "A" * 103,
        "1*000.00.06.H56-250312-1001*1.001193*2503120930*" + "A" * 26 + "*AAAAAAAA*" + "A" * 103,
        "1*000.00.06.H56-251312-1001*1.001193*2503120930**" + "A" * 26 + "*AAAAAAAA*" + "A" * 103,
        "1*000.00.06.H56-250312-1001*1.001193*2502300930**" + "A" * 26 + "*AAAAAAAA*" + "A" * 103,
        "1*000.00.06.H56-250312-1001*1.001193*2503120930**" + "A" * 25 + "*AAAAAAAA*" + "A" * 103,
        "1*000.00.06.H56-250312-1001*1.001193*2503120930**" + "1" * 26 + "*AAAAAAAA*" + "A" * 103,
        "HTTP:/X/1*000.00.06.H56-250312-1001*1.001193*2503120930**"
        + "A" * 26
        + "*AAAAAAAA*"
        + "A" * 103,
        "1*" * 300,
    ],
)
def test_malformed_texts(text: str) -> None:
    with pytest.raises(qp.MalformedPayload):
        qp.parse(text)
    verdict = qp.verify(text, {})
    assert verdict.status is qp.Status.MALFORMED and not verdict.genuine


def test_a_well_formed_text_with_zero_signature_parses_and_is_not_genuine() -> None:
    text = "1*000.00.06.H56-250312-1001*1.001193*2503120930**" + "A" * 26 + "*AAAAAAAA*" + "A" * 103
    p = qp.parse(text)
    assert p.signature == bytes(64) and p.claims.appointment_at is None
    assert qp.verify(text, {}).status is qp.Status.UNKNOWN_KEY


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_random_text_only_ever_raises_malformed_payload(text: str) -> None:
    with contextlib.suppress(qp.MalformedPayload):  # anything else fails the test
        qp.parse(text)
    assert not qp.verify(text, {}).genuine


_SAMPLE = (
    "HTTPS://TRACUU.MOTCUA.EXAMPLE/R/1*000.00.06.H56-250312-1001*1.001193*2503120930*"
    "2503141700*T2ZR3XZBSDQR7SF4AX6ZWJGCKU*LUOZPKGV*" + "A" * 103
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_edits_of_a_real_receipt_are_never_genuine_and_never_crash(receipt, data) -> None:
    kiosk, _, text = receipt
    keys = _keys(kiosk)
    pieces = list(text)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(pieces) - 1))
        op = data.draw(st.sampled_from(["replace", "delete", "insert"]))
        ch = data.draw(st.sampled_from(ALNUM + "aé \n|/"))
        if op == "replace":
            pieces[i] = ch
        elif op == "delete":
            del pieces[i]
        else:
            pieces.insert(i, ch)
    changed = "".join(pieces)
    verdict = qp.verify(changed, keys)
    if verdict.genuine:  # only a pure case change (or whitespace at the ends) may survive
        assert changed.strip().upper() == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_SAMPLE.split("*") + ["", "*", "/", "1"]), max_size=12))
def test_recombined_fields_never_crash(parts: list[str]) -> None:
    text = "*".join(parts)
    with contextlib.suppress(qp.MalformedPayload):  # anything else fails the test
        qp.parse(text)


# ------------------------------------------------------------------ size
WORST_LOOKUP = "HTTPS://DICHVUCONG.THUATHIENHUE.GOV.VN/TRACUU/R/"  # 48: the most allowed


def _worst_claims() -> qp.Claims:
    return qp.Claims(
        code="999.99.99.Z99-991231-9999",  # every code has this length
        procedure="9.999999.999-999",  # 16 characters, longer than any national code (8)
        received_at=datetime(2099, 12, 31, 23, 59, tzinfo=VN_TZ),
        appointment_at=datetime(2099, 12, 31, 23, 59, tzinfo=VN_TZ),
        content_hash_prefix="ff" * 16,
    )


def test_worst_case_receipt_fits_qr_version_9_at_error_correction_m(tmp_path: Path) -> None:
    """Bound: version 9 (53x53 modules). At 6 printer dots a module (0.75 mm at 203 dpi) the
    symbol with its quiet zone is 46 mm, inside an 80 mm slip's 72 mm print width, and a
    phone reads 0.75 mm modules off thermal paper; version 10+ would need smaller modules."""
    from kiosk_app.store.db import open_store

    assert len(WORST_LOOKUP) == qp.MAX_LOOKUP_URL
    with open_store(tmp_path / "k.sqlite") as s:
        key = dk.ensure_device_key(s, tmp_path, "999.99.99.Z99", 9)
    text = qp.encode(_worst_claims(), key, WORST_LOOKUP)
    assert qp.parse(text).claims == _worst_claims()
    qr = qp.qr_code(text)
    assert qr.error_correction == qrcode.constants.ERROR_CORRECT_M
    assert qr.version <= qp.QR_VERSION_BOUND == 9, (qr.version, len(text))
    # one alphanumeric segment: nothing falls back to 8-bit byte mode
    assert [seg.mode for seg in qr.data_list] == [qrcode.util.MODE_ALPHA_NUM]
    # and the same text in byte mode would not fit the bound: the design choice matters
    byte_mode = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    byte_mode.add_data(qrcode.util.QRData(text.encode(), mode=qrcode.util.MODE_8BIT_BYTE))
    byte_mode.make(fit=True)
    assert byte_mode.version > qp.QR_VERSION_BOUND


def test_real_receipt_with_the_default_lookup_url_fits_the_bound(receipt) -> None:
    _, _, text = receipt
    assert qp.qr_code(text).version <= qp.QR_VERSION_BOUND


def test_over_long_procedure_codes_are_refused_rather_than_growing_the_qr(receipt) -> None:
    kiosk, _, text = receipt
    claims = qp.parse(text).claims
    key = dk.ensure_device_key(kiosk.store, kiosk.data_dir, "000.00.06.H56", 1)
    too_long = qp.Claims(
        claims.code, "1" * 17, claims.received_at, None, claims.content_hash_prefix
    )
    with pytest.raises(qp.MalformedPayload):
        qp.encode(too_long, key, "")


# ------------------------------------------------------------------ images
def _png(text: str, path: Path, box: int = 4) -> Path:
    qr = qp.qr_code(text)
    img = qr.make_image(fill_color="black", back_color="white").get_image()
    img = img.convert("L").resize(
        (img.width * box // qr.box_size, img.height * box // qr.box_size), Image.NEAREST
    )
    img.save(path)
    return path


def _thermal_photo(text: str, path: Path) -> Path:
    """4 dots a module at 203 dpi (0.5 mm), faded grey print, then photographed: scaled by
    a non-integer factor, blurred and slightly rotated."""
    qr = qp.qr_code(text)
    modules = qr.modules_count + 2 * qr.border
    img = Image.new("L", (modules * 4, modules * 4), 235)
    for y, row in enumerate(qr.get_matrix()):
        for x, dark in enumerate(row):
            if dark:
                img.paste(110, (x * 4, y * 4, x * 4 + 4, y * 4 + 4))
    img = img.resize((int(img.width * 1.7), int(img.height * 1.7)), Image.BILINEAR)
    img = img.rotate(4, resample=Image.BILINEAR, expand=True, fillcolor=235)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    img.save(path)
    return path


def test_qr_image_decodes_with_zxing_and_verifies(receipt, tmp_path: Path) -> None:
    kiosk, _, text = receipt
    assert qp.decode_image(_png(text, tmp_path / "r.png")) == [text]
    assert qp.verify(
        qp.decode_image(_thermal_photo(text, tmp_path / "t.png"))[0], _keys(kiosk)
    ).genuine


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg not installed")
@pytest.mark.parametrize("kind", ["clean", "thermal"])
def test_qr_image_decodes_with_zbar_and_verifies(receipt, tmp_path: Path, kind: str) -> None:
    kiosk, _, text = receipt
    make = _png if kind == "clean" else _thermal_photo
    path = make(text, tmp_path / f"{kind}.png")
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    decoded = out.stdout.strip()
    assert decoded == text
    assert qp.verify(decoded, _keys(kiosk)).genuine


def test_two_copies_on_one_page_both_decode(receipt, tmp_path: Path) -> None:
    _, _, text = receipt
    one = Image.open(_png(text, tmp_path / "one.png"))
    page = Image.new("L", (one.width * 2 + 40, one.height), 255)
    page.paste(one, (0, 0))
    page.paste(one, (one.width + 40, 0))
    page.save(tmp_path / "page.png")
    assert qp.decode_image(tmp_path / "page.png") == [text, text]


def test_image_without_qr_gives_an_empty_list(tmp_path: Path) -> None:
    Image.new("L", (200, 200), 255).save(tmp_path / "blank.png")
    assert qp.decode_image(tmp_path / "blank.png") == []


def test_unreadable_files_raise_image_unreadable(tmp_path: Path, receipt) -> None:
    _, _, text = receipt
    (tmp_path / "note.png").write_text("not an image")
    good = _png(text, tmp_path / "good.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(good[: len(good) // 2])
    for name in ("missing.png", "note.png", "cut.png"):
        with pytest.raises(qp.ImageUnreadable, match=name):
            qp.decode_image(tmp_path / name)
    with pytest.raises(qp.ImageUnreadable):
        qp.decode_image(tmp_path)  # a folder
