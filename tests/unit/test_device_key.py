"""The device's Ed25519 key: made once, kept private, known by kid; export/import; revocation."""

from __future__ import annotations

import base64
import os
import stat
import threading
from pathlib import Path

import pytest

from kiosk_app.core import device_key as dk
from kiosk_app.store import audit
from kiosk_app.store import keys as key_rows
from kiosk_app.store.db import open_store
from kiosk_app.store.keys import KnownKey

AGENCY = "000.00.06.H56"
OTHER = "000.00.07.H56"


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "kiosk.sqlite")
    yield s
    s.close()


def test_key_is_made_once_private_and_recorded(store, tmp_path: Path) -> None:
    key = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    again = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    assert again.kid == key.kid and again.public_key == key.public_key
    path = dk.key_path(tmp_path, key.kid)
    assert b"PRIVATE KEY" not in path.read_bytes()  # sealed with the data key
    assert dk.load_private(tmp_path, key.kid).public_key() is not None
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    known = dk.known_keys(store)
    assert list(known) == [key.kid]
    row = known[key.kid]
    assert (row.public_key, row.agency_id, row.slot, row.source) == (
        key.public_key,
        AGENCY,
        1,
        "self",
    )
    assert row.revoked_at is None and row.added_at
    with store.read() as db:
        assert audit.verify_chain(db) == []
        assert [r[0] for r in db.execute("SELECT action FROM audit")] == ["device_key.create"]


def test_key_survives_reopening_the_store(tmp_path: Path) -> None:
    with open_store(tmp_path / "kiosk.sqlite") as s:
        kid = dk.ensure_device_key(s, tmp_path, AGENCY, 1).kid
    with open_store(tmp_path / "kiosk.sqlite") as s:
        assert dk.ensure_device_key(s, tmp_path, AGENCY, 1).kid == kid


def test_kid_is_a_short_stable_fingerprint_of_the_public_key(store, tmp_path: Path) -> None:
    key = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    assert len(key.kid) == dk.KID_LENGTH == 8
    assert set(key.kid) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert dk.key_id(key.public_key) == key.kid
    assert dk.key_id(bytes(32)) == dk.key_id(bytes(32)) != dk.key_id(b"\x01" + bytes(31))


def test_signatures_check_only_with_the_right_key_and_message(store, tmp_path: Path) -> None:
    key = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    sig = key.sign(b"hello")
    assert len(sig) == 64 and key.sign(b"hello") == sig  # Ed25519 is deterministic
    assert dk.signature_ok(key.public_key, sig, b"hello")
    assert not dk.signature_ok(key.public_key, sig, b"hellO")
    assert not dk.signature_ok(bytes(32), sig, b"hello")
    assert not dk.signature_ok(b"short", sig, b"hello")


def test_another_agency_gets_its_own_key_and_the_old_one_stays_known(store, tmp_path: Path) -> None:
    first = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    second = dk.ensure_device_key(store, tmp_path, OTHER, 2)
    assert first.kid != second.kid
    assert set(dk.known_keys(store)) == {first.kid, second.kid}
    assert dk.ensure_device_key(store, tmp_path, AGENCY, 1).kid == first.kid


def test_lost_key_file_makes_a_new_key_damaged_one_is_reported(store, tmp_path: Path) -> None:
    first = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    dk.key_path(tmp_path, first.kid).unlink()
    second = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    assert second.kid != first.kid
    assert first.kid in dk.known_keys(store)  # receipts it signed still verify
    assert dk.ensure_device_key(store, tmp_path, AGENCY, 1).kid == second.kid
    dk.key_path(tmp_path, second.kid).write_text("not a key")
    with pytest.raises(dk.DeviceKeyError, match="cannot decrypt"):
        dk.ensure_device_key(store, tmp_path, AGENCY, 1)


def test_key_file_with_a_foreign_key_is_refused(store, tmp_path: Path) -> None:
    a = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    b = dk.ensure_device_key(store, tmp_path, OTHER, 1)
    dk.key_path(tmp_path, a.kid).write_bytes(dk.key_path(tmp_path, b.kid).read_bytes())
    with pytest.raises(dk.DeviceKeyError, match="different key"):
        dk.load_private(tmp_path, a.kid)


def test_two_connections_racing_make_one_key(tmp_path: Path) -> None:
    # two Store objects = two connections, as the app and `motcua` beside it would have
    stores = [open_store(tmp_path / "kiosk.sqlite") for _ in range(4)]
    kids: list[str] = []
    barrier = threading.Barrier(len(stores))

    def make(s) -> None:
        barrier.wait()
        kids.append(dk.ensure_device_key(s, tmp_path, AGENCY, 1).kid)

    threads = [threading.Thread(target=make, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(kids)) == 1 and len(kids) == len(stores)
    assert list(dk.known_keys(stores[0])) == kids[:1]
    names = {p.name for p in (tmp_path / dk.KEYS_DIR).iterdir()} - {"data-key.json"}
    assert names == {f"{kids[0]}.key"}
    for s in stores:
        s.close()


def test_export_then_import_in_another_kiosk(tmp_path: Path) -> None:
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    with open_store(a_dir / "kiosk.sqlite") as a, open_store(b_dir / "kiosk.sqlite") as b:
        doc = dk.export_public_key(a, a_dir, AGENCY, 1)
        assert doc["format"] == "motcua-device-key" and doc["algorithm"] == "Ed25519"
        assert "private" not in str(doc).lower()
        parsed = dk.parse_key_documents(doc)
        [(row, what)] = dk.import_public_keys(b, parsed)
        assert what == "added" and row.source == "import" and row.kid == doc["kid"]
        assert base64.b64encode(row.public_key).decode() == doc["public_key"]
        assert (row.agency_id, row.slot) == (AGENCY, 1)
        # importing again changes nothing; a list and {"keys": [...]} are accepted too
        assert [w for _, w in dk.import_public_keys(b, dk.parse_key_documents([doc]))] == [
            "unchanged"
        ]
        assert len(dk.parse_key_documents({"keys": [doc, doc]})) == 2
        # this device's own key imported back is not duplicated
        assert [w for _, w in dk.import_public_keys(a, parsed)] == ["unchanged"]
        assert dk.known_keys(a)[doc["kid"]].source == "self"


def test_import_carries_revocation_but_never_undoes_it(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.sqlite") as a, open_store(tmp_path / "b.sqlite") as b:
        doc = dk.export_public_key(a, tmp_path, AGENCY, 1)
        dk.import_public_keys(b, dk.parse_key_documents(doc))
        revoked = doc | {"revoked_at": "2026-01-01T00:00:00+07:00"}
        [(row, what)] = dk.import_public_keys(b, dk.parse_key_documents(revoked))
        assert what == "revoked" and row.revoked_at == "2026-01-01T00:00:00+07:00"
        [(row, what)] = dk.import_public_keys(b, dk.parse_key_documents(doc))
        assert what == "unchanged" and row.revoked


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "pgp"}, "not a motcua-device-key"),
        ({"version": 2}, "not a motcua-device-key"),
        ({"algorithm": "RSA"}, "not Ed25519"),
        ({"public_key": "!!!"}, "not a base64 Ed25519"),
        ({"public_key": base64.b64encode(bytes(31)).decode()}, "not a base64 Ed25519"),
        ({"kid": "AAAAAAAA"}, "does not match"),
        ({"slot": "1"}, "whole number"),
        ({"agency_id": 5}, "must be text"),
        ({"revoked_at": 5}, "must be text"),
    ],
)
def test_bad_key_documents_are_refused(tmp_path: Path, change: dict, message: str) -> None:
    with open_store(tmp_path / "a.sqlite") as a:
        doc = dk.export_public_key(a, tmp_path, AGENCY, 1)
    with pytest.raises(dk.DeviceKeyError, match=message):
        dk.parse_key_documents(doc | change)


@pytest.mark.parametrize("data", [None, 5, "x", [], [1], {}, {"keys": []}])
def test_non_documents_are_refused(data: object) -> None:
    with pytest.raises(dk.DeviceKeyError):
        dk.parse_key_documents(data)


def test_a_known_kid_with_another_key_is_refused_and_nothing_written(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.sqlite") as a, open_store(tmp_path / "b.sqlite") as b:
        doc = dk.export_public_key(a, tmp_path, AGENCY, 1)
        good = dk.parse_key_documents(doc)[0]
        with b.write() as db:  # a row claiming that kid with different key bytes
            key_rows.insert(db, KnownKey(good.kid, bytes(32), AGENCY, 1, "server", "2026"))
        other = dk.export_public_key(a, tmp_path / "x", OTHER, 3)
        batch = dk.parse_key_documents(other) + [good]
        with pytest.raises(dk.DeviceKeyError, match="different key"):
            dk.import_public_keys(b, batch)
        assert list(dk.known_keys(b)) == [good.kid]  # the first key of the batch rolled back


def test_import_cannot_move_a_known_key_to_another_agency(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.sqlite") as a, open_store(tmp_path / "b.sqlite") as b:
        doc = dk.export_public_key(a, tmp_path, AGENCY, 1)
        dk.import_public_keys(b, dk.parse_key_documents(doc))
        with pytest.raises(dk.DeviceKeyError, match="known for agency"):
            dk.import_public_keys(b, dk.parse_key_documents(doc | {"agency_id": OTHER}))


def test_revoke(store, tmp_path: Path) -> None:
    key = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    row = dk.revoke_key(store, key.kid, reason="máy bị mất")
    assert row.revoked and row.revoked_reason == "máy bị mất"
    first_time = row.revoked_at
    assert dk.revoke_key(store, key.kid).revoked_at == first_time  # the first time is kept
    with pytest.raises(KeyError):
        dk.revoke_key(store, "AAAAAAAA")
    # a revoked self key is not used to sign: the next receipt gets a new key
    assert dk.ensure_device_key(store, tmp_path, AGENCY, 1).kid != key.kid
    with store.read() as db:
        assert audit.verify_chain(db) == []


def test_plaintext_pem_of_an_older_version_is_sealed_on_first_use(store, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    key = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    private = dk.load_private(tmp_path, key.kid)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    dk.key_path(tmp_path, key.kid).unlink()
    dk.legacy_key_path(tmp_path, key.kid).write_bytes(pem)  # as the older version left it
    again = dk.ensure_device_key(store, tmp_path, AGENCY, 1)
    assert again.kid == key.kid and again.public_key == key.public_key
    assert not dk.legacy_key_path(tmp_path, key.kid).exists()
    assert b"PRIVATE KEY" not in dk.key_path(tmp_path, key.kid).read_bytes()
