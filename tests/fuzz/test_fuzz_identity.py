"""Fuzzing the chip-card (CCCD) QR text and the identity-number checks.

The QR text comes from a USB scanner typing into the desk (kiosk_app.ui.scanner) or from a
phone app's export: anything at all may arrive. :func:`parse_cccd_qr` must return a CccdQr
whose fields are valid, or raise CccdQrError with a Vietnamese message — nothing else, quickly.
"""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import example, given
from hypothesis import strategies as st

from kiosk_app.core.identity import (
    CccdQr,
    CccdQrError,
    check_cccd,
    check_id_number,
    check_name,
    check_phone,
    parse_cccd_qr,
)
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.strategies import hostile_text

GOOD = "001099012345|123456789|Nguyễn Văn An|01021999|Nam|Thôn 1, Xã A, Huyện B, Tỉnh C|15082021"
_VI_MARK = re.compile(r"[ạảãàáâậầấẩẫăắằặẳẵóòọõỏôộổỗồốơờớợởỡéèẻẹẽêếềệểễúùụủũưựữửừứíìịỉĩýỳỷỵỹđ]")

# pieces a QR field may be made of: plausible values, separators, and noise
_FIELD = st.one_of(
    st.from_regex(r"[0-9]{12}", fullmatch=True),
    st.from_regex(r"[0-9]{9}", fullmatch=True),
    st.from_regex(r"[0-9]{8}", fullmatch=True),
    st.sampled_from(["Nam", "Nữ", "NU", "m", "f", "", " ", "Nguyễn Thị Bình", "x" * 300]),
    hostile_text(max_size=40),
)


def _check_result(qr: CccdQr) -> None:
    assert re.fullmatch(r"[0-9]{12}", qr.id_number)
    assert qr.old_id_number == "" or re.fullmatch(r"[0-9]{9}|[0-9]{12}", qr.old_id_number)
    assert check_name(qr.full_name) == (qr.full_name, None)
    assert qr.sex in ("nam", "nu")
    assert isinstance(qr.date_of_birth, dt.date) and isinstance(qr.issue_date, dt.date)
    qr.to_person()


def _parse(text: str) -> None:
    try:
        qr = parse_cccd_qr(text)
    except CccdQrError as exc:
        assert str(exc) == exc.text.vi and str(exc).strip()
        assert _VI_MARK.search(str(exc).lower()), str(exc)
        return
    _check_result(qr)


@fuzz_settings(400)
@given(hostile_text(max_size=400))
@example(GOOD)
@example("|" * 6)
@example("]Q1" + GOOD + "\r\n")
@example("\ufeff" + GOOD.replace("|", "¦"))
@example(GOOD.replace("01021999", "31021999"))
@example(GOOD.replace("01021999", "00000000"))
@example("0" * 100_000)
@example("|".join(["001099012345"] * 5000))
def test_cccd_qr_any_text(text: str) -> None:
    _parse(text)


@fuzz_settings(400)
@given(st.lists(_FIELD, min_size=0, max_size=9), st.sampled_from(["|", "¦", "｜", "||"]))
def test_cccd_qr_field_shaped(fields: list[str], sep: str) -> None:
    _parse(sep.join(fields))


@fuzz_settings(300)
@given(st.data())
def test_cccd_qr_mutated(data: st.DataObject) -> None:
    """A genuine text with characters replaced, inserted or deleted."""
    text = list(GOOD)
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["ins", "del", "rep"]))
        ch = data.draw(st.characters())
        if op == "ins":
            text.insert(i, ch)
        elif text and i < len(text):
            if op == "del":
                del text[i]
            else:
                text[i] = ch
    _parse("".join(text))


@fuzz_settings(300)
@given(hostile_text(max_size=200), st.one_of(st.none(), hostile_text(max_size=12)))
def test_identity_checks_never_raise(text: str, other: str | None) -> None:
    """The field checks used while typing: a result object, never an exception."""
    assert check_cccd(text, birth_date=other, sex=other).kind == "cccd"
    for accept in (("cccd",), ("cccd", "cmnd"), ("cccd", "cmnd", "passport"), ("passport",)):
        r = check_id_number(text, accept=accept)
        assert r.ok == (not r.errors)
    number, msg = check_phone(text)
    assert (number is None) != (msg is None)
    name, msg = check_name(text)
    assert (name is None) != (msg is None)
