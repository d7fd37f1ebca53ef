"""Encrypting, in place, a data folder written by a version without encryption at rest.

Called by :func:`kiosk_app.store.db.open_store` before every open (:func:`prepare`); the fast
path is one ``stat`` of the conversion marker and a 16-byte read of the database header.

Order (each step crash-safe; a SIGKILL anywhere loses nothing and the next open resumes):

1. ``keys/converting`` is written, then the data key is made (stored outside the folder,
   then ``keys/data-key.json``).
2. Each plaintext database — the store and the copies beside it (``<stem>.pre-N-….sqlite``,
   ``….before-restore-…``) — is checkpointed and exported with ``sqlcipher_export`` into
   ``<name>.encrypting``, which is fsynced and renamed over the original; the old ``-wal`` /
   ``-shm`` (plaintext) are removed before the rename.
3. Each plaintext attachment is encrypted into a temporary file, fsynced and renamed over
   itself (content address unchanged: the sha256 of the plaintext).
4. Stray temporaries are removed, then the marker.

Not thread-safe against another process converting the same folder at the same moment (the
desk and ``motcua`` started in the same second on an old folder): the conversion of one file
is atomic, so the worst case is the same file encrypted twice, the second rename winning.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from kiosk_app.store import data_key
from kiosk_app.store.db import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
MARKER = "converting"
ATTACHMENTS = "attachments"

# Test hook: ``MOTCUA_CONVERT_KILL=db-exported|db|attachment:N`` stops the process (SIGKILL) at that
# point of a conversion, so a test can prove a rerun finishes it.
_KILL_ENV = "MOTCUA_CONVERT_KILL"


def _kill_point(name: str) -> None:
    if os.environ.get(_KILL_ENV) == name:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def is_plaintext_db(path: Path) -> bool:
    """True when ``path`` is an unencrypted SQLite file (its header is readable)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _is_encrypted_db(path: Path) -> bool:
    try:
        return path.stat().st_size > 0 and not is_plaintext_db(path)
    except OSError:
        return False


def _marker(data_dir: Path) -> Path:
    return data_dir / data_key.KEYS_DIR / MARKER


def prepare(db_path: Path) -> bytes:
    """The data key for the store at ``db_path``, after encrypting what an older version left
    in plaintext in its folder. Raises :class:`StoreError` (incl. ``DataKeyError``)."""
    db_path = Path(db_path)
    data_dir = db_path.parent
    marker = _marker(data_dir)
    ref_known = data_key.ref_path(data_dir).is_file()
    if ref_known and not marker.exists() and not is_plaintext_db(db_path):
        return data_key.load_or_create(data_dir)  # the usual open: nothing to convert
    if not ref_known:
        has_old = is_plaintext_db(db_path) or any(_plain_attachments(data_dir / ATTACHMENTS))
        if not has_old:
            if _is_encrypted_db(db_path):
                # never make a new key for data encrypted under an old one: that would only
                # turn "key missing" into "wrong key" and hide the recovery route
                raise data_key.DataKeyError(
                    f"{db_path}: tệp đã mã hóa (hoặc hỏng) nhưng thiếu tệp thông tin khóa "
                    f"({data_key.ref_path(data_dir)}); khôi phục thư mục keys/ từ bản gốc "
                    "hoặc khôi phục từ bản sao lưu bằng cụm mật khẩu khôi phục"
                )
            return data_key.load_or_create(data_dir)  # a new folder
        from kiosk_app.store.secret_files import write_secret

        write_secret(marker, b"plaintext -> encrypted conversion in progress\n")
    key = data_key.load_or_create(data_dir)
    convert_folder(data_dir, key, db_path)
    return key


def convert_folder(data_dir: Path, key: bytes, db_path: Path | None = None) -> None:
    """Encrypt every plaintext database and attachment of ``data_dir`` (see module doc)."""
    marker = _marker(data_dir)
    if not marker.exists():
        from kiosk_app.store.secret_files import write_secret

        write_secret(marker, b"plaintext -> encrypted conversion in progress\n")
    targets = {p for p in _side_copies(data_dir) if is_plaintext_db(p)}
    if db_path is not None and is_plaintext_db(db_path):
        targets.add(Path(db_path))
    for p in sorted(targets):
        encrypt_db_file(p, key)
        _kill_point("db")
    from kiosk_app.store.attachments import AttachmentStore

    AttachmentStore(data_dir / ATTACHMENTS, key).encrypt_plaintext_files(on_file=_after_file)
    marker.unlink(missing_ok=True)
    _fsync_dir(marker.parent)


_done = 0


def _after_file() -> None:
    global _done
    _done += 1
    _kill_point(f"attachment:{_done}")


def _side_copies(data_dir: Path) -> Iterator[Path]:
    """Database files in the folder's top level (the store, its migration and restore copies)."""
    if not data_dir.is_dir():
        return
    for p in data_dir.iterdir():
        skip = p.name.endswith(("-wal", "-shm", "-journal", ".encrypting"))
        if p.is_file() and not skip and ".sqlite" in p.name:
            yield p


def _plain_attachments(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    from kiosk_app.store.crypto_files import is_encrypted_file

    for p in root.glob("??/??/*"):
        if p.is_file() and len(p.name) == 64:
            with open(p, "rb") as fh:
                if not is_encrypted_file(fh.read(4)):
                    yield p


def encrypt_db_file(path: Path, key: bytes) -> None:
    """Replace the plaintext SQLite file ``path`` by its SQLCipher copy (atomic, durable)."""
    from kiosk_app.store.db import DatabaseError, raw_connect

    path = Path(path)
    tmp = path.with_name(path.name + ".encrypting")
    tmp.unlink(missing_ok=True)  # a killed earlier attempt: start that file again
    try:
        conn = raw_connect(path, None)
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            # fold the WAL into the file, so the export sees every committed row
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", [str(tmp)])
            conn.execute("SELECT sqlcipher_export('enc')")
            conn.execute(f"PRAGMA enc.user_version = {int(version)}")
            conn.execute("DETACH DATABASE enc")
        finally:
            conn.close()
        check = raw_connect(tmp, key)
        try:
            ok = check.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            check.close()
        if ok != "ok":
            raise StoreError(f"{path}: bản mã hóa không toàn vẹn ({ok}); tệp gốc được giữ")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _kill_point("db-exported")
    except DatabaseError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{path}: không mã hóa được cơ sở dữ liệu cũ: {exc}") from exc
    # the plaintext journal files go first: after the checkpoint they hold nothing the file lacks
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(path) + suffix)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix" or not path.is_dir():
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
