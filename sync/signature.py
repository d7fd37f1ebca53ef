"""Province signatures over the bundles the server publishes (catalogue, calendar, settings),
shared by the server (signing) and the kiosk's sync client (checking). No I/O.

A signed feed entry's ``data`` carries ``"signature": {"alg": "Ed25519", "kid", "sig"}``, the
province key's Ed25519 signature of::

    b"MOTCUA-PROVINCE-BUNDLE\\n" + feed + b"\\n" + canonical(data without "signature")

so an entry cannot be moved to another feed, and every field (version, files, hashes, scope,
``published_at``) is covered. ``published_at`` (UTC, ISO-8601) orders bundles: the kiosk
refuses one older than what it already accepted for the same key.

Key rotation: a new province key is endorsed by the old one —
``signature.endorsement = {"key": <new key document>, "sig": <old key's signature of
b"MOTCUA-PROVINCE-KEY\\n" + canonical(new key document)>}`` — and a kiosk that pinned the old
key pins the new one when the endorsement verifies.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

BUNDLE_CONTEXT = b"MOTCUA-PROVINCE-BUNDLE\n"
KEY_CONTEXT = b"MOTCUA-PROVINCE-KEY\n"
KEY_FORMAT = "motcua-province-key"
SIGNED_FEEDS = ("catalog", "calendar", "settings")


class SignatureProblem(Exception):
    """A bundle's signature is missing, malformed, from another key, or wrong (Vietnamese)."""


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def bundle_message(feed: str, data: Mapping[str, Any]) -> bytes:
    body = {k: v for k, v in data.items() if k != "signature"}
    return BUNDLE_CONTEXT + feed.encode() + b"\n" + canonical(body)


def key_message(doc: Mapping[str, Any]) -> bytes:
    return KEY_CONTEXT + canonical(dict(doc))


def _b64(value: Any, what: str, size: int | None = None) -> bytes:
    try:
        raw = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureProblem(f"{what}: không phải base64") from None
    if size is not None and len(raw) != size:
        raise SignatureProblem(f"{what}: phải dài {size} byte")
    return raw


def parse_key(doc: Any) -> tuple[str, bytes]:
    """(kid, raw public key) of a province key document; SignatureProblem if malformed."""
    from kiosk_app.core.device_key import key_id

    if not isinstance(doc, Mapping) or doc.get("format") != KEY_FORMAT:
        raise SignatureProblem(f"không phải khoá của tỉnh (cần format {KEY_FORMAT})")
    if doc.get("algorithm", "Ed25519") != "Ed25519":
        raise SignatureProblem("khoá của tỉnh phải là Ed25519")
    raw = _b64(doc.get("public_key"), "public_key", 32)
    kid = key_id(raw)
    if doc.get("kid") not in (None, kid):
        raise SignatureProblem("kid của khoá tỉnh không khớp khoá công khai")
    return kid, raw


def key_document(public_key: bytes) -> dict[str, Any]:
    from kiosk_app.core.device_key import key_id

    return {
        "format": KEY_FORMAT,
        "version": 1,
        "algorithm": "Ed25519",
        "kid": key_id(public_key),
        "public_key": base64.b64encode(public_key).decode("ascii"),
    }


def verify_bundle(feed: str, data: Any, pinned: Any) -> dict[str, Any] | None:
    """Check a feed entry's signature against the pinned province key document.

    Returns None when the pinned key signed it, or the new key document to pin when a key the
    pinned one endorsed signed it. Raises SignatureProblem otherwise."""
    from kiosk_app.core.device_key import signature_ok

    if pinned is None:
        raise SignatureProblem(
            "máy chưa có khoá công khai của tỉnh (đăng ký lại hoặc `motcua province-key install`)"
        )
    pinned_kid, pinned_raw = parse_key(pinned)
    if not isinstance(data, Mapping):
        raise SignatureProblem("gói dữ liệu không phải đối tượng JSON")
    sig = data.get("signature")
    if not isinstance(sig, Mapping):
        raise SignatureProblem("gói dữ liệu không có chữ ký của tỉnh")
    if sig.get("alg") != "Ed25519":
        raise SignatureProblem("chữ ký gói dữ liệu không phải Ed25519")
    raw_sig = _b64(sig.get("sig"), "chữ ký", 64)
    new_doc = None
    key_raw = pinned_raw
    if sig.get("kid") != pinned_kid:
        endorsement = sig.get("endorsement")
        if not isinstance(endorsement, Mapping):
            raise SignatureProblem(
                f"gói được ký bằng khoá {sig.get('kid')!s:.20}, không phải khoá tỉnh đã ghim"
            )
        new_kid, new_raw = parse_key(endorsement.get("key"))
        endorsed = signature_ok(
            pinned_raw,
            _b64(endorsement.get("sig"), "chữ ký chứng thực", 64),
            key_message(endorsement["key"]),
        )
        if not endorsed or new_kid != sig.get("kid"):
            raise SignatureProblem("khoá mới của tỉnh không được khoá đã ghim chứng thực")
        new_doc, key_raw = key_document(new_raw), new_raw
    if not signature_ok(key_raw, raw_sig, bundle_message(feed, data)):
        raise SignatureProblem("chữ ký của tỉnh không đúng (gói dữ liệu bị thay đổi?)")
    return new_doc
