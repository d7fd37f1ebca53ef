"""Check a dossier: type its code on the on-screen pad, hold the receipt's QR under the
scanner (a keyboard-wedge scanner types the QR text and Enter into the code box), or hold it
to the camera (:mod:`kiosk_app.ui.kiosk.qr_scan`, only when the kiosk has one); all three end
in :meth:`CheckFlow.look_up`. The status and the appointment come from the store and are read
aloud.

Only what the receipt already shows is shown: procedure, status, dates — never a name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from kiosk_app.core import kiosk_session
from kiosk_app.ui.kiosk.widgets import BigButton, Flow, KeyPad, NavState, wrap_label


def code_from_scan(text: str) -> str | None:
    """The dossier code inside a receipt QR's text, or None when it is not one."""
    from kiosk_app.receipts import qr_payload

    try:
        return qr_payload.parse(text).claims.code
    except qr_payload.MalformedPayload:
        return None


class CheckFlow(Flow):
    """``cameras``: the video inputs (None: ask Qt); ``frame_source``: makes the camera's frame
    source (default: the first camera; tests give still frames)."""

    def __init__(
        self,
        kiosk: Any,
        runner: Any,
        lang: str = "vi",
        landscape: bool = False,
        cameras: list[Any] | None = None,
        frame_source: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        self.kiosk, self.runner, self.lang = kiosk, runner, lang
        self.landscape = landscape
        if cameras is None:
            from kiosk_app.ui.widgets.camera import cameras as video_inputs

            cameras = video_inputs()
        self.cameras = cameras
        self.frame_source = frame_source
        self.scan: Any = None  # the camera page, made on first use
        self.result: Any = None
        self.result_text = ""
        self._closed = False
        self.stack = QStackedWidget(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)

        self.entry = QWidget()
        v = QVBoxLayout(self.entry)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(16)
        v.addWidget(wrap_label(self.tr("Nhập mã hồ sơ in trên phiếu"), "questionLabel"))
        v.addWidget(
            wrap_label(
                self.tr(
                    "Chỉ cần phần cuối, ví dụ 250312-1001. Hoặc đưa mã QR trên phiếu vào máy quét."
                ),
                "questionHelp",
            )
        )
        row = QHBoxLayout()
        self.prefix = wrap_label(kiosk.office.agency_id + " –", "questionContext")
        self.prefix.setWordWrap(False)
        row.addWidget(self.prefix)
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("codeEdit")
        self.code_edit.setMinimumHeight(90)
        self.code_edit.setMaxLength(300)  # a whole QR text from the scanner fits
        # The pad below is the keyboard here: no virtual keyboard over it. Keys from a
        # physical keyboard or a wedge scanner still arrive.
        self.code_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.code_edit.returnPressed.connect(self.look_up)
        row.addWidget(self.code_edit, 1)
        v.addLayout(row)
        self.camera_button = BigButton(self.tr("Quét mã QR bằng máy ảnh"), self.entry)
        self.camera_button.setObjectName("cameraButton")
        self.camera_button.clicked.connect(self.open_camera)
        self.camera_button.setVisible(bool(self.cameras))
        if landscape:  # beside the box: the pad needs every row of a 1080-pixel screen
            row.addWidget(self.camera_button, 1)
        else:
            v.addWidget(self.camera_button)
        self.error_label = wrap_label("", "errorText")
        self.error_label.hide()
        v.addWidget(self.error_label)
        self.pad = KeyPad(self.code_edit, extra="-", letters=True)
        self.pad.pressed.connect(lambda _k: self.error_label.hide())
        self.pad.setMinimumHeight(360 if landscape else 620)
        v.addWidget(self.pad, 1)
        self.stack.addWidget(self.entry)

        self.view = QWidget()
        rv = QVBoxLayout(self.view)
        rv.setSpacing(16)
        self.code_label = wrap_label("", "questionContext")
        self.proc_label = wrap_label("", "questionLabel")
        self.status_label = wrap_label("", "statusText")
        self.dates_label = wrap_label("", "bodyText")
        self.hint_label = wrap_label("", "questionHelp")
        for w in (
            self.code_label,
            self.proc_label,
            self.status_label,
            self.dates_label,
            self.hint_label,
        ):
            rv.addWidget(w)
        rv.addStretch(1)
        self.stack.addWidget(self.view)
        self.code_edit.setFocus()

    # ------------------------------------------------------------------ camera
    def open_camera(self) -> None:
        """Show the live camera; a receipt QR read there is looked up like a typed code."""
        if not self.cameras:
            return
        if self.scan is None:
            from kiosk_app.ui.kiosk.qr_scan import QrScanPanel, camera_source_factory

            self.scan = QrScanPanel(
                self.tr("Đưa mã QR in trên phiếu hẹn vào trước máy ảnh, cách khoảng một gang tay."),
                self._receipt_problem,
                self.frame_source or camera_source_factory(self.cameras),
                preview_height=360 if self.landscape else 640,
            )
            self.scan.scanned.connect(self._scanned)
            self.scan.message_shown.connect(self.say.emit)
            self.stack.addWidget(self.scan)
        self.error_label.hide()
        self.stack.setCurrentWidget(self.scan)
        self.scan.start()
        self.changed.emit()
        self.say.emit(self.speech_text())

    def _receipt_problem(self, text: str) -> str | None:
        if code_from_scan(text) is not None:
            return None
        return self.tr(
            "Mã QR này không phải mã trên phiếu hẹn của bộ phận một cửa. Hãy đưa mã QR in trên "
            "phiếu, hoặc bấm “Quay lại” để nhập mã hồ sơ."
        )

    def _scanned(self, text: str) -> None:
        self.stack.setCurrentWidget(self.entry)  # a problem (not found) shows there
        self.changed.emit()
        self.look_up(text)

    def _close_camera(self) -> None:
        if self.scan is not None:
            self.scan.stop()

    # ------------------------------------------------------------------ look up
    def look_up(self, scanned: str | None = None) -> None:
        """Look up the typed code, or ``scanned`` (a QR text read by the camera)."""
        text = (scanned if scanned is not None else self.code_edit.text()).strip()
        if not text:
            self._error(self.tr("Hãy nhập mã hồ sơ."))
            return
        if "*" in text:
            code = code_from_scan(text)
            if code is None:
                self._error(self.tr("Không đọc được mã QR này. Hãy thử lại hoặc nhập mã hồ sơ."))
                return
        else:
            code = kiosk_session.resolve_code(text, self.kiosk.office.agency_id)
            if code is None:
                self._error(self.tr("Mã hồ sơ chưa đúng. Ví dụ đúng: 250312-1001."))
                return
        kiosk, lang = self.kiosk, self.lang
        self.runner.run(
            lambda: kiosk_session.citizen_status(kiosk, code, lang),
            lambda found: self._found(code, found),
            lambda exc: self._error(str(exc)),
        )

    def _error(self, text: str) -> None:
        if self._closed or not shiboken6.isValid(self):
            return
        self.error_label.setText(text)
        self.error_label.show()
        self.say.emit(text)

    def _found(self, code: str, status: Any) -> None:
        if self._closed or not shiboken6.isValid(self):
            return
        if status is None:
            self._error(
                self.tr("Không tìm thấy hồ sơ %1. Hãy kiểm tra lại mã trên phiếu.").replace(
                    "%1", code
                )
            )
            return
        self.result = status
        self.code_edit.clear()
        self.code_label.setText(self.tr("Mã hồ sơ: %1").replace("%1", status.code))
        self.proc_label.setText(status.procedure_name)
        self.status_label.setText(status.status_label)
        received = status.received_at.strftime("%H:%M %d/%m/%Y")
        lines = [self.tr("Nộp lúc: %1").replace("%1", received)]
        if status.appointment_at is not None:
            appt = status.appointment_at.strftime("%H:%M ngày %d/%m/%Y")
            lines.append(self.tr("Hẹn trả kết quả: %1").replace("%1", appt))
        self.dates_label.setText("\n".join(lines))
        self.hint_label.setText(self.hint(status.status))
        self.stack.setCurrentWidget(self.view)
        self.result_text = ". ".join(
            [
                self.tr("Hồ sơ %1").replace("%1", status.procedure_name),
                status.status_label,
                *lines,
                self.hint(status.status),
            ]
        )
        self.changed.emit()
        self.say.emit(self.result_text)

    def hint(self, status: int) -> str:
        hints = {
            1: self.tr("Mời bạn mang giấy tờ đến quầy một cửa để cán bộ kiểm tra và hẹn ngày."),
            2: self.tr("Hồ sơ đã được tiếp nhận. Mời bạn quay lại đúng ngày hẹn."),
            4: self.tr("Hồ sơ đang được giải quyết. Mời bạn quay lại đúng ngày hẹn."),
            5: self.tr("Cần bổ sung giấy tờ: mời bạn đến quầy một cửa để được hướng dẫn."),
            6: self.tr("Cần nộp phí, lệ phí: mời bạn đến quầy một cửa."),
            9: self.tr("Đã có kết quả. Mời bạn mang phiếu và giấy tờ tùy thân đến nhận."),
            10: self.tr("Kết quả đã được trả."),
        }
        return hints.get(status, self.tr("Mời bạn hỏi cán bộ ở quầy một cửa."))

    # ------------------------------------------------------------------ navigation
    def nav(self) -> NavState:
        if self.scan is not None and self.stack.currentWidget() is self.scan:
            return NavState(self.tr("Quét mã QR trên phiếu"), next_text=None)
        if self.stack.currentWidget() is self.entry:
            return NavState(self.tr("Tra cứu hồ sơ"), next_text=self.tr("Tra cứu →"))
        return NavState(self.tr("Tình trạng hồ sơ"), next_text=self.tr("Xong"))

    def go_next(self) -> None:
        if self.stack.currentWidget() is self.entry:
            self.look_up()
        elif self.stack.currentWidget() is self.view:
            self.done.emit()

    def go_back(self) -> None:
        if self.stack.currentWidget() is self.entry:
            self.done.emit()
        elif self.scan is not None and self.stack.currentWidget() is self.scan:
            self._close_camera()
            self.stack.setCurrentWidget(self.entry)
            self.code_edit.setFocus()
            self.changed.emit()
        else:
            self.stack.setCurrentWidget(self.entry)
            self.code_edit.setFocus()
            self.changed.emit()

    def speech_text(self) -> str:
        if self.stack.currentWidget() is self.view:
            return self.result_text
        if self.scan is not None and self.stack.currentWidget() is self.scan:
            return self.scan.instructions.text()
        return self.tr("Nhập mã hồ sơ in trên phiếu, hoặc đưa mã QR trên phiếu vào máy quét.")

    def close_flow(self) -> None:
        self._closed = True
        if self.scan is not None:
            self.scan.shutdown()  # the camera goes off with the flow (wipe, start over)
