"""The Submit flow's chip-card (CCCD) QR: from a keyboard-wedge scanner or from the camera.

A mixin of :class:`kiosk_app.ui.kiosk.submit.SubmitFlow` (kept apart so that module stays
small): it uses the flow's ``stack``, ``body``, ``form``, ``answers``, ``editor``, ``lang``,
``columns``, ``_cameras``, ``frame_source`` and ``scan``. Texts use the ``SubmitFlow``
translation context. GUI thread only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from kiosk_app.ui.kiosk import questions as qs


class CardScan:
    """Camera page and card parsing for :class:`~kiosk_app.ui.kiosk.submit.SubmitFlow`."""

    _cameras: list[Any] | None
    scan: Any

    def cameras(self) -> list[Any]:
        if self._cameras is None:
            from kiosk_app.ui.widgets.camera import cameras

            self._cameras = cameras()
        return self._cameras

    def scanning(self) -> bool:
        return self.scan is not None and self.stack.currentWidget() is self.scan

    def open_camera(self) -> None:
        """The camera page for the chip card's QR; a card read there fills the person."""
        if self.current_question() is None or not self.cameras():
            return
        if self.scan is None:
            from kiosk_app.ui.kiosk.qr_scan import QrScanPanel, camera_source_factory

            self.scan = QrScanPanel(
                QCoreApplication.translate(
                    "SubmitFlow", "Đưa mã QR trên thẻ căn cước (mặt trước) vào trước máy ảnh."
                ),
                self._card_problem,
                self.frame_source or camera_source_factory(self.cameras()),
                preview_height=360 if self.columns > 1 else 640,
            )
            self.scan.scanned.connect(self._card_scanned)
            self.scan.message_shown.connect(self.say.emit)
            self.stack.addWidget(self.scan)
        self.stack.setCurrentWidget(self.scan)
        self.scan.start()
        self.changed.emit()
        self.say.emit(self.scan.instructions.text())

    def _card_problem(self, text: str) -> str | None:
        from kiosk_app.core.identity import CccdQrError, parse_cccd_qr

        try:
            parse_cccd_qr(text)
        except CccdQrError as exc:
            return exc.text.get(self.lang)
        return None

    def close_camera(self) -> None:
        if self.scan is not None:
            self.scan.stop()
            if self.stack.currentWidget() is self.scan and self.body is not None:
                self.stack.setCurrentWidget(self.body)
                self.changed.emit()

    def _card_scanned(self, text: str) -> None:
        self.close_camera()
        self.apply_scan(text)

    def apply_scan(self, text: str) -> None:
        """A chip-card QR from the wedge scanner: fill the person this question is about."""
        from kiosk_app.core.identity import CccdQrError, parse_cccd_qr

        q = self.current_question()
        if q is None or q.parent is None or q.parent.type != "person":
            return
        try:
            card = parse_cccd_qr(text)
        except CccdQrError as exc:
            self._show_error(exc.text.get(self.lang))
            return
        sub_ids = {f.id for f in q.parent.fields}
        person = {k: v for k, v in card.to_person().items() if k in sub_ids}
        block = {**(self.answers.get(q.parent.id) or {}), **person}
        self.answers = self.form.compute(self.form.normalize({**self.answers, q.parent.id: block}))
        self.editor.set_value(qs.get_value(self.answers, q))
        self.say.emit(QCoreApplication.translate("SubmitFlow", "Đã đọc thẻ căn cước."))
