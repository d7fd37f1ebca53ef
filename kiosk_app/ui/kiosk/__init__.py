"""The self-service kiosk: a villager alone at a touch screen (issue 6).

``motcua-kiosk --kiosk`` shows :class:`kiosk_app.ui.kiosk.shell.KioskWindow` instead of the
clerk's desk: full screen, frameless, one question per screen in big type, read-aloud, an idle
wipe, and a Vietnamese on-screen keyboard (Qt Virtual Keyboard). It shares the form engine and
the form widgets (``kiosk_app.ui.widgets``) with the clerk desk.

Wiring (the entry point's job):

1. BEFORE the QApplication exists: :func:`prepare_environment` (the virtual keyboard is an
   input-method plugin that Qt picks when the application starts).
2. ``window = kiosk_app.ui.kiosk.shell.build_kiosk_window(kiosk, app, orientation="auto")``
   then ``window.show_kiosk()``; ``app.exec()``. Staff leave with the admin PIN (5 quick taps
   on the office name at the top left).

Importing this module imports no Qt; :func:`prepare_environment` imports only QtCore (no
application is created), so the entry point calls it first.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

#: What :func:`prepare_environment` sets (values already set by the administrator are kept).
KIOSK_ENV: dict[str, str] = {
    # Qt Virtual Keyboard as the input method of every text box (widgets apps included).
    "QT_IM_MODULE": "qtvirtualkeyboard",
    # The layouts offered by its language key: Vietnamese and English.
    "QT_VIRTUALKEYBOARD_ACTIVE_LOCALES": "vi_VN;en_GB",
}
#: The keyboard opens in the application's default locale at start-up (seen under Xvfb: with
#: LANG=C it opened in English, even with vi_VN listed first above), so the kiosk sets it.
KIOSK_LOCALE = "vi_VN"


def prepare_environment(
    environ: MutableMapping[str, str] | None = None, *, set_locale: bool = True
) -> dict[str, str]:
    """Set the kiosk's environment variables (only those not set already) and, with
    ``set_locale``, Qt's default locale to Vietnamese; returns the variables set. Call before
    the QApplication is created: later, neither reaches the virtual keyboard."""
    env = os.environ if environ is None else environ
    done = {}
    for key, value in KIOSK_ENV.items():
        if not env.get(key):
            env[key] = value
            done[key] = value
    if set_locale:
        from PySide6.QtCore import QLocale

        QLocale.setDefault(QLocale(KIOSK_LOCALE))
    return done
