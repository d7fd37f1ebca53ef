"""Frozen entry of ``motcua-kiosk`` (the desktop program)."""

import sys

from kiosk_app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
