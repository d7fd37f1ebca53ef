"""Printing at the kiosk: the 80 mm receipt slip (``receipt_pdf(kiosk, code, fmt="80mm")``)
and the "papers to bring" list of a procedure, both through ``kiosk_app.ui.printing``.

``SlipPrinter`` is what the shell calls; tests give their own callable instead.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

PrintFn = Callable[[bytes], None]
"""Prints an 80 mm PDF; raises ``kiosk_app.ui.printing.PrintError`` (Vietnamese message)."""

SLIP_WIDTH_MM = 80.0


def default_printer(kiosk: Any) -> PrintFn:
    """Prints on the office's configured printer (``printer_name`` setting), else the
    default one. Safe on the TaskRunner's worker (``print_pdf`` allows any thread)."""
    from kiosk_app.core.desk import PRINTER_SETTING, Desk

    def print_slip(pdf: bytes) -> None:
        from kiosk_app.ui.printing import print_pdf

        name = Desk(kiosk.store, kiosk.intake).office_settings().get(PRINTER_SETTING) or None
        print_pdf(pdf, printer_name=name, copies=1, paper="80mm", doc_name="MotCua kiosk")

    return print_slip


def checklist_pdf(title: str, sections: list[tuple[str, list[str]]], footer: str = "") -> bytes:
    """An 80 mm PDF: ``title``, then each (heading, lines) as a bulleted list. GUI thread."""
    parts = [f"<h3>{html.escape(title)}</h3>"]
    for heading, lines in sections:
        parts.append(f"<p><b>{html.escape(heading)}</b></p><ul>")
        parts += [f"<li>{html.escape(line)}</li>" for line in lines]
        parts.append("</ul>")
    if footer:
        parts.append(f"<p><i>{html.escape(footer)}</i></p>")
    doc = QTextDocument()
    doc.setIndentWidth(12)  # points: a narrow slip cannot spare the default 40
    doc.setDefaultStyleSheet("body { font-family: 'Noto Sans', 'DejaVu Sans'; font-size: 9pt; }")
    doc.setHtml("<body>" + "".join(parts) + "</body>")
    margin_mm = 3.0
    width_pt = (SLIP_WIDTH_MM - 2 * margin_mm) / 25.4 * 72.0
    doc.setPageSize(QSizeF(width_pt, 100_000))
    height_mm = doc.size().height() / 72.0 * 25.4 + 2 * margin_mm + 5
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(72)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QSizeF(SLIP_WIDTH_MM, height_mm), QPageSize.Unit.Millimeter),
            QPageLayout.Orientation.Portrait,
            QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm),
            QPageLayout.Unit.Millimeter,
        )
    )
    from PySide6.QtGui import QPainter

    painter = QPainter(writer)
    doc.drawContents(painter)
    painter.end()
    buf.close()
    return bytes(data.data())
