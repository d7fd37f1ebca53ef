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

# Data keys (encryption at rest) go to a throw-away folder, never to the user's keyring or
# config folder; set here, at import, so every subprocess a test starts inherits it.
if "MOTCUA_KEY_DIR" not in os.environ:
    import atexit
    import shutil
    import tempfile

    _key_dir = tempfile.mkdtemp(prefix="motcua-test-keys-")
    os.environ["MOTCUA_KEY_DIR"] = _key_dir
    _owner = os.getpid()
    atexit.register(lambda: os.getpid() == _owner and shutil.rmtree(_key_dir, True))


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
