"""What Qt does not tell about a CUPS queue: whether it accepts jobs (libcups through ctypes).

Qt drops a job sent to a queue that refuses jobs (``cupsreject``) without a word, and its
printer state does not show it; :func:`cups_accepting_jobs` asks libcups for the queue's
``printer-is-accepting-jobs``. Linux/macOS only: None where libcups is not there (Windows).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading


class _CupsOption(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class _CupsDest(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("instance", ctypes.c_char_p),
        ("is_default", ctypes.c_int),
        ("num_options", ctypes.c_int),
        ("options", ctypes.POINTER(_CupsOption)),
    ]


_cups_lock = threading.Lock()
_cups_lib: ctypes.CDLL | None | bool = False  # False: not looked up yet


def _libcups() -> ctypes.CDLL | None:
    global _cups_lib
    with _cups_lock:
        if _cups_lib is False:
            _cups_lib = None
            if not sys.platform.startswith("win"):
                path = ctypes.util.find_library("cups")
                try:
                    lib = ctypes.CDLL(path or "libcups.so.2")
                    lib.cupsGetNamedDest.restype = ctypes.POINTER(_CupsDest)
                    lib.cupsGetNamedDest.argtypes = [
                        ctypes.c_void_p,
                        ctypes.c_char_p,
                        ctypes.c_char_p,
                    ]
                    lib.cupsGetOption.restype = ctypes.c_char_p
                    lib.cupsGetOption.argtypes = [
                        ctypes.c_char_p,
                        ctypes.c_int,
                        ctypes.POINTER(_CupsOption),
                    ]
                    lib.cupsFreeDests.argtypes = [ctypes.c_int, ctypes.POINTER(_CupsDest)]
                    _cups_lib = lib
                except OSError:
                    _cups_lib = None
        return _cups_lib or None


def cups_accepting_jobs(name: str) -> bool | None:
    """False when CUPS says the queue rejects jobs (Qt's state does not show it; Qt would
    then drop the job silently). None when unknown (no CUPS, Windows)."""
    lib = _libcups()
    if lib is None:
        return None
    dest = lib.cupsGetNamedDest(None, name.encode(), None)
    if not dest:
        return None
    try:
        value = lib.cupsGetOption(
            b"printer-is-accepting-jobs", dest.contents.num_options, dest.contents.options
        )
    finally:
        lib.cupsFreeDests(1, dest)
    if value is None:
        return None
    return value.decode().lower() not in ("false", "0", "no")
