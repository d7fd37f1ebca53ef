"""Background sync inside the running desk: ``sync.client.run_forever`` on its own thread.

Not the TaskRunner: a pass over a slow link can take minutes, and the desk's own short tasks
(lists, drafts, receipts) must not queue behind it. The loop syncs every ``interval`` seconds,
sooner when a submission adds to the outbox, backs off after failures, and stops (cancelling
the request in flight) when :meth:`SyncWorker.stop` is called. Each pass's report and the
resulting status reach the GUI thread through queued signals.

Threading: the sync thread only touches the store (single writer) and the network; it never
touches a widget. ``kiosk.office``/``calendar``/``catalog`` changes that a pass reports in
``report.reload`` take effect at the next start of the program.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Signal


class SyncWorker(QObject):
    """``reported(report, status)`` after every pass (``status``: ``sync_status`` data)."""

    reported = Signal(object, object)

    def __init__(self, kiosk: Any, *, interval: float = 300.0, parent: QObject | None = None):
        super().__init__(parent)
        self.kiosk = kiosk
        self.interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="motcua-sync", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from sync.client import run_forever

        run_forever(
            self.kiosk,
            interval=self.interval,
            stop=self._stop,
            on_report=self._report,
            wake=self._wake,
        )

    def kick(self) -> None:
        """Sync now ("Đồng bộ ngay", or just after a submission): the next pass starts at once,
        or right after the one running. Any thread."""
        self._wake.set()

    def _report(self, report: Any) -> None:
        from sync.client import sync_status

        try:
            status = sync_status(self.kiosk)
        except Exception:  # noqa: BLE001 - the indicator shows the report alone
            status = None
        self.reported.emit(report, status)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> bool:
        """Ask the loop to stop and wait up to ``timeout`` s; True when it has stopped."""
        self._stop.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()
