"""Scans and other attachments, stored content-addressed and encrypted under the data folder.

Layout: ``<root>/<aa>/<bb>/<sha256>`` where the sha256 is that of the **plaintext** (the sync
protocol and the dedupe rely on it). Each file is AES-256-GCM encrypted in 1 MiB chunks
(:mod:`kiosk_app.store.crypto_files`) with a key derived from the data key: a copy of the
folder reveals no scan. A file is written to a temporary name, fsynced and then renamed, so a
power cut leaves either the whole file or nothing; the same content is stored once however
many dossiers refer to it. The database holds only metadata.

Read attachments only through this class (:meth:`open`, :meth:`read_bytes`, :meth:`copy_to`):
the file on disk is ciphertext. Thread-safe: no shared mutable state.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kiosk_app.store import crypto_files as cf

CHUNK = 1 << 20
MAX_SIZE = 50 * 1024 * 1024  # 50 MB: a scanned dossier page set, not a video


class AttachmentError(ValueError):
    """Unreadable, too large or corrupted attachment (Vietnamese message)."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int


class AttachmentStore:
    """``key``: the data key (32 bytes); by default the one of the data folder above ``root``."""

    def __init__(self, root: Path, key: bytes | None = None) -> None:
        self.root = Path(root)
        self._key_given = key

    @property
    def key(self) -> bytes:
        if self._key_given is None:
            from kiosk_app.store.data_key import load_or_create

            self._key_given = load_or_create(self.root.parent)
        return self._key_given

    def path(self, sha256: str) -> Path:
        """Where the (encrypted) file is kept: for existence, size on disk and copying only."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise AttachmentError(f"Mã băm tệp không hợp lệ: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_bytes(self, data: bytes) -> StoredFile:
        import io

        return self.put_stream(io.BytesIO(data))

    def put_file(self, source: Path) -> StoredFile:
        try:
            fh = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise AttachmentError(f"Không đọc được tệp {source}: {exc.strerror}") from exc
        with fh:
            return self.put_stream(fh)

    def put_stream(self, stream: BinaryIO) -> StoredFile:
        """Encrypt ``stream`` into the store; durable (fsynced) before returning."""
        key = self.key
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as out:
                enc = cf.FileEncryptor(key, out)
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > MAX_SIZE:
                        raise AttachmentError(
                            f"Tệp quá lớn (tối đa {MAX_SIZE // (1024 * 1024)} MB)"
                        )
                    digest.update(chunk)
                    enc.write(chunk)
                enc.finish()
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path(sha)
            if final.is_file():
                os.unlink(tmp_name)
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp_name, final)
                _fsync_dir(final.parent)
            return StoredFile(sha, size)
        except BaseException as exc:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise AttachmentError(
                    "Ổ đĩa của máy đã đầy nên chưa lưu được bản quét. Những gì đã nhập vẫn còn: "
                    "hãy xóa bớt tệp không cần (hoặc báo quản trị) rồi thử lại."
                ) from exc
            if isinstance(exc, OSError) and not isinstance(exc, AttachmentError):
                raise AttachmentError(f"Không ghi được bản quét vào máy: {exc.strerror}") from exc
            raise

    @contextlib.contextmanager
    def open(self, sha256: str) -> Iterator[cf.EncryptedReader]:
        """A seekable plaintext reader (``read``/``seek``/``tell``, ``.size``).

        Raises :class:`AttachmentError` if the file is missing, or (on read) damaged.
        """
        p = self.path(sha256)
        try:
            fh = open(p, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise AttachmentError(f"Không đọc được tệp {sha256[:12]}…: {exc.strerror}") from exc
        try:
            try:
                reader = cf.EncryptedReader(
                    self.key, fh, os.fstat(fh.fileno()).st_size, f"tệp {sha256[:12]}…"
                )
            except cf.CryptoError as exc:
                raise AttachmentError(str(exc)) from exc
            yield reader
        finally:
            fh.close()

    def iter_plain(self, sha256: str) -> Iterator[bytes]:
        """The plaintext, chunk by chunk (each chunk authenticated before it is yielded)."""
        try:
            with open(self.path(sha256), "rb") as fh:
                yield from cf.decrypt_stream(self.key, fh, f"tệp {sha256[:12]}…")
        except cf.CryptoError as exc:
            raise AttachmentError(str(exc)) from exc
        except OSError as exc:
            raise AttachmentError(f"Không đọc được tệp {sha256[:12]}…: {exc.strerror}") from exc

    def read_bytes(self, sha256: str) -> bytes:
        """The whole plaintext (up to 50 MB in memory: previews and tests; prefer :meth:`open`)."""
        return b"".join(self.iter_plain(sha256))

    def size(self, sha256: str) -> int:
        """The plaintext size in bytes (from the file's length; :meth:`verify` checks it)."""
        with self.open(sha256) as reader:
            return reader.size

    def copy_to(self, sha256: str, target: Path) -> Path:
        """Write the plaintext to ``target`` (a file the caller asked for: an export)."""
        with open(target, "wb") as out:
            for chunk in self.iter_plain(sha256):
                out.write(chunk)
        return Path(target)

    def verify(self, sha256: str) -> bool:
        """True when the stored file exists, authenticates, and its plaintext hashes to its name."""
        if not self.path(sha256).is_file():
            return False
        digest = hashlib.sha256()
        try:
            for chunk in self.iter_plain(sha256):
                digest.update(chunk)
        except AttachmentError:
            return False
        return digest.hexdigest() == sha256

    # -------------------------------------------------------------- conversion of old folders
    def encrypt_plaintext_files(self, on_file: Callable[[], None] | None = None) -> int:
        """Encrypt, in place, every file an older version stored in plaintext; returns how many.

        One file at a time: encrypted into a temporary file, fsynced, renamed over the original
        (same name: the plaintext's sha256). A kill leaves each file whole, in one form or the
        other; running again finishes the job. ``on_file`` is called after each file (tests).
        """
        if not self.root.is_dir():
            return 0
        for stale in self.root.glob(".incoming-*"):
            stale.unlink(missing_ok=True)
        done = 0
        for p in sorted(self.root.glob("??/??/*")):
            if not p.is_file() or len(p.name) != 64:
                continue
            with open(p, "rb") as fh:
                if cf.is_encrypted_file(fh.read(4)):
                    continue
            fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
            try:
                with os.fdopen(fd, "wb") as out, open(p, "rb") as src:
                    enc = cf.FileEncryptor(self.key, out)
                    while chunk := src.read(CHUNK):
                        enc.write(chunk)
                    enc.finish()
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp_name, p)
                _fsync_dir(p.parent)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
                raise
            done += 1
            if on_file:
                on_file()
        return done


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
