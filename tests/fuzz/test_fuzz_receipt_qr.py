"""Fuzzing what ``motcua receipt verify`` reads: the receipt QR text (typed, pasted, or
decoded from a photo) and the public-key documents of ``motcua receipt keys import``.

:func:`qr_payload.parse` raises only MalformedPayload; :func:`qr_payload.verify` never raises
and says GENUINE only for the untouched text; :func:`parse_key_documents` raises only
DeviceKeyError, and what it accepts can be stored.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk_app.core import device_key as dk
from kiosk_app.core.intake import VN_TZ
from kiosk_app.receipts import qr_payload as qp
from kiosk_app.store.keys import KnownKey
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.strategies import hostile_text

_PRIVATE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
_PUBLIC = dk.raw_public(_PRIVATE.public_key())
KEY = dk.DeviceKey(dk.key_id(_PUBLIC), _PRIVATE, "000.00.06.H56")
KNOWN = {KEY.kid: KnownKey(KEY.kid, _PUBLIC, KEY.agency_id, 1, "self", "2025-01-01")}
CLAIMS = qp.Claims(
    code="000.00.06.H56-250312-1001",
    procedure="1.001193",
    received_at=datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ),
    appointment_at=datetime(2025, 3, 14, 16, 0, tzinfo=VN_TZ),
    content_hash_prefix="ab" * 16,
)
GOOD = qp.encode(CLAIMS, KEY, "https://tracuu.motcua.example/r/")
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$+-./:* %"


def _verify(text: str) -> qp.Verdict:
    try:
        p = qp.parse(text)
    except qp.MalformedPayload as exc:
        assert str(exc)
        p = None
    verdict = qp.verify(text, KNOWN)
    assert (verdict.status is qp.Status.MALFORMED) == (p is None)
    json.dumps(verdict.to_json())
    return verdict


def test_the_genuine_text_verifies() -> None:
    assert _verify(GOOD).genuine


@fuzz_settings(500)
@given(hostile_text(max_size=500))
@example("1*")
@example("HTTPS://X/" * 40)
@example("/" * 399)
@example("ſ" + GOOD[1:])
@example(GOOD.lower())
@example(GOOD + "\x00")
def test_any_text(text: str) -> None:
    verdict = _verify(text)
    assert not verdict.genuine or text.strip().upper() == GOOD


@fuzz_settings(500)
@given(st.data())
def test_mutated_genuine_text_never_verifies(data: st.DataObject) -> None:
    """Every edit of a signed text is caught (malformed or tampered), never a crash."""
    text = list(GOOD)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text) - 1))
        op = data.draw(st.sampled_from(["ins", "del", "rep", "swap"]))
        ch = data.draw(st.sampled_from(ALNUM) | st.characters())
        if op == "ins":
            text.insert(i, ch)
        elif op == "del":
            del text[i]
        elif op == "rep":
            text[i] = ch
        else:
            j = data.draw(st.integers(0, len(text) - 1))
            text[i], text[j] = text[j], text[i]
    mutated = "".join(text)
    verdict = _verify(mutated)
    if mutated.strip().upper() != GOOD:
        assert not verdict.genuine, mutated


@fuzz_settings(300)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(GOOD.rsplit("/", 1)[1].split("*")),
            st.text(st.sampled_from(ALNUM), max_size=110),
        ),
        max_size=10,
    )
)
def test_field_shaped(fields: list[str]) -> None:
    _verify("*".join(fields))


# ------------------------------------------------------------------ key documents
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(hostile_text(12), inner, max_size=4)
    ),
    max_leaves=12,
)
_DOC = dk.export_document(KNOWN[KEY.kid])


@st.composite
def key_documents(draw: st.DrawFn) -> object:
    doc = dict(_DOC)
    for name in draw(st.lists(st.sampled_from(sorted(doc) + ["keys"]), max_size=4)):
        if draw(st.booleans()):
            doc.pop(name, None)
        else:
            doc[name] = draw(_JSON | st.integers(min_value=2**62, max_value=2**80))
    shape = draw(st.sampled_from(["one", "list", "keys", "raw"]))
    if shape == "raw":
        return draw(_JSON)
    return doc if shape == "one" else [doc] if shape == "list" else {"keys": [doc]}


@pytest.fixture(scope="module")
def key_store(tmp_path_factory: pytest.TempPathFactory) -> object:
    from kiosk_app.store.db import open_store

    store = open_store(Path(tmp_path_factory.mktemp("keys")) / "kiosk.db")
    yield store
    store.close()


@fuzz_settings(300)
@given(key_documents())
@example({"keys": []})
@example([{**_DOC, "slot": 2**70}])
@example([{**_DOC, "agency_id": "\ud800"}])
@example([{**_DOC, "revoked_at": "\udfff"}])
def test_key_documents(key_store: object, data: object) -> None:
    try:
        keys = dk.parse_key_documents(data)
    except dk.DeviceKeyError as exc:
        assert str(exc)
        return
    # what was accepted must be storable (the import is one transaction: all or nothing)
    with contextlib.suppress(dk.DeviceKeyError):
        dk.import_public_keys(key_store, keys)


# ------------------------------------------------------------------ images (--image FILE)
def _png(text: str) -> bytes:
    import io

    img = qp.qr_code(text).make_image(fill_color="black", back_color="white")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


_GOOD_PNG = _png(GOOD)


@fuzz_settings(60, deadline_ms=3000)
@given(st.data())
def test_image_files(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    """``motcua receipt verify --image``: a damaged, truncated or foreign file is
    ImageUnreadable or yields texts (which verify() judges), never another exception."""
    raw = bytearray(_GOOD_PNG)
    how = data.draw(st.sampled_from(["flip", "truncate", "random", "header"]))
    if how == "flip":
        for _ in range(data.draw(st.integers(1, 20))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    elif how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif how == "random":
        raw = bytearray(data.draw(st.binary(max_size=2000)))
    else:  # a PNG header claiming a huge picture (a decompression bomb)
        import struct
        import zlib

        ihdr = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 0, 0, 0, 0)
        chunk = b"IHDR" + ihdr
        raw = bytearray(
            b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + bytes(40)
        )  # fmt: skip
    path = tmp_path_factory.mktemp("img") / "receipt.png"
    path.write_bytes(bytes(raw))
    try:
        texts = qp.decode_image(path)
    except qp.ImageUnreadable as exc:
        assert str(exc)
        return
    for text in texts:
        _verify(text)


def test_untouched_image_verifies(tmp_path: Path) -> None:
    path = tmp_path / "receipt.png"
    path.write_bytes(_GOOD_PNG)
    assert qp.decode_image(path) == [GOOD] and _verify(GOOD).genuine
