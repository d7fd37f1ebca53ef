"""Fuzzing :func:`kiosk_app.core.vietqr.parse` (a bank-transfer QR scanned or pasted): a dict
or VietQRError (Vietnamese message), never anything else."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from kiosk_app.core import vietqr
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.strategies import hostile_text

GOOD = vietqr.build("970415", "113366668888", 150_000, "000.00.06.H56-250312-1001")


def _parse(text: object) -> None:
    try:
        out = vietqr.parse(text)  # type: ignore[arg-type]
    except vietqr.VietQRError as exc:
        assert str(exc)
        return
    assert out["bank_bin"] and out["account"] and out["currency"] == "704"


def test_genuine_parses() -> None:
    assert vietqr.parse(GOOD)["amount"] == 150_000


@fuzz_settings(400)
@given(hostile_text(max_size=300) | st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
@example("0000")
@example("00020163")
@example("0099" + "0" * 99)
@example(None)
@example(b"00020101")
def test_any_text(text: object) -> None:
    _parse(text)


@fuzz_settings(400)
@given(st.data())
def test_mutated_genuine(data: st.DataObject) -> None:
    text = list(GOOD)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text) - 1))
        ch = data.draw(st.sampled_from("0123456789") | st.characters(max_codepoint=0x7F))
        op = data.draw(st.sampled_from(["ins", "del", "rep"]))
        if op == "ins":
            text.insert(i, ch)
        elif op == "del":
            del text[i]
        else:
            text[i] = ch
    body = "".join(text)
    if data.draw(st.booleans()) and "6304" in body:  # keep the CRC right, so deeper checks run
        body = body[: body.rindex("6304") + 4]
        body += vietqr._crc_hex(body)
    _parse(body)
    find = vietqr.find_dossier_codes(body)
    assert isinstance(find, list)


@fuzz_settings(200)
@given(hostile_text(max_size=2000))
@example("0" * 10_000)
@example("000.00.06.H56 " * 2000)
def test_find_dossier_codes(text: str) -> None:
    assert isinstance(vietqr.find_dossier_codes(text), list)
