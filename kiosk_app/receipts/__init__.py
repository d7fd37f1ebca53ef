"""Receipts rendered from the stored dossier (never from screen state): PDF bytes, no Qt."""

from kiosk_app.receipts.plain import ReceiptFontError, plain_receipt_for, render_plain_receipt

__all__ = ["ReceiptFontError", "plain_receipt_for", "render_plain_receipt"]
