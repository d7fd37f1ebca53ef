"""Shared test set-up: Qt offscreen, and a kiosk in a temporary data folder with a fixed clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

# A private CUPS with a cups-pdf queue (``cups_pdf_queue``) for every test that prints.
pytest_plugins = ["tests.cups_fixture"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[object]:
    """An opened Kiosk whose intake clock is Wed 2025-03-12 09:30 +07."""
    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ

    configure_office(tmp_path, DEMO_TEST_OFFICE)
    k = open_kiosk(tmp_path)
    k.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))  # a Wednesday
    yield k
    k.close()
