"""``motcua-kiosk``: start the desktop program.

Before Qt is imported we check there is a screen to draw on: on a machine without one, Qt
aborts the process with a long message; we say so in one line and how to run under Xvfb.

Clerk desk or self-service kiosk: ``--kiosk`` / ``--desk`` decide; without either, the device
settings ``kiosk_mode_at_start`` and ``kiosk_orientation`` do (read from the store without Qt,
:func:`start_mode`), because the kiosk's on-screen keyboard must be set up before the
QApplication exists. ``--speech-helper`` (first argument only) runs the read-aloud helper
process of a frozen build (kiosk_app.ui.kiosk.speech_helper).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def no_screen_reason() -> str | None:
    """Why no window can be shown here, or None when a display (or offscreen Qt) is set."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return (
            "motcua-kiosk: no screen (DISPLAY and WAYLAND_DISPLAY are unset) — run it under "
            "Xvfb: `xvfb-run -a motcua-kiosk`, or set QT_QPA_PLATFORM=offscreen"
        )
    return None


def default_lang() -> str:
    """``MOTCUA_LANG`` when it names a known interface language (vi, en), else ``"vi"``."""
    lang = os.environ.get("MOTCUA_LANG", "").strip().lower()
    return lang if lang in ("vi", "en") else "vi"


def start_mode(args: argparse.Namespace) -> tuple[bool, str]:
    """(kiosk?, orientation) from the command line, else from the store's device settings.

    ``--desk`` wins over the setting (staff on a kiosk PC); ``--kiosk`` forces the kiosk;
    ``--orientation`` wins over ``kiosk_orientation``. The store is read only when a setting
    is needed; an unreadable store counts as "not set" (the app then reports it as usual).
    """
    if args.desk:
        return False, args.orientation or "auto"
    if args.kiosk and args.orientation:
        return True, args.orientation
    from kiosk_app.config import (
        DB_FILE,
        KIOSK_MODE_SETTING,
        KIOSK_ORIENTATION_SETTING,
        KIOSK_ORIENTATIONS,
        default_data_dir,
    )
    from kiosk_app.store.settings import read_file

    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    stored = read_file(data_dir / DB_FILE, (KIOSK_MODE_SETTING, KIOSK_ORIENTATION_SETTING)) or {}
    kiosk = bool(args.kiosk) or stored.get(KIOSK_MODE_SETTING) is True
    orientation = args.orientation or stored.get(KIOSK_ORIENTATION_SETTING) or "auto"
    if orientation not in KIOSK_ORIENTATIONS:
        print(
            f"motcua-kiosk: kiosk_orientation {orientation!r} is not auto, portrait or "
            "landscape; using auto",
            file=sys.stderr,
        )
        orientation = "auto"
    return kiosk, orientation


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--speech-helper"]:
        from kiosk_app.ui.kiosk.speech_helper import main as speech_helper

        return speech_helper(argv[1:])
    parser = argparse.ArgumentParser(prog="motcua-kiosk", description="MotCua Kiosk desktop app")
    parser.add_argument("--data-dir", help="data folder (default: the user's data folder)")
    parser.add_argument(
        "--quit-after",
        type=float,
        metavar="SECONDS",
        help="close by itself after SECONDS (smoke tests, screenshots)",
    )
    parser.add_argument("--screenshot", metavar="PNG", help="save the window to PNG, then quit")
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        default=default_lang(),
        help="interface language (default: $MOTCUA_LANG, else vi)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--kiosk",
        action="store_true",
        help="self-service kiosk mode: full screen, touch, for citizens (staff leave with the PIN)"
        "; the default when the setting kiosk_mode_at_start is on",
    )
    mode.add_argument(
        "--desk",
        action="store_true",
        help="the clerk's desk even when the setting kiosk_mode_at_start is on",
    )
    parser.add_argument(
        "--orientation",
        choices=("auto", "portrait", "landscape"),
        default=None,
        help="kiosk screen layout (default: the setting kiosk_orientation, else from the "
        "screen's shape)",
    )
    args = parser.parse_args(argv)
    reason = no_screen_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 3
    args.kiosk, args.orientation = start_mode(args)
    if args.kiosk:
        # The on-screen keyboard is an input method Qt picks when the application starts.
        from kiosk_app.ui.kiosk import prepare_environment

        prepare_environment()
    from kiosk_app.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
