"""This kiosk's Ed25519 signing key, and the public keys of the kiosks it trusts.

The key signs the QR of every receipt (:mod:`kiosk_app.receipts.qr_payload`) so anyone holding
the public key can check a receipt offline.

Where things live
    * Private key: ``<data dir>/keys/<kid>.key``, the PKCS#8 PEM sealed with the data key
      (AES-256-GCM, :func:`kiosk_app.store.crypto_files.seal`, purpose ``device-key``), file
      mode 0600: a copy of the data folder does not hand out the device's identity. A plaintext
      ``<kid>.pem`` left by an older version is sealed on first read and then removed. Every
      read and write goes through :func:`_write_private` / :func:`load_private`.
    * Public keys: the ``device_keys`` table (:mod:`kiosk_app.store.keys`). *Known keys are that
      table*: this device's own (``self``), the province's (``server``, fed by the sync issue)
      and hand-imported ones (``import``, so an office can verify another kiosk's receipts
      before sync exists).

Key id (``kid``)
    RFC 4648 base32 of the first 5 bytes of sha256(raw 32-byte public key): 8 characters from
    the QR alphanumeric set, stable for the key's life. 40 bits keep accidental clashes
    negligible among a province's few thousand kiosks (birthday bound ~10^6 keys). A deliberate
    clash gains nothing: verification uses the public key stored under that kid, and importing
    a different key under a kid already known is refused.

One key per (device, agency): if the data folder is re-initialised for another agency, a new
key is made (old receipts still verify with the old public key, which stays in the table).

Threading / transactions: :func:`ensure_device_key` runs in one :meth:`Store.write`
transaction (``BEGIN IMMEDIATE``), so two processes starting at once (the app and ``motcua``)
cannot both make a key: the second waits, then finds the first one's row. The PEM file is
written and fsynced before that transaction commits; a crash in between leaves an orphan file
and no row, and the next call makes a fresh key. No Qt, no network.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk_app.core.intake import now_vn
from kiosk_app.store import audit
from kiosk_app.store import keys as key_rows
from kiosk_app.store.db import Store
from kiosk_app.store.keys import KnownKey

KEYS_DIR = "keys"
KID_BYTES = 5
KID_LENGTH = 8  # base32 of 5 bytes, no padding
EXPORT_FORMAT = "motcua-device-key"
EXPORT_VERSION = 1
ALGORITHM = "Ed25519"


class DeviceKeyError(Exception):
    """A key file or key document is unusable; the message says which and why."""


@dataclass(frozen=True)
class DeviceKey:
    """This device's signing key. Thread-safe: Ed25519 signing keeps no state."""

    kid: str
    private: Ed25519PrivateKey
    agency_id: str

    @property
    def public_key(self) -> bytes:
        return raw_public(self.private.public_key())

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message`` (deterministic: same bytes, same sig)."""
        return self.private.sign(message)


def raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: bytes) -> str:
    """The kid of a raw 32-byte Ed25519 public key (see module docstring)."""
    digest = hashlib.sha256(public_key).digest()[:KID_BYTES]
    return base64.b32encode(digest).decode("ascii")


def signature_ok(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """True iff ``signature`` is ``public_key``'s Ed25519 signature of ``message``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# ------------------------------------------------------------------ private key file
def key_path(data_dir: Path, kid: str) -> Path:
    """The sealed private key file (see module docstring)."""
    return Path(data_dir) / KEYS_DIR / f"{kid}.key"


def legacy_key_path(data_dir: Path, kid: str) -> Path:
    """Where a version without encryption at rest kept the key, in plaintext PEM."""
    return Path(data_dir) / KEYS_DIR / f"{kid}.pem"


SEAL_PURPOSE = "device-key"


def _write_private(data_dir: Path, kid: str, private: Ed25519PrivateKey) -> Path:
    from kiosk_app.store.crypto_files import seal
    from kiosk_app.store.data_key import load_or_create
    from kiosk_app.store.secret_files import write_secret

    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),  # sealed below with the data key instead
    )
    sealed = seal(load_or_create(data_dir), SEAL_PURPOSE, pem)
    return write_secret(key_path(data_dir, kid), sealed)


def load_private(data_dir: Path, kid: str) -> Ed25519PrivateKey:
    """Read ``keys/<kid>.key`` (or an older plaintext ``<kid>.pem``, sealed then removed);
    raises :class:`DeviceKeyError` if missing, unreadable, undecryptable or foreign."""
    from kiosk_app.store.crypto_files import CryptoError, unseal
    from kiosk_app.store.data_key import load_or_create

    path = key_path(data_dir, kid)
    legacy = legacy_key_path(data_dir, kid)
    if not path.exists() and legacy.exists():
        private = _parse_pem(legacy, _read(legacy), kid)
        _write_private(data_dir, kid, private)
        legacy.unlink()
        return private
    data = _read(path)
    try:
        pem = unseal(load_or_create(data_dir), SEAL_PURPOSE, data, str(path))
    except CryptoError as exc:
        raise DeviceKeyError(f"cannot decrypt device key {path}: {exc}") from exc
    return _parse_pem(path, pem, kid)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DeviceKeyError(f"cannot read device key {path}: {exc.strerror}") from exc


def _parse_pem(path: Path, pem: bytes, kid: str) -> Ed25519PrivateKey:
    try:
        private = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise DeviceKeyError(f"{path}: not an unencrypted PEM private key") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise DeviceKeyError(f"{path}: not an Ed25519 key")
    if key_id(raw_public(private.public_key())) != kid:
        raise DeviceKeyError(f"{path}: holds a different key than its name says")
    return private


# ------------------------------------------------------------------ this device's key
def ensure_device_key(
    store: Store,
    data_dir: Path,
    agency_id: str,
    slot: int | None,
    *,
    clock: Callable[[], datetime] = now_vn,
) -> DeviceKey:
    """This device's signing key for ``agency_id``, made on first use (one write transaction).

    If the table names a key whose file is gone (a data folder restored without ``keys/``), a
    new key is made; the old public key stays known so receipts it signed still verify.
    """
    with store.write() as db:
        row = key_rows.current_self(db, agency_id)
        if row is not None:
            try:
                return DeviceKey(row.kid, load_private(data_dir, row.kid), agency_id)
            except DeviceKeyError:
                if (
                    key_path(data_dir, row.kid).exists()
                    or legacy_key_path(data_dir, row.kid).exists()
                ):
                    raise  # a damaged file is reported, never silently replaced
        private = Ed25519PrivateKey.generate()
        public = raw_public(private.public_key())
        kid = key_id(public)
        _write_private(data_dir, kid, private)
        at = clock().isoformat()
        key_rows.insert(db, KnownKey(kid, public, agency_id, slot, "self", at))
        audit.append(
            db,
            at=at,
            actor=None,
            action="device_key.create",
            entity=kid,
            data={"agency_id": agency_id, "slot": slot, "replaces": row.kid if row else None},
        )
        return DeviceKey(kid, private, agency_id)


def known_keys(store: Store) -> dict[str, KnownKey]:
    """Every key this kiosk knows, by kid (revoked ones included, flagged)."""
    with store.read() as db:
        return key_rows.all_keys(db)


def revoke_key(
    store: Store,
    kid: str,
    *,
    reason: str | None = None,
    clock: Callable[[], datetime] = now_vn,
) -> KnownKey:
    """Revoke a known key (one write transaction); raises KeyError if it is not known."""
    at = clock().isoformat()
    with store.write() as db:
        if not key_rows.revoke(db, kid, at, reason):
            raise KeyError(kid)
        audit.append(
            db, at=at, actor=None, action="device_key.revoke", entity=kid, data={"reason": reason}
        )
        row = key_rows.get(db, kid)
    assert row is not None
    return row


# ------------------------------------------------------------------ export / import
def export_document(key: KnownKey) -> dict[str, Any]:
    """A public key as a JSON-ready document (what ``motcua receipt keys export`` writes)."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "algorithm": ALGORITHM,
        "kid": key.kid,
        "public_key": base64.b64encode(key.public_key).decode("ascii"),
        "agency_id": key.agency_id,
        "slot": key.slot,
        "added_at": key.added_at,
        "revoked_at": key.revoked_at,
    }


def export_public_key(
    store: Store,
    data_dir: Path,
    agency_id: str,
    slot: int | None,
    *,
    clock: Callable[[], datetime] = now_vn,
) -> dict[str, Any]:
    """This device's current public key as an export document (making the key if needed)."""
    key = ensure_device_key(store, data_dir, agency_id, slot, clock=clock)
    with store.read() as db:
        row = key_rows.get(db, key.kid)
    assert row is not None
    return export_document(row)


def parse_key_documents(data: Any) -> list[KnownKey]:
    """Validate export documents (one object, a list, or ``{"keys": [...]}``) into rows.

    The kid is recomputed from the public key; a document whose kid disagrees is refused, so a
    typo or an edit cannot make a key answer to another kiosk's kid. Raises DeviceKeyError.
    """
    if isinstance(data, dict) and "keys" in data and "public_key" not in data:
        data = data["keys"]
    docs = data if isinstance(data, list) else [data]
    if not docs:
        raise DeviceKeyError("no key in the document")
    out = []
    for i, doc in enumerate(docs):
        where = f"key {i + 1}"
        if not isinstance(doc, dict):
            raise DeviceKeyError(f"{where}: expected a JSON object")
        if doc.get("format") != EXPORT_FORMAT or doc.get("version") != EXPORT_VERSION:
            raise DeviceKeyError(
                f"{where}: not a {EXPORT_FORMAT} v{EXPORT_VERSION} document "
                "(made by `motcua receipt keys export`)"
            )
        if doc.get("algorithm", ALGORITHM) != ALGORITHM:
            raise DeviceKeyError(f"{where}: algorithm {doc.get('algorithm')!r} is not Ed25519")
        try:
            public = base64.b64decode(str(doc.get("public_key", "")), validate=True)
            Ed25519PublicKey.from_public_bytes(public)
        except (binascii.Error, ValueError):
            raise DeviceKeyError(f"{where}: public_key is not a base64 Ed25519 key") from None
        kid = key_id(public)
        if doc.get("kid") not in (None, kid):
            raise DeviceKeyError(f"{where}: kid {doc.get('kid')!r} does not match its key ({kid})")
        agency, slot = doc.get("agency_id"), doc.get("slot")
        if agency is not None and not _storable_text(agency):
            raise DeviceKeyError(f"{where}: agency_id must be text")
        if slot is not None and (not isinstance(slot, int) or isinstance(slot, bool)):
            raise DeviceKeyError(f"{where}: slot must be a whole number")
        if slot is not None and not 0 <= slot <= 9:  # beyond SQLite's 64 bits it cannot be stored
            raise DeviceKeyError(f"{where}: slot must be 0-9, got {slot}")
        revoked = doc.get("revoked_at")
        if revoked is not None and not _storable_text(revoked):
            raise DeviceKeyError(f"{where}: revoked_at must be text")
        out.append(KnownKey(kid, public, agency, slot, "import", "", revoked))
    return out


def _storable_text(value: Any) -> bool:
    """Short text SQLite can store: a lone surrogate (valid in JSON, not in UTF-8) cannot."""
    if not isinstance(value, str) or len(value) > 200:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def import_public_keys(
    store: Store,
    keys: Iterable[KnownKey],
    *,
    source: str = "import",
    clock: Callable[[], datetime] = now_vn,
) -> list[tuple[KnownKey, str]]:
    """Record public keys as known (all in one write transaction, all or nothing).

    Returns each key with what happened: ``added``, ``unchanged`` (already known), or
    ``revoked`` (known, and the document says it was revoked). A document can revoke a key but
    never un-revoke one, nor change the agency a known key signs for; a kid already known with a
    different public key is refused (DeviceKeyError) and nothing is written.
    """
    at = clock().isoformat()
    results: list[tuple[KnownKey, str]] = []
    with store.write() as db:
        for key in keys:
            have = key_rows.get(db, key.kid)
            if have is not None and have.public_key != key.public_key:
                raise DeviceKeyError(f"kid {key.kid} is already known with a different key")
            if have is not None and key.agency_id and have.agency_id not in (None, key.agency_id):
                raise DeviceKeyError(
                    f"key {key.kid} is known for agency {have.agency_id}, "
                    f"the document says {key.agency_id}"
                )
            if have is None:
                row = KnownKey(
                    key.kid,
                    key.public_key,
                    key.agency_id,
                    key.slot,
                    source,
                    at,
                    key.revoked_at,
                    "revoked at the source" if key.revoked_at else None,
                )
                key_rows.insert(db, row)
                what = "added"
            elif key.revoked_at and not have.revoked:
                key_rows.revoke(db, key.kid, key.revoked_at, "revoked at the source")
                what = "revoked"
            else:
                what = "unchanged"
            if what != "unchanged":
                audit.append(
                    db,
                    at=at,
                    actor=None,
                    action=f"device_key.{'import' if what == 'added' else 'revoke'}",
                    entity=key.kid,
                    data={"agency_id": key.agency_id, "source": source},
                )
            stored = key_rows.get(db, key.kid)
            assert stored is not None
            results.append((stored, what))
    return results
