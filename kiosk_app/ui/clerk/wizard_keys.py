"""Keyboard flow of the intake wizard: Enter (or Tab) on a page's last field lands on "Tiếp".

The form view moves focus on Enter like Tab (``FormSectionView``); past the last field Qt's focus
chain would continue with whatever was created first in the window ("Hủy", the step list…),
where a second Enter does nothing or, worse, cancels. The wizard asks :func:`leaves_page` and
then focuses its primary button instead, which is auto-default so Enter presses it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

APPLICANT, DOCUMENTS, FEE, REVIEW, RECEIPT = "applicant", "documents", "fee", "review", "receipt"


def _takes_tab(widget: QWidget) -> bool:
    return (
        widget.isVisible()
        and widget.isEnabled()
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    )


def leaves_page(page: QWidget | None, current: QWidget | None) -> bool:
    """True when the next widget in the focus chain after ``current`` is outside ``page``."""
    if page is None or current is None or not page.isAncestorOf(current):
        return False
    candidate = current.nextInFocusChain()
    while candidate is not None and candidate is not current and not _takes_tab(candidate):
        candidate = candidate.nextInFocusChain()
    return candidate is not None and candidate is not current and not page.isAncestorOf(candidate)
