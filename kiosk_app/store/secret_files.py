"""Secrets kept as files in the data folder (the device's signing key, the sync credential).

One way to write them: created 0600 from the first byte (``O_EXCL`` on a temporary name, never
readable by others even briefly), flushed, renamed over the old file, and the folder flushed so
the rename reaches the disk before anything that points at the file commits. The folder itself
is made 0700. Issue 7 (trust) moves these secrets to the OS credential store or encrypts them.
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
