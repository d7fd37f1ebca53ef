"""Run use-cases off the GUI thread, one at a time, and hand results back on the GUI thread.

Like Anki's task manager: a single worker thread (the store has one writer anyway, and ops then
run in the order the clerk made them), with ``on_done`` / ``on_error`` called on the GUI thread
through a queued signal. Nothing that touches disk or network runs on the GUI thread.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer, Signal, Slot


class TaskRunner(QObject):
    """Single-worker executor with GUI-thread callbacks. Create and use it on the GUI thread."""

    _finished = Signal(object, object, object, object)  # future, on_done, on_error, token

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-ops")
        self._pending = 0
        self._closed = False
        self._finished.connect(self._deliver)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future:
        """Queue ``fn`` on the worker; ``on_done(result)`` / ``on_error(exc)`` run on the GUI
        thread afterwards. Errors without ``on_error`` are printed, never swallowed silently."""
        self._pending += 1
        future = self._pool.submit(fn)
        future.add_done_callback(lambda f: self._finished.emit(f, on_done, on_error, None))
        return future

    @Slot(object, object, object, object)
    def _deliver(self, future: Future, on_done: Any, on_error: Any, _token: Any) -> None:
        self._pending -= 1
        exc = future.exception()
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                traceback.print_exception(exc)
        elif on_done is not None:
            on_done(future.result())

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def wait_idle(self, timeout_ms: int = 5000) -> bool:
        """Process events until every queued task has delivered (tests, shutdown)."""
        loop = QEventLoop()
        waited = 0
        while self._pending and waited < timeout_ms:
            QTimer.singleShot(10, loop.quit)
            loop.exec()
            waited += 10
        QCoreApplication.processEvents()
        return self._pending == 0

    @property
    def closed(self) -> bool:
        """True after :meth:`shutdown`: deferred work (timers) must not queue any more."""
        return self._closed

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True)
