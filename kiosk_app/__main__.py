"""``motcua-kiosk``: start the desktop program.

Before Qt is imported we check there is a screen to draw on: on a machine without one, Qt
aborts the process with a long message; we say so in one line and how to run under Xvfb.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


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


def main(argv: Sequence[str] | None = None) -> int:
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
    parser.add_argument(
        "--kiosk",
        action="store_true",
        help="self-service kiosk mode: full screen, touch, for citizens (staff leave with the PIN)",
    )
    parser.add_argument(
        "--orientation",
        choices=("auto", "portrait", "landscape"),
        default="auto",
        help="kiosk screen layout (default: from the screen's shape)",
    )
    args = parser.parse_args(argv)
    reason = no_screen_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 3
    if args.kiosk:
        # The on-screen keyboard is an input method Qt picks when the application starts.
        from kiosk_app.ui.kiosk import prepare_environment

        prepare_environment()
    from kiosk_app.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
