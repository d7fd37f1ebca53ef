"""The office recovery passphrase: the data key wrapped so a dead PC's data can be read again.

``keys/recovery.json`` in the data folder (and a copy in every backup manifest) holds::

    {"format": "motcua-recovery", "version": 1, "key_id": …, "check": …,
     "kdf": {"name": "argon2id", "salt": b64, "time_cost": 3, "memory_cost": 65536 (KiB),
             "parallelism": 1},
     "nonce": b64, "wrapped": b64}

``wrapped`` = AES-256-GCM(argon2id(passphrase, salt), nonce, data key, aad = format|key id).
Without the passphrase it is useless; with it, :func:`unwrap` gives the key back on any PC
(``motcua key recover``, ``motcua restore``). The passphrase is never stored. argon2id with
64 MiB makes each guess cost ~0.15 s here: a short passphrase is still guessable, so the
command refuses fewer than 12 characters. No Qt; thread-safe.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk_app.store import data_key
from kiosk_app.store.data_key import DataKeyError

FILE = "recovery.json"
FORMAT = "motcua-recovery"
MIN_LENGTH = 12
KDF = {"name": "argon2id", "time_cost": 3, "memory_cost": 65536, "parallelism": 1}


class RecoveryError(DataKeyError):
    """Wrong passphrase, no recovery file, or a damaged one (Vietnamese message)."""


def path(data_dir: Path) -> Path:
    return Path(data_dir) / data_key.KEYS_DIR / FILE


def _derive(passphrase: str, kdf: dict[str, Any], salt: bytes) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=int(kdf["time_cost"]),
        memory_cost=int(kdf["memory_cost"]),
        parallelism=int(kdf["parallelism"]),
        hash_len=32,
        type=Type.ID,
    )


def wrap(key: bytes, key_id: str, passphrase: str) -> dict[str, Any]:
    """The recovery document for ``key`` under ``passphrase``."""
    if len(passphrase) < MIN_LENGTH:
        raise RecoveryError(f"Cụm mật khẩu khôi phục phải có ít nhất {MIN_LENGTH} ký tự")
    salt, nonce = os.urandom(16), os.urandom(12)
    kdf = dict(KDF, salt=base64.b64encode(salt).decode("ascii"))
    kek = _derive(passphrase, kdf, salt)
    aad = f"{FORMAT}|{key_id}".encode()
    return {
        "format": FORMAT,
        "version": 1,
        "key_id": key_id,
        "check": data_key.check_value(key),
        "kdf": kdf,
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "wrapped": base64.b64encode(AESGCM(kek).encrypt(nonce, key, aad)).decode("ascii"),
    }


def unwrap(doc: dict[str, Any], passphrase: str) -> bytes:
    """The data key inside ``doc``; :class:`RecoveryError` for a wrong passphrase."""
    try:
        if doc["format"] != FORMAT or doc["version"] != 1 or doc["kdf"]["name"] != "argon2id":
            raise KeyError("format")
        salt = base64.b64decode(doc["kdf"]["salt"])
        nonce = base64.b64decode(doc["nonce"])
        wrapped = base64.b64decode(doc["wrapped"])
        aad = f"{FORMAT}|{doc['key_id']}".encode()
        kek = _derive(passphrase, doc["kdf"], salt)
    except (KeyError, TypeError, ValueError) as exc:
        raise RecoveryError("Tệp khôi phục khóa không hợp lệ hoặc bị hỏng") from exc
    try:
        key = AESGCM(kek).decrypt(nonce, wrapped, aad)
    except (InvalidTag, ValueError):
        raise RecoveryError(
            "Sai cụm mật khẩu khôi phục: không mở được khóa dữ liệu (không có gì bị thay đổi)"
        ) from None
    if not hmac.compare_digest(data_key.check_value(key), str(doc.get("check", ""))):
        raise RecoveryError("Tệp khôi phục khóa không khớp với khóa dữ liệu (tệp bị sửa?)")
    return key


def read(data_dir: Path) -> dict[str, Any] | None:
    p = path(data_dir)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise RecoveryError(f"{p}: không đọc được tệp khôi phục khóa: {exc}") from exc
    if not isinstance(doc, dict):
        raise RecoveryError(f"{p}: tệp khôi phục khóa không hợp lệ")
    return doc


def write(data_dir: Path, doc: dict[str, Any]) -> Path:
    from kiosk_app.store.secret_files import write_secret

    return write_secret(path(data_dir), json.dumps(doc, indent=1).encode("utf-8"))


def set_passphrase(data_dir: Path, passphrase: str) -> Path:
    """Wrap the folder's data key under ``passphrase`` (replacing any earlier one)."""
    ref = data_key.read_ref(data_dir)
    key = data_key.load_key(data_dir)
    if ref is None or key is None:
        raise RecoveryError(f"{data_dir}: chưa có khóa dữ liệu (mở kho dữ liệu một lần trước)")
    return write(data_dir, wrap(key, ref.key_id, passphrase))


def recover(data_dir: Path, passphrase: str) -> data_key.KeyRef:
    """Unwrap the folder's key with ``passphrase`` and keep it on this computer."""
    doc = read(data_dir)
    if doc is None:
        raise RecoveryError(
            f"{data_dir}: không có tệp khôi phục khóa ({path(data_dir)}); không thể giải mã"
        )
    key = unwrap(doc, passphrase)
    return data_key.install_key(data_dir, key, str(doc["key_id"]))
