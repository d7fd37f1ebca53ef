"""Shared test set-up: Qt offscreen, and a temporary kiosk data folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
