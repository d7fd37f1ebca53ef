"""Frozen entry of ``motcua`` (the office's command line)."""

import sys

from kiosk_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
