"""The task runner: work off the GUI thread, results back on it, in order."""

from __future__ import annotations

import threading

from kiosk_app.ui.tasks import TaskRunner


def test_results_arrive_on_gui_thread_in_order(qtbot) -> None:
    runner = TaskRunner()
    gui = threading.get_ident()
    seen: list[tuple[int, bool, bool]] = []
    for i in range(5):
        runner.run(
            lambda i=i: (i, threading.get_ident() != gui),
            lambda r: seen.append((r[0], r[1], threading.get_ident() == gui)),
        )
    assert runner.wait_idle()
    assert seen == [(i, True, True) for i in range(5)]
    runner.shutdown()


def test_errors_reach_on_error(qtbot) -> None:
    runner = TaskRunner()
    errors: list[BaseException] = []

    def boom() -> None:
        raise ValueError("hỏng")

    runner.run(boom, on_error=errors.append)
    assert runner.wait_idle()
    assert len(errors) == 1 and str(errors[0]) == "hỏng"
    runner.shutdown()
