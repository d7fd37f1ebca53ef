"""Kiosk mode at start: the device settings ``kiosk_mode_at_start`` / ``kiosk_orientation``
are read from the (encrypted) store before Qt starts, and ``--kiosk`` / ``--desk`` /
``--orientation`` win over them — checked on the parser's function and on real processes."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kiosk_app.__main__ import start_mode
from kiosk_app.config import DB_FILE, SETTINGS
from kiosk_app.store import settings as settings_rows


def _args(data_dir: Path, **flags: Any) -> argparse.Namespace:
    base = {"data_dir": str(data_dir), "kiosk": False, "desk": False, "orientation": None}
    return argparse.Namespace(**(base | flags))


def _set(kiosk: Any, values: dict[str, Any]) -> None:
    with kiosk.store.write() as db:
        settings_rows.put(db, values)


def test_the_two_settings_are_declared() -> None:
    declared = {s.name: s.default for s in SETTINGS}
    assert declared["kiosk_mode_at_start"] is False
    assert declared["kiosk_orientation"] == "auto"


def test_nothing_set_starts_the_desk_and_creates_nothing(tmp_path: Path) -> None:
    assert start_mode(_args(tmp_path / "new")) == (False, "auto")
    assert not (tmp_path / "new").exists()  # read-only: a first start creates nothing here
    assert start_mode(_args(tmp_path / "new", kiosk=True)) == (True, "auto")


def test_settings_decide_unless_the_command_line_says(kiosk: Any, capsys: Any) -> None:
    d = kiosk.data_dir
    assert start_mode(_args(d)) == (False, "auto")
    _set(kiosk, {"kiosk_mode_at_start": True, "kiosk_orientation": "landscape"})
    assert start_mode(_args(d)) == (True, "landscape")  # read through the store's own key
    assert start_mode(_args(d, desk=True)) == (False, "auto")
    assert start_mode(_args(d, orientation="portrait")) == (True, "portrait")
    _set(kiosk, {"kiosk_mode_at_start": False})
    assert start_mode(_args(d)) == (False, "landscape")
    assert start_mode(_args(d, kiosk=True)) == (True, "landscape")
    _set(kiosk, {"kiosk_orientation": "sideways"})
    assert start_mode(_args(d, kiosk=True)) == (True, "auto")
    assert "sideways" in capsys.readouterr().err


def test_an_unreadable_store_counts_as_not_set(tmp_path: Path) -> None:
    (tmp_path / DB_FILE).write_bytes(b"not a database at all" * 100)
    assert settings_rows.read_file(tmp_path / DB_FILE, ["kiosk_mode_at_start"]) is None
    assert start_mode(_args(tmp_path)) == (False, "auto")


def test_reading_the_settings_is_cheap(kiosk: Any) -> None:
    _set(kiosk, {"kiosk_mode_at_start": True})
    path = kiosk.data_dir / DB_FILE
    settings_rows.read_file(path, ["kiosk_mode_at_start"])  # key cached, as after open
    started = time.perf_counter()
    for _ in range(20):
        got = settings_rows.read_file(path, ["kiosk_mode_at_start", "kiosk_orientation"])
    per_read_ms = (time.perf_counter() - started) * 1000 / 20
    assert got == {"kiosk_mode_at_start": True}
    assert per_read_ms < 25, f"{per_read_ms:.1f} ms"


PROBE = """
import os, sys
import kiosk_app.app as app_mod
from kiosk_app.__main__ import main
real_run = app_mod.run
def run(args):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    seen = (f"kiosk={args.kiosk} orientation={args.orientation} "
            f"qapp_before={QApplication.instance() is not None} "
            f"IM={os.environ.get('QT_IM_MODULE', '')}")
    def report():
        names = [w.objectName() or type(w).__name__ for w in QApplication.topLevelWidgets()
                 if w.isVisible()]
        open(sys.argv[1], "w").write(seen + " windows=" + ",".join(names))
    QTimer.singleShot(0, lambda: QTimer.singleShot(800, report))
    return real_run(args)
app_mod.run = run
sys.exit(main(sys.argv[2:]))
"""


def _start(data_dir: Path, tmp_path: Path, *flags: str) -> str:
    """Run motcua-kiosk's main in a real process (``--quit-after``: it must also quit by
    itself in kiosk mode); returns what it saw and which window it showed."""
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    out = tmp_path / "seen.txt"
    env = {k: v for k, v in os.environ.items() if k != "QT_IM_MODULE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run(
        [
            sys.executable,
            str(probe),
            str(out),
            "--data-dir",
            str(data_dir),
            "--quit-after",
            "2",
            *flags,
        ],  # fmt: skip
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_motcua_kiosk_honours_the_setting(kiosk: Any, tmp_path: Path) -> None:
    _set(kiosk, {"kiosk_mode_at_start": True, "kiosk_orientation": "portrait"})
    kiosk.close()  # the app opens the folder itself
    seen = _start(kiosk.data_dir, tmp_path)
    # the keyboard's input method was set before the QApplication existed
    assert "kiosk=True orientation=portrait qapp_before=False IM=qtvirtualkeyboard" in seen
    assert seen.endswith("windows=kioskWindow")
    seen = _start(kiosk.data_dir, tmp_path, "--desk")
    assert "kiosk=False" in seen and "IM= " in seen and "kioskWindow" not in seen
