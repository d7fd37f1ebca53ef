"""Fixtures for UI tests (the ``kiosk`` fixture lives in tests/conftest.py)."""

from __future__ import annotations

import contextlib
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


# Cheap argon2id for test accounts (tests/unit/test_accounts.py covers the real parameters).
TEST_PASSWORD = "mật khẩu thử 1"
TEST_PIN = "582914"


def fast_accounts(kiosk: object) -> object:
    """The accounts of ``kiosk``'s store with a cheap hasher and the intake's (fake) clock."""
    from argon2 import PasswordHasher

    from kiosk_app.core.accounts import Accounts

    return Accounts(
        kiosk.store,  # type: ignore[attr-defined]
        clock=kiosk.intake.clock,  # type: ignore[attr-defined]
        hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
    )


def log_in(kiosk: object, role: str = "head") -> object:
    """The Session of a test account of ``role`` on ``kiosk``'s store, logged in
    programmatically through the real accounts (created on first use: ``test.admin`` as the
    first-run administrator, ``test.<role>`` for the others; password ``TEST_PASSWORD``, PIN
    ``TEST_PIN``). Also used by tools/screenshots.py and bench/gui_stalls.py."""
    from kiosk_app.core.accounts import AccountRefused

    accounts = fast_accounts(kiosk)
    if not accounts.has_accounts():
        accounts.create_first_admin("test.admin", "Quản Trị Thử", TEST_PASSWORD, TEST_PIN)
    admin = accounts.login("test.admin", TEST_PASSWORD)
    if role == "admin":
        return admin
    username = f"test.{role}"
    with contextlib.suppress(AccountRefused):  # made by an earlier call
        accounts.add(
            admin, username, f"Cán Bộ Thử {role}", role, password=TEST_PASSWORD, pin=TEST_PIN
        )
    return accounts.login(username, TEST_PASSWORD)


@pytest.fixture
def desk_login() -> object:
    """``desk_login(kiosk, role="head")`` → a logged-in test account's Session (:func:`log_in`):
    the one way UI tests get a desk session; ``head`` can do everything a clerk can, plus
    refusals."""
    return log_in


@pytest.fixture
def desk_session(kiosk: object, desk_login: object) -> object:
    """A head-of-office account logged in on the ``kiosk`` fixture's store."""
    return desk_login(kiosk)  # type: ignore[operator]
