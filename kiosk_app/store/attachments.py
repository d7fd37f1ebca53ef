"""Scans and other attachments, stored content-addressed by sha256 under the data folder.

Layout: ``<root>/<aa>/<bb>/<sha256>``. A file is written to a temporary name, fsynced and then
renamed, so a power cut leaves either the whole file or nothing; the same content is stored
once however many dossiers refer to it. The database holds only metadata.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
MAX_SIZE = 50 * 1024 * 1024  # 50 MB: a scanned dossier page set, not a video


class AttachmentError(ValueError):
    """Unreadable, too large or corrupted attachment (Vietnamese message)."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int


class AttachmentStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
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
            with open(source, "rb") as fh:
                return self.put_stream(fh)
        except OSError as exc:
            raise AttachmentError(f"Không đọc được tệp {source}: {exc.strerror}") from exc

    def put_stream(self, stream: BinaryIO) -> StoredFile:
        """Copy ``stream`` into the store; durable (fsynced) before returning."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > MAX_SIZE:
                        raise AttachmentError(
                            f"Tệp quá lớn (tối đa {MAX_SIZE // (1024 * 1024)} MB)"
                        )
                    digest.update(chunk)
                    out.write(chunk)
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
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def verify(self, sha256: str) -> bool:
        """True when the stored file exists and still hashes to its name."""
        p = self.path(sha256)
        if not p.is_file():
            return False
        digest = hashlib.sha256()
        with open(p, "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest() == sha256


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
