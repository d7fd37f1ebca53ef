"""Receipts rendered from the stored dossier (never from screen state): PDF bytes, no Qt.

:func:`kiosk_app.receipts.issued.receipt_pdf` is what offices print (Mẫu 01 on A4/A5, the 80 mm
slip) with its signed QR; :func:`kiosk_app.receipts.render.render_pdf` lays out any kind
(including the supplement, refusal and apology slips); :mod:`kiosk_app.receipts.qr_payload`
signs and verifies the QR. Modules are imported by their users: reportlab is slow to import.
"""
