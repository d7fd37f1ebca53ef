"""AES-256-GCM for files and small secrets, keyed from the installation's data key.

Attachment files (format ``MCA1``), streamed in constant memory::

    header  = b"MCA1" | version (1 byte) | chunk size (4 bytes, big-endian) | salt (16 bytes)
    chunk_i = AES-GCM(file_key, nonce = i as 12 bytes, plaintext ≤ chunk size,
                      aad = header | i (8 bytes) | final flag (1 byte)) → ciphertext | 16-byte tag

``file_key`` = HKDF-SHA256(data key, salt, info "motcua attachment v1"): a fresh key per file,
so the counter nonce never repeats under one key. Every file has at least one chunk and exactly
the last is ``final``: a truncated file (cut at a chunk boundary or inside one), chunks swapped,
trailing bytes or an edited header all fail authentication (:class:`CryptoError`).

Small secrets (format ``MCS1``): ``b"MCS1" | nonce (12) | AES-GCM(HKDF(data key, purpose))``
with the purpose as associated data, so a sealed device key cannot be passed off as a sealed
sync credential. No Qt, no store access; thread-safe (no shared state).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FILE_MAGIC = b"MCA1"
FILE_VERSION = 1
CHUNK = 1 << 20  # plaintext bytes per chunk: the memory a stream holds at once
TAG = 16
SALT = 16
HEADER_LEN = len(FILE_MAGIC) + 1 + 4 + SALT
SECRET_MAGIC = b"MCS1"


class CryptoError(ValueError):
    """Ciphertext that does not authenticate (wrong key, edited, truncated); Vietnamese text."""


def derive(key: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    """A 256-bit subkey of ``key`` for one purpose (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def is_encrypted_file(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) starts an ``MCA1`` attachment."""
    return head[:4] == FILE_MAGIC


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


class FileEncryptor:
    """Encrypts a stream written in pieces of any size; call :meth:`finish` once at the end.

    Holds at most one chunk of plaintext. ``out`` receives the header at construction.
    """

    def __init__(self, key: bytes, out: BinaryIO, chunk: int = CHUNK) -> None:
        salt = os.urandom(SALT)
        self._header = FILE_MAGIC + bytes([FILE_VERSION]) + struct.pack(">I", chunk) + salt
        self._aes = AESGCM(derive(key, b"motcua attachment v1", salt))
        self._out = out
        self._chunk = chunk
        self._buf = bytearray()
        self._index = 0
        out.write(self._header)

    def write(self, data: bytes) -> None:
        self._buf += data
        # keep at least one byte back: the last chunk must be written with the final flag
        while len(self._buf) > self._chunk:
            self._emit(bytes(self._buf[: self._chunk]), final=False)
            del self._buf[: self._chunk]

    def finish(self) -> None:
        self._emit(bytes(self._buf), final=True)
        self._buf.clear()

    def _emit(self, plain: bytes, final: bool) -> None:
        nonce = self._index.to_bytes(12, "big")
        aad = _aad(self._header, self._index, final)
        self._out.write(self._aes.encrypt(nonce, plain, aad))
        self._index += 1


def _damaged(what: str) -> CryptoError:
    return CryptoError(f"{what}: tệp mã hóa bị hỏng, bị sửa hoặc sai khóa (không giải mã được)")


def decrypt_stream(key: bytes, fh: BinaryIO, what: str = "tệp") -> Iterator[bytes]:
    """Yield the plaintext of an ``MCA1`` stream chunk by chunk, each authenticated before it
    is yielded; raises :class:`CryptoError` on any mismatch (including truncation)."""
    header = fh.read(HEADER_LEN)
    if len(header) < HEADER_LEN or header[:4] != FILE_MAGIC:
        raise _damaged(what)
    if header[4] != FILE_VERSION:
        raise CryptoError(f"{what}: định dạng mã hóa phiên bản {header[4]} chưa được hỗ trợ")
    (chunk,) = struct.unpack(">I", header[5:9])
    if not 0 < chunk <= 64 * CHUNK:
        raise _damaged(what)
    aes = AESGCM(derive(key, b"motcua attachment v1", header[9:]))
    seg = chunk + TAG
    current = fh.read(seg)
    index = 0
    while True:
        nxt = fh.read(seg) if len(current) == seg else b""
        final = not nxt
        if len(current) < TAG:
            raise _damaged(what)
        try:
            plain = aes.decrypt(index.to_bytes(12, "big"), current, _aad(header, index, final))
        except InvalidTag:
            raise _damaged(what) from None
        yield plain
        if final:
            return
        current, index = nxt, index + 1


def encrypted_size(plain_size: int, chunk: int = CHUNK) -> int:
    """The size of the ``MCA1`` file holding ``plain_size`` bytes."""
    chunks = max(1, -(-plain_size // chunk))
    return HEADER_LEN + plain_size + chunks * TAG


def plain_size(encrypted: int, chunk: int = CHUNK) -> int:
    """Inverse of :func:`encrypted_size` (for a well-formed file; the tags say if it is)."""
    body = encrypted - HEADER_LEN
    chunks = max(1, -(-body // (chunk + TAG)))
    return max(0, body - chunks * TAG)


# ------------------------------------------------------------------ small secrets
def seal(key: bytes, purpose: str, plaintext: bytes) -> bytes:
    """Encrypt a small secret (a private key, a token) for one ``purpose``."""
    nonce = os.urandom(12)
    aad = SECRET_MAGIC + purpose.encode("utf-8")
    sub = derive(key, b"motcua secret v1 " + purpose.encode("utf-8"))
    return SECRET_MAGIC + nonce + AESGCM(sub).encrypt(nonce, plaintext, aad)


def is_sealed(data: bytes) -> bool:
    return data[:4] == SECRET_MAGIC


def unseal(key: bytes, purpose: str, data: bytes, what: str = "bí mật") -> bytes:
    """The plaintext :func:`seal` sealed; :class:`CryptoError` if key, purpose or bytes differ."""
    if not is_sealed(data) or len(data) < 4 + 12 + TAG:
        raise _damaged(what)
    aad = SECRET_MAGIC + purpose.encode("utf-8")
    sub = derive(key, b"motcua secret v1 " + purpose.encode("utf-8"))
    try:
        return AESGCM(sub).decrypt(data[4:16], data[16:], aad)
    except InvalidTag:
        raise _damaged(what) from None


class EncryptedReader:
    """A seekable, read-only plaintext view of an ``MCA1`` file (random access by chunk).

    Each chunk is authenticated when read; a truncated file fails on its (wrongly) last chunk.
    Not thread-safe: one reader per thread. Holds one decrypted chunk.
    """

    def __init__(self, key: bytes, fh: BinaryIO, total: int, what: str = "tệp") -> None:
        self._fh, self._what = fh, what
        header = fh.read(HEADER_LEN)
        if len(header) < HEADER_LEN or header[:4] != FILE_MAGIC:
            raise _damaged(what)
        if header[4] != FILE_VERSION:
            raise CryptoError(f"{what}: định dạng mã hóa phiên bản {header[4]} chưa được hỗ trợ")
        (self._chunk,) = struct.unpack(">I", header[5:9])
        if not 0 < self._chunk <= 64 * CHUNK:
            raise _damaged(what)
        self._header = header
        self._aes = AESGCM(derive(key, b"motcua attachment v1", header[9:]))
        body = total - HEADER_LEN
        seg = self._chunk + TAG
        self._count = max(1, -(-body // seg))
        last = body - (self._count - 1) * seg
        if last < TAG:
            raise _damaged(what)
        self.size = (self._count - 1) * self._chunk + last - TAG
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def _plain(self, index: int) -> bytes:
        if self._cached and self._cached[0] == index:
            return self._cached[1]
        seg = self._chunk + TAG
        self._fh.seek(HEADER_LEN + index * seg)
        data = self._fh.read(seg)
        final = index == self._count - 1
        try:
            plain = self._aes.decrypt(
                index.to_bytes(12, "big"), data, _aad(self._header, index, final)
            )
        except InvalidTag:
            raise _damaged(self._what) from None
        self._cached = (index, plain)
        return plain

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, n: int = -1) -> bytes:
        end = self.size if n is None or n < 0 else min(self.size, self._pos + n)
        out = bytearray()
        while self._pos < end:
            index, within = divmod(self._pos, self._chunk)
            piece = self._plain(index)[within : within + (end - self._pos)]
            if not piece:
                raise _damaged(self._what)
            out += piece
            self._pos += len(piece)
        if self.size == 0 and self._pos == 0:
            self._plain(0)  # an empty file still authenticates its one (final) chunk
        return bytes(out)
