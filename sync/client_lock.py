"""The sync lock: one sync pass per data folder at a time, across processes and threads.

``motcua sync`` on a system timer and the app's worker may both want to sync one data folder;
the second one gets :class:`~sync.client_errors.SyncBusy` (transient, code ``busy``) at once
instead of waiting or interleaving. An exclusive, non-blocking ``flock`` (``msvcrt.locking``
on Windows) on ``<data>/sync/sync.lock``, released when the file is closed (also when the
process dies), plus a per-folder thread lock for threads of one process.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from sync.client_enrol import SYNC_DIR
from sync.client_errors import SyncBusy

LOCK_FILE = "sync.lock"


class SyncLock:
    """An exclusive, non-blocking lock on ``<data>/sync/sync.lock`` (flock / msvcrt)."""

    _guard = threading.Lock()
    _threads: dict[str, threading.Lock] = {}  # one per data folder, for threads of one process

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir).resolve() / SYNC_DIR / LOCK_FILE
        with self._guard:
            self.thread_lock = self._threads.setdefault(str(self.path), threading.Lock())
        self.fh: Any = None
        self.held_thread = False

    def __enter__(self) -> SyncLock:
        if not self.thread_lock.acquire(blocking=False):
            raise SyncBusy("đang đồng bộ ở luồng khác", code="busy")
        self.held_thread = True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+b")  # noqa: SIM115 - closed in __exit__
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(self.fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.__exit__()
            raise SyncBusy("chương trình khác đang đồng bộ dữ liệu này", code="busy") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()  # releases the lock
            self.fh = None
        if self.held_thread:
            self.thread_lock.release()
            self.held_thread = False
