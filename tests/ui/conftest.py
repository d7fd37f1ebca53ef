"""Fixtures for UI tests (the ``kiosk`` fixture lives in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def runner(qtbot: object) -> Iterator[object]:
    """A TaskRunner (needs the QApplication from pytest-qt); waits idle and shuts down after."""
    from kiosk_app.ui.tasks import TaskRunner

    r = TaskRunner()
    yield r
    r.wait_idle(5000)
    r.shutdown()
