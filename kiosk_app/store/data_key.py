"""The installation's data key: one random 256-bit key per data folder, kept outside it.

The key encrypts the store (SQLCipher raw key: no PBKDF2 at open), the attachment files and the
small secrets (:mod:`kiosk_app.store.crypto_files`). It never lives in the data folder, so a
copy of that folder (database, ``-wal``, attachments, backups) is unreadable on its own.

Where it lives (docs/encryption.md):
    * the OS credential store through ``keyring`` when a real backend is available (Windows
      Credential Manager, macOS Keychain, Secret Service on a Linux desktop): service
      ``motcua-kiosk``, user ``data-key-<key id>``;
    * otherwise (headless Linux, services, CI) a key file ``<user config dir>/keys/<key id>.key``
      (mode 0600, folder 0700, written atomically). It protects a copied data folder or a lost
      backup disk, not a stolen whole disk;
    * ``MOTCUA_KEY_DIR`` (tests, services) names the folder of key files and turns the keyring
      off; ``MOTCUA_KEYRING=0`` only turns the keyring off.

The data folder holds ``keys/data-key.json``: the key id, where the key was put (so opening
never imports ``keyring`` when the key is in a file: its entry-point scan costs ~150 ms) and a
check value (HMAC of the key) that tells "wrong key" from "damaged file". A recovery
passphrase can wrap the key beside it (:mod:`kiosk_app.store.recovery`).

Keys are cached per process by key id. Thread-safe (one lock around create/load).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from kiosk_app.store.db import StoreError

SERVICE = "motcua-kiosk"
KEYS_DIR = "keys"
REF_FILE = "data-key.json"
FORMAT = "motcua-data-key"
ENV_KEY_DIR = "MOTCUA_KEY_DIR"
ENV_KEYRING = "MOTCUA_KEYRING"
KEY_BYTES = 32

_lock = threading.Lock()
_cache: dict[tuple[str, str], bytes] = {}


class DataKeyError(StoreError):
    """The data key is missing, wrong or cannot be stored (Vietnamese message)."""


@dataclass(frozen=True)
class KeyRef:
    """What ``keys/data-key.json`` records (no secret in it)."""

    key_id: str
    source: str  # "keyring" or "file"
    check: str

    def location(self) -> str:
        if self.source == "keyring":
            return f"kho khóa của hệ điều hành (keyring: {SERVICE} / data-key-{self.key_id})"
        return str(key_file(self.key_id))


def ref_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEYS_DIR / REF_FILE


def check_value(key: bytes) -> str:
    return hmac.new(key, b"motcua data key check", hashlib.sha256).hexdigest()[:32]


def read_ref(data_dir: Path) -> KeyRef | None:
    """The folder's key reference, or None when the folder has never been encrypted."""
    p = ref_path(data_dir)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DataKeyError(f"{p}: không đọc được thông tin khóa dữ liệu: {exc}") from exc
    try:
        if raw["format"] != FORMAT:
            raise KeyError("format")
        ref = KeyRef(str(raw["key_id"]), str(raw["source"]), str(raw["check"]))
    except (KeyError, TypeError) as exc:
        raise DataKeyError(f"{p}: tệp thông tin khóa dữ liệu không hợp lệ") from exc
    if not ref.key_id.isalnum() or ref.source not in ("keyring", "file"):
        raise DataKeyError(f"{p}: tệp thông tin khóa dữ liệu không hợp lệ")
    return ref


def _write_ref(data_dir: Path, ref: KeyRef) -> None:
    from kiosk_app.store.secret_files import write_secret

    body = {"format": FORMAT, "key_id": ref.key_id, "source": ref.source, "check": ref.check}
    write_secret(ref_path(data_dir), json.dumps(body, indent=1).encode("utf-8"))


# ------------------------------------------------------------------ where keys are kept
def key_dir() -> Path:
    env = os.environ.get(ENV_KEY_DIR)
    if env:
        return Path(env)
    import platformdirs

    from kiosk_app.config import APP_NAME

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / KEYS_DIR


def key_file(key_id: str) -> Path:
    return key_dir() / f"{key_id}.key"


def keyring_backend() -> object | None:
    """A keyring backend that really stores secrets in the OS, or None.

    Refused: keyring's ``fail`` and ``null`` backends, a chainer with nothing behind it, any
    plaintext/file backend (``keyrings.alt``), anything with priority ≤ 0 — those would either
    fail or leave the key in a file we could just as well write ourselves.
    """
    if os.environ.get(ENV_KEY_DIR) or os.environ.get(ENV_KEYRING, "1") == "0":
        return None
    try:
        import keyring
        from keyring.backends import chainer
    except Exception:  # noqa: BLE001 - a broken keyring install means: no keyring
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return None
    candidates = list(backend.backends) if isinstance(backend, chainer.ChainerBackend) else []
    if isinstance(backend, chainer.ChainerBackend) and not candidates:
        return None
    for b in candidates or [backend]:
        mod = type(b).__module__
        if mod.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")):
            return None
        if "plaintext" in type(b).__name__.lower():
            return None
        try:
            if float(getattr(b, "priority", 0)) <= 0:
                return None
        except Exception:  # noqa: BLE001 - priority can raise when the backend is unusable
            return None
    return backend


def _store_key(key_id: str, key: bytes) -> str:
    """Put ``key`` in the best place available; returns the source recorded in the ref."""
    backend = keyring_backend()
    if backend is not None:
        try:
            backend.set_password(SERVICE, f"data-key-{key_id}", key.hex())  # type: ignore[attr-defined]
            return "keyring"
        except Exception:  # noqa: BLE001 - a locked/refusing keyring: fall back to the file
            pass
    from kiosk_app.store.secret_files import write_secret

    try:
        write_secret(key_file(key_id), key.hex().encode("ascii") + b"\n")
    except OSError as exc:
        raise DataKeyError(f"{key_file(key_id)}: không ghi được khóa dữ liệu: {exc}") from exc
    return "file"


def _fetch_key(ref: KeyRef) -> bytes | None:
    if ref.source == "keyring":
        try:
            import keyring

            text = keyring.get_password(SERVICE, f"data-key-{ref.key_id}")
        except Exception:  # noqa: BLE001
            text = None
    else:
        try:
            text = key_file(ref.key_id).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            text = None
    if not text:
        return None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


# ------------------------------------------------------------------ the API
def _slot(source: str, key_id: str) -> tuple[str, str]:
    # the cache follows where keys are looked up: a test that points MOTCUA_KEY_DIR at another
    # folder ("another computer") must not be served the first one's key from memory
    return (str(key_dir()) if source == "file" else "keyring", key_id)


def load_key(data_dir: Path) -> bytes | None:
    """The data folder's key; None when the folder has none yet (never encrypted).

    Raises :class:`DataKeyError` when the folder names a key this computer does not hold (a
    copied or restored folder: use the recovery passphrase, ``motcua key recover``).
    """
    ref = read_ref(data_dir)
    if ref is None:
        return None
    slot = _slot(ref.source, ref.key_id)
    with _lock:
        key = _cache.get(slot)
        if key is None:
            key = _fetch_key(ref)
            if key is None:
                raise DataKeyError(
                    f"{data_dir}: máy này không có khóa dữ liệu {ref.key_id} "
                    f"({ref.location()}); không giải mã được dữ liệu. Khôi phục khóa bằng cụm "
                    "mật khẩu khôi phục của cơ quan: motcua key recover"
                )
            if not hmac.compare_digest(check_value(key), ref.check):
                raise DataKeyError(
                    f"{data_dir}: khóa dữ liệu tìm thấy ({ref.location()}) không khớp với dữ "
                    "liệu này; không giải mã được"
                )
            _cache[slot] = key
    return key


def load_or_create(data_dir: Path) -> bytes:
    """The folder's key, made (and stored outside the folder) on first use.

    Crash safety: the key is stored before the reference that names it is written, so a crash
    leaves at worst an unused key, never a folder that names a key nobody kept.
    """
    key = load_key(data_dir)
    if key is not None:
        return key
    with _lock:
        ref = read_ref(data_dir)
        if ref is None:
            key = secrets.token_bytes(KEY_BYTES)
            key_id = secrets.token_hex(16)
            source = _store_key(key_id, key)
            ref = KeyRef(key_id, source, check_value(key))
            _write_ref(data_dir, ref)
            _cache[_slot(source, key_id)] = key
            return key
    return load_key(data_dir) or b""


def install_key(data_dir: Path, key: bytes, key_id: str | None = None) -> KeyRef:
    """Keep ``key`` on this computer for ``data_dir`` (a recovered or restored folder).

    The key id recorded in the folder is reused so the recovery file keeps matching.
    """
    old = None
    with contextlib.suppress(DataKeyError):  # a damaged ref is replaced by the new one
        old = read_ref(data_dir)
    key_id = key_id or (old.key_id if old else secrets.token_hex(16))
    with _lock:
        source = _store_key(key_id, key)
        ref = KeyRef(key_id, source, check_value(key))
        _write_ref(data_dir, ref)
        _cache[_slot(source, key_id)] = key
    return ref


def forget_cache() -> None:
    """Drop cached keys (tests that simulate a second computer)."""
    with _lock:
        _cache.clear()


def find_local_key(key_id: str, check: str) -> bytes | None:
    """The key ``key_id`` if this computer holds it (key file, then the keyring), else None.

    Used for a backup restored on the PC that wrote it: no passphrase needed there.
    """
    if not key_id.isalnum():
        return None
    for source in ("file", "keyring"):
        if source == "keyring" and keyring_backend() is None:
            continue
        key = _fetch_key(KeyRef(key_id, source, check))
        if key is not None and hmac.compare_digest(check_value(key), check):
            return key
    return None
