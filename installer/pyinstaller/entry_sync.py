"""Frozen entry of ``motcua-sync``: ``motcua sync`` on its own, what the system timer (Linux)
or the scheduled task (Windows, built without a console window) runs while the desk is closed."""

import sys

from kiosk_app.cli import main

if __name__ == "__main__":
    sys.exit(main(["sync", *sys.argv[1:]]))
