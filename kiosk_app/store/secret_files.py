"""Secrets kept as files in the data folder (the device's signing key, the sync credential).

One way to write them: created 0600 from the first byte (``O_EXCL`` on a temporary name, never
readable by others even briefly), flushed, renamed over the old file, and the folder flushed so
the rename reaches the disk before anything that points at the file commits. The folder itself
is made 0700. The secrets themselves are sealed with the data key (:func:`write_sealed`,
:func:`read_sealed`, AES-256-GCM): a copy of the data folder does not hand them out.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_secret(target: Path, data: bytes) -> Path:
    """Atomically replace ``target`` with ``data`` (mode 0600, folder 0700); returns it."""
    target = Path(target)
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    if os.name == "posix":
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return target


def write_sealed(target: Path, data: bytes, data_dir: Path, purpose: str) -> Path:
    """:func:`write_secret` of ``data`` sealed with ``data_dir``'s data key for ``purpose``."""
    from kiosk_app.store.crypto_files import seal
    from kiosk_app.store.data_key import load_or_create

    return write_secret(target, seal(load_or_create(data_dir), purpose, data))


def read_sealed(target: Path, data_dir: Path, purpose: str) -> bytes:
    """The plaintext of a secret file written by :func:`write_sealed`.

    A file an older version wrote in plaintext is returned as it is and sealed in place (the
    next read finds it sealed). Raises ``FileNotFoundError``/``OSError`` as reading does, and
    :class:`~kiosk_app.store.crypto_files.CryptoError` when it does not decrypt.
    """
    from kiosk_app.store.crypto_files import is_sealed, unseal
    from kiosk_app.store.data_key import load_or_create

    raw = Path(target).read_bytes()
    if is_sealed(raw):
        return unseal(load_or_create(data_dir), purpose, raw, str(target))
    write_sealed(target, raw, data_dir, purpose)
    return raw
