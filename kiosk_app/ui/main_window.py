"""The program's main window: the clerk's desk shell (kiosk_app.ui.clerk.shell).

Kept as the name the entry point and older tests import.
"""

from __future__ import annotations

from kiosk_app.ui.clerk.shell import ClerkShell as MainWindow

__all__ = ["MainWindow"]
