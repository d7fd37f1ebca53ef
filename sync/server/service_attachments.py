"""Attachment bytes: the on-disk :class:`BlobStore` and the resumable upload use-cases (a
mixin of :class:`sync.server.service.Service`)."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

from sync import protocol as P
from sync.server.db import Tx, utcnow
from sync.server.service_common import (
    SHA256_RE,
    ApiError,
    Principal,
    log,
)


# ------------------------------------------------------------------ blobs on disk
class BlobStore:
    """Attachment bytes: ``complete/<aa>/<sha256>`` and ``partial/<sha256>`` under a folder.

    Appends are fsynced before they are acknowledged, so the offset a client learns after a
    crash is never past what is on disk. One lock per hash serialises uploads of the same file
    (one server process per data folder; several processes would need a shared filesystem
    with working ``flock``, which is taken too where available).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        (self.root / "partial").mkdir(parents=True, exist_ok=True)
        (self.root / "complete").mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, sha: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(sha, threading.Lock())

    def partial(self, sha: str) -> Path:
        return self.root / "partial" / sha

    def complete(self, sha: str) -> Path:
        return self.root / "complete" / sha[:2] / sha

    def offset(self, sha: str) -> int:
        try:
            return self.partial(sha).stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, sha: str, offset: int, data: bytes) -> int:
        path = self.partial(sha)
        with open(path, "ab") as fh:
            _flock(fh)
            fh.seek(0, os.SEEK_END)
            if fh.tell() != offset:  # pragma: no cover - guarded by the caller's lock
                raise ApiError(
                    "offset_mismatch",
                    "Vị trí tải lên không khớp với máy chủ",
                    extra={"offset": fh.tell()},
                    headers={P.UPLOAD_OFFSET: str(fh.tell())},
                )
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            return fh.tell()

    def finish(self, sha: str) -> bool:
        """Hash the partial file; move it into place if it matches (True), else delete it."""
        path = self.partial(sha)
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            path.unlink(missing_ok=True)
            return False
        target = self.complete(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        _fsync_dir(target.parent)
        return True

    def discard(self, sha: str) -> None:
        self.partial(sha).unlink(missing_ok=True)


def _flock(fh: Any) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the in-process lock is all there is
        return
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AttachmentsMixin:
    """Upload status, resumable upload, attachment paths."""

    # ============================================================== attachments
    def _expected_size(self, tx: Tx, who: Principal, sha: str) -> int:
        if not SHA256_RE.match(sha):
            raise ApiError("bad_request", "Mã băm phải là sha256, 64 chữ số hex viết thường")
        row = tx.one(
            "SELECT da.size FROM dossier_attachments da JOIN dossiers d ON d.id = da.dossier_id"
            " WHERE da.sha256 = ? AND d.agency_id = ? LIMIT 1",
            [sha, who.agency_id],
        )
        if row is None:
            raise ApiError(
                "attachment_not_expected",
                "Chưa có hồ sơ nào của cơ quan này kèm tệp này; hãy gửi hồ sơ trước",
            )
        return int(row["size"])

    def attachment_status(self, who: Principal, sha: str) -> dict[str, Any]:
        with self.db.tx(write=False) as tx:
            size = self._expected_size(tx, who, sha)
            blob = tx.one("SELECT size, state FROM blobs WHERE sha256 = ?", [sha])
        if blob is not None and blob["state"] == "complete":
            return {"sha256": sha, "state": "complete", "offset": blob["size"], "size": size}
        offset = self.blobs.offset(sha)
        return {
            "sha256": sha,
            "state": "partial" if blob is not None or offset else "absent",
            "offset": offset,
            "size": size,
        }

    def upload(
        self, who: Principal, sha: str, offset: int | None, length: int | None, chunk: bytes
    ) -> dict[str, Any]:
        with self.db.tx(write=False) as tx:
            size = self._expected_size(tx, who, sha)
            blob = tx.one("SELECT size, state FROM blobs WHERE sha256 = ?", [sha])
        if blob is not None and blob["state"] == "complete":
            return {"sha256": sha, "state": "complete", "offset": blob["size"], "size": size}
        if offset is None:
            raise ApiError("bad_request", f"Thiếu tiêu đề {P.UPLOAD_OFFSET}")
        if length is None:
            length = size
        if length > self.max_attachment:
            raise ApiError("too_large", f"Tệp vượt giới hạn {self.max_attachment} byte")
        if length != size:
            raise ApiError(
                "length_mismatch", f"{P.UPLOAD_LENGTH} {length} khác kích thước hồ sơ khai ({size})"
            )
        if len(chunk) > self.max_chunk:
            raise ApiError("too_large", f"Mỗi phần tải lên tối đa {self.max_chunk} byte")
        with self.blobs.lock(sha):
            have = self.blobs.offset(sha)
            if offset != have:
                raise ApiError(
                    "offset_mismatch",
                    f"Máy chủ đang có {have} byte của tệp này; tiếp tục từ đó",
                    extra={"offset": have},
                    headers={P.UPLOAD_OFFSET: str(have)},
                )
            if offset + len(chunk) > length:
                raise ApiError("bad_request", f"Phần tải lên vượt quá {P.UPLOAD_LENGTH}")
            if blob is None:
                with self.db.tx() as tx:
                    tx.execute(
                        "INSERT INTO blobs (sha256, size, state, created_at)"
                        " VALUES (?, ?, 'partial', ?) ON CONFLICT (sha256) DO NOTHING",
                        [sha, length, utcnow()],
                    )
            new_offset = self.blobs.append(sha, offset, chunk) if chunk else have
            if new_offset < length:
                return {"sha256": sha, "state": "partial", "offset": new_offset, "size": length}
            if not self.blobs.finish(sha):
                with self.db.tx() as tx:
                    tx.execute("DELETE FROM blobs WHERE sha256 = ? AND state = 'partial'", [sha])
                log.warning("attachment %s failed its sha256 check; partial data dropped", sha)
                raise ApiError(
                    "sha256_mismatch",
                    "Tệp nhận được không khớp mã băm; hãy gửi lại từ đầu",
                    extra={"offset": 0},
                    headers={P.UPLOAD_OFFSET: "0"},
                )
            with self.db.tx() as tx:
                tx.execute(
                    "UPDATE blobs SET state = 'complete', completed_at = ? WHERE sha256 = ?",
                    [utcnow(), sha],
                )
                ids = [
                    r["dossier_id"]
                    for r in tx.all(
                        "SELECT DISTINCT dossier_id FROM dossier_attachments WHERE sha256 = ?",
                        [sha],
                    )
                ]
                # Two files of one dossier finishing at once: without the row lock each
                # transaction saw the other's file as missing (READ COMMITTED) and the dossier
                # stayed incomplete. Locked, the second re-reads after the first commits.
                tx.lock_rows("dossiers", ids)
                for dossier_id in sorted(ids):
                    self._recheck(tx, dossier_id)
        log.info("attachment %s complete (%d bytes)", sha, length)
        return {"sha256": sha, "state": "complete", "offset": length, "size": length}

    def attachment_path(self, sha: str) -> Path:
        if not SHA256_RE.match(sha):
            raise ApiError("bad_request", "Mã băm phải là sha256, 64 chữ số hex viết thường")
        path = self.blobs.complete(sha)
        if not path.is_file():
            raise ApiError("not_found", "Máy chủ chưa có đủ tệp này")
        return path
