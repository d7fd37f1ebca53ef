"""The province's Ed25519 signing key: files, signing of published bundles, rotation.

Files (``<data>/keys/`` unless ``--province-key PATH`` names the private key):
``province.pem`` (PKCS#8 PEM, mode 0600, created with O_EXCL so an existing key is never
overwritten), ``province.pub.json`` (the public key document the kiosks pin; public) and,
after a rotation, ``province.endorsement.json`` (the new key document signed by the previous
key; attached to every signature so kiosks that pinned the old key move to the new one).
Losing ``province.pem`` means every kiosk must be given the new public key by hand: back it up.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from sync import signature as S

KEY_FILE = "province.pem"
PUBLIC_FILE = "province.pub.json"
ENDORSEMENT_FILE = "province.endorsement.json"
log = logging.getLogger("motcua.server")


class ProvinceKeyError(Exception):
    """The province key cannot be made, read or used (the message says why)."""


def default_path(data_dir: Path) -> Path:
    return Path(data_dir) / "keys" / KEY_FILE


def _write_new(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise ProvinceKeyError(f"{path} đã có; không ghi đè khoá của tỉnh") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, mode)  # umask may have taken bits away; never more than asked


def init_key(path: Path) -> dict[str, Any]:
    """Make a new province key at ``path`` (refuses to overwrite); its public document."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_new(Path(path), pem, 0o600)
    doc = S.key_document(_raw_public(private))
    (Path(path).parent / PUBLIC_FILE).write_text(json.dumps(doc, indent=2) + "\n")
    return doc


def _raw_public(private: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def load_private(path: Path) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(path)
    try:
        st = path.stat()
        data = path.read_bytes()
    except OSError as exc:
        raise ProvinceKeyError(
            f"không đọc được khoá của tỉnh {path}: {exc.strerror} "
            "(tạo bằng `motcua-server keys init`)"
        ) from None
    if os.name == "posix" and st.st_mode & 0o077:
        raise ProvinceKeyError(f"{path}: quyền truy cập quá rộng; chạy chmod 600 {path}")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ProvinceKeyError(f"{path}: không phải khoá riêng PEM: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ProvinceKeyError(f"{path}: khoá của tỉnh phải là Ed25519")
    return key


class Signer:
    """Signs bundles with the province key (loaded once). Thread-safe (read-only after load)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.private = load_private(self.path)
        self.public_doc = S.key_document(_raw_public(self.private))
        self.kid = self.public_doc["kid"]
        self.endorsement: dict[str, Any] | None = None
        e_path = self.path.parent / ENDORSEMENT_FILE
        if e_path.is_file():
            e = json.loads(e_path.read_text())
            if isinstance(e, dict) and (e.get("key") or {}).get("kid") == self.kid:
                self.endorsement = e

    def sign(self, feed: str, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with its ``signature`` (a new dict)."""
        body = {k: v for k, v in data.items() if k != "signature"}
        sig = self.private.sign(S.bundle_message(feed, body))
        signature: dict[str, Any] = {
            "alg": "Ed25519",
            "kid": self.kid,
            "sig": base64.b64encode(sig).decode("ascii"),
        }
        if self.endorsement:
            signature["endorsement"] = self.endorsement
        return {**body, "signature": signature}


def rotate(path: Path) -> dict[str, Any]:
    """Replace the key at ``path`` by a new one endorsed by it; the old one is kept as
    ``province.pem.<old kid>``. Returns the new public key document."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(path)
    old = Signer(path)
    new_private = Ed25519PrivateKey.generate()
    new_doc = S.key_document(_raw_public(new_private))
    endorsement = {
        "key": new_doc,
        "sig": base64.b64encode(old.private.sign(S.key_message(new_doc))).decode("ascii"),
    }
    from cryptography.hazmat.primitives import serialization

    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    _write_new(
        tmp,
        new_private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        0o600,
    )
    os.replace(path, path.with_name(f"{path.name}.{old.kid}"))
    os.replace(tmp, path)
    (path.parent / ENDORSEMENT_FILE).write_text(json.dumps(endorsement, indent=2) + "\n")
    (path.parent / PUBLIC_FILE).write_text(json.dumps(new_doc, indent=2) + "\n")
    return new_doc


_lock = threading.Lock()


def signer_for(service: Any) -> Signer:
    """The service's signer, made on first use from its key path (or the data folder's)."""
    with _lock:
        if service._signer is None:
            path = service.province_key_path
            if path is None:
                path = default_path(service.data_dir)
                if not path.exists():  # first start on this data folder: make it, say so
                    init_key(path)
                    log.warning("made a new province signing key %s: back it up", path)
            service._signer = Signer(path)
        return service._signer
