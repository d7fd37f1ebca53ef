"""Fuzzing set-up: a hard per-test time limit, and the hypothesis budget of this folder.

Every parser here must return or raise its own error class: a hang is a failure too. Hypothesis'
``deadline`` catches one slow example; the SIGALRM watchdog below catches a test that never
returns (a catastrophic regex, an endless loop on a hostile server answer) and fails it with
a traceback of where it was stuck. POSIX only (the CI runs Linux); elsewhere it is skipped.

The whole folder must stay under ~90 s on one core: example counts are set per test with
``FUZZ`` (a profile multiplier: ``MOTCUA_FUZZ_EXAMPLES=10`` for a long local run).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, Phase, settings

TEST_TIMEOUT_S = 60
_SCALE = float(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "1"))


def fuzz_settings(examples: int, deadline_ms: int = 1000, **kw: object) -> settings:
    """Hypothesis settings for one fuzz test: ``examples`` scaled by MOTCUA_FUZZ_EXAMPLES."""
    return settings(
        max_examples=max(1, int(examples * _SCALE)),
        deadline=timedelta(milliseconds=deadline_ms),
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
        derandomize=os.environ.get("MOTCUA_FUZZ_RANDOM") is None,
        database=None,
        **{  # no "explain" phase: tracing every line of a sync pass is slower than the pass
            "phases": (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
            **kw,
        },  # type: ignore[arg-type]
    )


class FuzzTimeout(BaseException):
    """The test ran past TEST_TIMEOUT_S: a hang. A BaseException, so that hypothesis does not
    take it for one failing example and go on shrinking: the test stops there."""


@pytest.fixture(autouse=True)
def _watchdog() -> Iterator[None]:
    if not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(_sig: int, _frame: object) -> None:
        raise FuzzTimeout(f"fuzz test still running after {TEST_TIMEOUT_S} s: a hang")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, TEST_TIMEOUT_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
