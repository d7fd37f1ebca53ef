"""Debounced draft saving for the intake wizard.

Edits mark the draft dirty and (re)start a ``SAVE_DELAY_MS`` timer; when it fires, the payload
is written with ``intake.save_step`` on the TaskRunner (one worker, so saves and the final submit
run in order). ``save_step`` merges answers, so a field the clerk emptied is sent as ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

SAVE_DELAY_MS = 400


class DraftSaver(QObject):
    """``schedule()`` after each edit; ``save_now()`` to flush; ``pending`` while unsaved."""

    saved = Signal()
    failed = Signal(str)

    def __init__(
        self,
        runner: Any,
        intake: Any,
        payload: Callable[[], dict[str, Any]],
        parent: QObject | None = None,
        delay_ms: int = SAVE_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self.runner, self.intake, self.payload = runner, intake, payload
        self.draft_id: str | None = None
        self.saved_keys: set[str] = set()
        self.closed = False
        self._dirty = False
        self._in_flight = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.save_now)

    @property
    def dirty(self) -> bool:
        return self._dirty

    @property
    def pending(self) -> bool:
        return not self.closed and (self._dirty or self._in_flight > 0)

    def schedule(self) -> None:
        if not self.closed:
            self._dirty = True
            self._timer.start()

    def close(self) -> None:
        """The draft became a dossier: nothing more to save."""
        self._timer.stop()
        self._dirty = False
        self.closed = True

    def save_now(self) -> Any:
        """Queue the current payload on the runner (no-op until the draft exists); returns the
        queued save's Future (None when nothing was queued), so work queued after it on the
        same single-worker runner can tell whether it failed."""
        self._timer.stop()
        if self.draft_id is None or self.closed:
            return None
        payload = self.payload()
        answers = dict(payload["answers"])
        for key in self.saved_keys - set(answers):
            answers[key] = None
        payload["answers"] = answers
        draft_id, intake = self.draft_id, self.intake
        self._dirty = False
        self._in_flight += 1

        def done(_result: Any) -> None:
            if not shiboken6.isValid(self):
                return  # the wizard was closed while its last save ran
            self._in_flight -= 1
            self.saved_keys |= {k for k, v in answers.items() if v is not None}
            self.saved.emit()

        def failed(exc: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            self._in_flight -= 1
            self._dirty = True
            self.failed.emit(getattr(exc, "message", None) or str(exc))

        return self.runner.run(lambda: intake.save_step(draft_id, **payload), done, failed)
