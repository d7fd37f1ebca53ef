"""Encryption at rest, the pieces: the MCA1 attachment format, sealed secrets, the data key's
provider (key file, keyring, refusals) and the recovery passphrase."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_app.store import crypto_files as cf
from kiosk_app.store import data_key, recovery
from kiosk_app.store.attachments import AttachmentError, AttachmentStore
from kiosk_app.store.db import StoreError, open_store, raw_connect

KEY = bytes(range(32))
OTHER = bytes(range(1, 33))
ROOT = Path(__file__).resolve().parents[2]


def encrypt(data: bytes, chunk: int = 64, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    enc = cf.FileEncryptor(key, out, chunk)
    for i in range(0, len(data), 7):  # pieces of any size
        enc.write(data[i : i + 7])
    enc.finish()
    return out.getvalue()


def decrypt(blob: bytes, key: bytes = KEY) -> bytes:
    return b"".join(cf.decrypt_stream(key, io.BytesIO(blob)))


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_round_trip_at_chunk_edges_and_random_access(size: int) -> None:
    data = os.urandom(size)
    blob = encrypt(data)
    assert len(blob) == cf.encrypted_size(size, 64)
    assert decrypt(blob) == data
    r = cf.EncryptedReader(KEY, io.BytesIO(blob), len(blob))
    assert r.size == size and r.read() == data
    if size > 10:
        r.seek(size - 10)
        assert r.read(5) == data[-10:-5]
        r.seek(3)
        assert r.read(70) == data[3:73]


def test_wrong_key_tamper_truncation_reorder_and_trailing_bytes_are_refused() -> None:
    data = os.urandom(300)  # 5 chunks of 64
    blob = encrypt(data)
    seg = 64 + cf.TAG
    bad = {
        "wrong key": (blob, OTHER),
        "flipped bit": (blob[:40] + bytes([blob[40] ^ 1]) + blob[41:], KEY),
        "edited header": (blob[:12] + bytes([blob[12] ^ 1]) + blob[13:], KEY),
        "cut at a chunk edge": (blob[: cf.HEADER_LEN + 2 * seg], KEY),
        "cut inside a chunk": (blob[:-5], KEY),
        "chunks swapped": (
            blob[: cf.HEADER_LEN]
            + blob[cf.HEADER_LEN + seg : cf.HEADER_LEN + 2 * seg]
            + blob[cf.HEADER_LEN : cf.HEADER_LEN + seg]
            + blob[cf.HEADER_LEN + 2 * seg :],
            KEY,
        ),
        "trailing bytes": (blob + b"x" * 20, KEY),
        "header only": (blob[: cf.HEADER_LEN], KEY),
    }
    for name, (b, k) in bad.items():
        with pytest.raises(cf.CryptoError, match="không giải mã được"):
            decrypt(b, k)
        with pytest.raises(cf.CryptoError):
            cf.EncryptedReader(k, io.BytesIO(b), len(b)).read()
        assert name


def test_sealed_secret_is_bound_to_key_and_purpose() -> None:
    sealed = cf.seal(KEY, "device-key", b"-----BEGIN PRIVATE KEY-----")
    assert b"PRIVATE" not in sealed
    assert cf.unseal(KEY, "device-key", sealed) == b"-----BEGIN PRIVATE KEY-----"
    for key, purpose in ((OTHER, "device-key"), (KEY, "sync-credential")):
        with pytest.raises(cf.CryptoError):
            cf.unseal(key, purpose, sealed)


def test_attachment_store_reads_plaintext_only_through_its_api(tmp_path: Path) -> None:
    files = AttachmentStore(tmp_path / "att", KEY)
    data = b"CCCD 001090012345 " * 200_000  # 3.6 MB: several 1 MiB chunks
    f = files.put_bytes(data)
    raw = files.path(f.sha256).read_bytes()
    assert b"001090012345" not in raw and raw.startswith(cf.FILE_MAGIC)
    assert files.read_bytes(f.sha256) == data and files.size(f.sha256) == len(data)
    with files.open(f.sha256) as r:
        r.seek(len(data) - 100)
        assert r.read() == data[-100:]
    assert files.verify(f.sha256)
    assert not AttachmentStore(tmp_path / "att", OTHER).verify(f.sha256)
    with pytest.raises(AttachmentError, match="không giải mã được"):
        AttachmentStore(tmp_path / "att", OTHER).read_bytes(f.sha256)
    files.path(f.sha256).write_bytes(raw[: len(raw) // 2])  # truncated on disk
    assert not files.verify(f.sha256)
    with pytest.raises(AttachmentError):
        files.read_bytes(f.sha256)


# ------------------------------------------------------------------ the data key
def test_key_file_lives_outside_the_data_folder_0600(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key = data_key.load_or_create(data_dir)
    ref = data_key.read_ref(data_dir)
    assert ref is not None and ref.source == "file"
    kf = data_key.key_file(ref.key_id)
    assert kf.parent == Path(os.environ["MOTCUA_KEY_DIR"])
    assert not kf.is_relative_to(data_dir)
    assert key.hex() not in "".join(
        p.read_text(errors="replace") for p in data_dir.rglob("*") if p.is_file()
    )
    if os.name == "posix":
        assert stat.S_IMODE(kf.stat().st_mode) == 0o600
        assert stat.S_IMODE(kf.parent.stat().st_mode) == 0o700
    assert data_key.load_or_create(data_dir) == key  # stable


def test_default_key_file_is_in_the_user_config_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("MOTCUA_KEY_DIR")
    monkeypatch.setenv("MOTCUA_KEYRING", "0")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    data_key.load_or_create(tmp_path / "data")
    ref = data_key.read_ref(tmp_path / "data")
    assert ref is not None
    assert data_key.key_file(ref.key_id).is_file()
    assert data_key.key_file(ref.key_id).is_relative_to(tmp_path / "config" / "motcua-kiosk")


def test_keyring_used_when_real_and_refused_when_fail_or_plaintext(
    tmp_path: Path, monkeypatch
) -> None:
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.backends import fail

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    class PlaintextKeyring(Memory):
        pass

    monkeypatch.delenv("MOTCUA_KEY_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(fail.Keyring())
        assert data_key.keyring_backend() is None
        keyring.set_keyring(PlaintextKeyring())
        assert data_key.keyring_backend() is None
        keyring.set_keyring(Memory())
        assert data_key.keyring_backend() is not None
        key = data_key.load_or_create(tmp_path / "data")
        ref = data_key.read_ref(tmp_path / "data")
        assert ref is not None and ref.source == "keyring"
        assert Memory.store[("motcua-kiosk", f"data-key-{ref.key_id}")] == key.hex()
        assert not (tmp_path / "config").exists()  # no key file written
        data_key.forget_cache()
        assert data_key.load_key(tmp_path / "data") == key  # read back from the keyring
        monkeypatch.setenv("MOTCUA_KEYRING", "0")
        assert data_key.keyring_backend() is None
    finally:
        keyring.set_keyring(previous)
        data_key.forget_cache()


def test_missing_or_wrong_key_is_a_clear_store_error(tmp_path: Path, monkeypatch) -> None:
    with open_store(tmp_path / "kiosk.sqlite") as s, s.write() as db:
        db.execute("INSERT INTO settings (key, value) VALUES ('agency_name', '\"Nam Đông\"')")
    ref = data_key.read_ref(tmp_path)
    assert ref is not None
    key = data_key.load_key(tmp_path)
    assert key is not None
    # the file alone, with no key or a wrong one, gives nothing
    with pytest.raises(StoreError):
        raw_connect(tmp_path / "kiosk.sqlite", None)
    with pytest.raises(StoreError, match="sai khóa"):
        raw_connect(tmp_path / "kiosk.sqlite", OTHER)
    # another computer: the key is not there
    monkeypatch.setenv("MOTCUA_KEY_DIR", str(tmp_path / "pc2"))
    data_key.forget_cache()
    with pytest.raises(data_key.DataKeyError, match="motcua key recover"):
        open_store(tmp_path / "kiosk.sqlite")
    # a key file holding another key
    data_key.key_file(ref.key_id).parent.mkdir(parents=True)
    data_key.key_file(ref.key_id).write_text(OTHER.hex())
    with pytest.raises(data_key.DataKeyError, match="không khớp"):
        open_store(tmp_path / "kiosk.sqlite")
    assert (tmp_path / "kiosk.sqlite").stat().st_size > 0  # nothing was overwritten


def test_recovery_passphrase_wraps_and_unwraps(tmp_path: Path, monkeypatch) -> None:
    key = data_key.load_or_create(tmp_path)
    with pytest.raises(recovery.RecoveryError, match="ít nhất"):
        recovery.set_passphrase(tmp_path, "short")
    recovery.set_passphrase(tmp_path, "Một cụm mật khẩu dài của xã")
    text = recovery.path(tmp_path).read_text()
    assert key.hex() not in text
    monkeypatch.setenv("MOTCUA_KEY_DIR", str(tmp_path / "pc2"))
    data_key.forget_cache()
    with pytest.raises(data_key.DataKeyError):
        data_key.load_key(tmp_path)
    with pytest.raises(recovery.RecoveryError, match="Sai cụm mật khẩu"):
        recovery.recover(tmp_path, "Một cụm mật khẩu sai của xã")
    recovery.recover(tmp_path, "Một cụm mật khẩu dài của xã")
    data_key.forget_cache()
    assert data_key.load_key(tmp_path) == key


def test_opening_a_store_does_not_import_keyring_when_the_key_is_in_a_file(
    tmp_path: Path,
) -> None:
    open_store(tmp_path / "kiosk.sqlite").close()
    code = (
        "import sys; from kiosk_app.store.db import open_store; "
        f"open_store({str(tmp_path / 'kiosk.sqlite')!r}).close(); "
        "print('keyring' in sys.modules)"
    )
    env = dict(os.environ)
    env.pop("MOTCUA_KEYRING", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_sync_credential_is_sealed_and_an_old_plaintext_one_is_sealed_on_read(
    tmp_path: Path,
) -> None:
    import json

    from sync.client_enrol import credential_path, load_credential, save_credential

    values = {"token": "tok-SECRET-1", "refresh_token": "ref-SECRET-2", "device_id": "d1"}
    save_credential(tmp_path, values)
    raw = credential_path(tmp_path).read_bytes()
    assert b"SECRET" not in raw and cf.is_sealed(raw)
    assert load_credential(tmp_path) == values
    # a credential written by a version without encryption
    credential_path(tmp_path).write_text(json.dumps(values))
    assert load_credential(tmp_path) == values
    assert b"SECRET" not in credential_path(tmp_path).read_bytes()
    assert load_credential(tmp_path) == values
    # another data key (a copied folder): refused, not misread
    data_key.ref_path(tmp_path).unlink()
    data_key.forget_cache()
    from sync.client_errors import PermanentError

    with pytest.raises(PermanentError, match="cannot read the sync credential"):
        load_credential(tmp_path)
