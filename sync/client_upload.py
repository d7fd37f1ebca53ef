"""Resumable attachment uploads (``/v1/attachments/{sha256}``), chunk by chunk.

The queue is ``sync_uploads``: hashes the server reported missing when their dossier was
pushed. For each one:

1. Resuming (an earlier attempt, or bytes already confirmed)? Ask the server's offset first
   (``HEAD``); a fresh upload starts at 0 without asking — a ``409 offset_mismatch`` answer
   carries the server's offset, so the question costs a round trip only when it pays.
2. ``PATCH`` chunks of ``CHUNK_BYTES`` from that offset; after each acknowledged chunk the
   confirmed offset is stored (one small transaction), so a killed process resumes there.
   A chunk that compresses well (a PDF) is sent gzip-compressed.
3. ``409`` → continue from the server's ``Upload-Offset``. ``422 sha256_mismatch`` → the
   server dropped its partial data: the local file is checked and sent again from 0 (once);
   a local file that no longer matches its hash, or any other permanent refusal, marks the
   upload ``failed`` with the reason (shown by ``motcua sync status``).

Transient errors propagate (the transport already retried): the next pass resumes.
``UPLOAD_STREAMS`` files go at once (each on its own thread and connection), so on a link
with a long round trip one file's bytes flow while another waits for its answer.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kiosk_app.store import sync_state
from sync import protocol as P
from sync.client_answers import BadAnswer, json_object, offset_in
from sync.client_errors import (
    AuthError,
    ConflictError,
    PermanentError,
    SyncError,
    TransientError,
)

if TYPE_CHECKING:
    from sync.client import SyncContext

CHUNK_BYTES = 64 * 1024  # ~2 s at 256 kbit/s: little lost to a drop, little lost to round trips
UPLOAD_STREAMS = 2  # files in flight: one sends while the other waits for its answer
MAX_RESYNCS = 8
GZIP_WORTH = 0.9  # send compressed when it saves at least 10 %


def upload_pending(ctx: SyncContext) -> None:
    """Upload every queued file, ``config.upload_streams`` at a time; a transient or auth
    error stops the phase (after the files in flight finish or fail)."""
    with ctx.kiosk.store.read() as db:
        todo = sync_state.pending_uploads(db)
    streams = max(1, min(ctx.config.upload_streams, len(todo)))
    if streams == 1:
        for row in todo:
            _upload_guarded(ctx, row)
        return
    rows = iter(todo)
    take = threading.Lock()
    stop = threading.Event()
    failures: list[BaseException] = []

    def stream() -> None:
        while not stop.is_set():
            with take:
                row = next(rows, None)
            if row is None:
                return
            try:
                _upload_guarded(ctx, row)
            except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
                failures.append(exc)
                stop.set()
                return

    threads = [threading.Thread(target=stream, name=f"upload-{i}") for i in range(streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]


def _upload_guarded(ctx: SyncContext, row: dict[str, Any]) -> None:
    try:
        _upload_one(ctx, row)
    except (TransientError, AuthError):
        raise
    except SyncError as exc:
        with ctx.kiosk.store.write() as db:
            sync_state.upload_progress(
                db, row["sha256"], row["confirmed"], ctx.now(), state="failed",
                error=exc.to_json(),
            )  # fmt: skip
        with ctx.lock:
            ctx.report.add_error("upload", exc)


def _server_offset(ctx: SyncContext, sha: str, size: int) -> tuple[int, bool]:
    resp = ctx.transport.request("HEAD", f"/v1/attachments/{sha}")
    offset = offset_in(resp.headers.get(P.UPLOAD_OFFSET, "0"), size, "HEAD")
    return offset, resp.headers.get(P.UPLOAD_COMPLETE, "?0") == "?1"


def _upload_one(ctx: SyncContext, row: dict[str, Any]) -> None:
    sha, size = row["sha256"], int(row["size"])
    files, store = ctx.kiosk.files, ctx.kiosk.store
    if not files.has(sha):
        raise PermanentError(f"tệp {sha[:12]}… không còn trên máy này", code="file_missing")
    offset = int(row["confirmed"])
    if row["attempts"] or offset:
        offset, complete = _server_offset(ctx, sha, size)
        if complete:  # nothing left to send (another kiosk sent the same file)
            _done(ctx, sha, size, sent=False)
            return
    with store.write() as db:
        sync_state.upload_progress(db, sha, offset, ctx.now(), attempt=True)
    restarted = resyncs = 0
    with _local_file(sha), files.open(sha) as fh:  # the plaintext: the file is encrypted
        while True:
            fh.seek(offset)
            chunk = fh.read(ctx.config.chunk_bytes)  # each chunk authenticated as it is read
            try:
                state = _patch(ctx, sha, offset, size, chunk)
            except ConflictError as exc:
                if exc.code != "offset_mismatch" or resyncs >= MAX_RESYNCS:
                    raise
                resyncs += 1
                offset = offset_in(
                    exc.headers.get(P.UPLOAD_OFFSET.lower(), exc.detail.get("offset", 0)),
                    size,
                    "409",
                )
                continue
            except PermanentError as exc:
                if exc.code != "sha256_mismatch" or restarted:
                    raise
                if not files.verify(sha):
                    raise PermanentError(
                        f"tệp {sha[:12]}… trên máy này đã hỏng (không khớp mã băm)",
                        code="local_file_corrupt",
                    ) from exc
                restarted, offset = 1, 0
                continue
            new_offset = offset_in(state.get("offset"), size, "PATCH")
            ctx.add(uploaded_bytes=min(len(chunk), max(0, new_offset - offset)))
            if state.get("state") == "complete":
                _done(ctx, sha, size)
                return
            if new_offset <= offset:  # no progress: resending is bounded, not endless
                resyncs += 1
                if resyncs > MAX_RESYNCS:
                    raise BadAnswer(f"PATCH: máy chủ không nhận thêm dữ liệu (vị trí {new_offset})")
            offset = new_offset
            with store.write() as db:
                sync_state.upload_progress(db, sha, offset, ctx.now())


@contextlib.contextmanager
def _local_file(sha: str) -> Iterator[None]:
    """A stored file that does not decrypt (rotted, edited, truncated) is reported as corrupt:
    encryption at rest finds the damage on this side, before the server's sha256 check."""
    from kiosk_app.store.attachments import AttachmentError

    try:
        yield
    except AttachmentError as exc:
        raise PermanentError(
            f"tệp {sha[:12]}… trên máy này đã hỏng (không giải mã được)",
            code="local_file_corrupt",
        ) from exc


def _patch(ctx: SyncContext, sha: str, offset: int, size: int, chunk: bytes) -> dict[str, Any]:
    headers = {
        P.UPLOAD_OFFSET: str(offset),
        P.UPLOAD_LENGTH: str(size),
        "Content-Type": "application/octet-stream",
    }
    body = chunk
    if len(chunk) > 512:
        packed = gzip.compress(chunk, compresslevel=6, mtime=0)
        if len(packed) < len(chunk) * GZIP_WORTH:
            body = packed
            headers["Content-Encoding"] = "gzip"
    resp = ctx.transport.request("PATCH", f"/v1/attachments/{sha}", content=body, headers=headers)
    return json_object(resp, "PATCH")


def _done(ctx: SyncContext, sha: str, size: int, *, sent: bool = True) -> None:
    with ctx.kiosk.store.write() as db:
        sync_state.upload_progress(db, sha, size, ctx.now(), state="complete")
    if sent:
        ctx.add(uploaded_files=1)
