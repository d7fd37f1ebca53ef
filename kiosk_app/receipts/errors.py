"""The receipts' one error hierarchy, so the CLI and the UI catch a single class.

::

    ReceiptError                  message (Vietnamese) for the clerk; str() is the message
    ├── DossierNotFoundError      no stored dossier has this code
    ├── ReceiptArgumentError      unknown kind/paper, or a slip's extra data is missing or wrong
    ├── ReceiptFontError          the shipped Vietnamese font is missing or unreadable
    └── ReceiptLayoutError        a resources/receipts/*.yaml file is broken: file, field, problem
"""

from __future__ import annotations


class ReceiptError(Exception):
    """A receipt could not be rendered; ``message`` says why (Vietnamese for the clerk)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DossierNotFoundError(ReceiptError):
    """No stored dossier has ``code``."""

    def __init__(self, code: str) -> None:
        super().__init__(f"Không tìm thấy hồ sơ có mã {code!r} — không thể in phiếu")
        self.code = code


class ReceiptArgumentError(ReceiptError, ValueError):
    """The caller asked for something the renderers do not have, or gave incomplete data."""


class ReceiptFontError(ReceiptError):
    """The embedded OFL font (resources/fonts) is missing or unreadable."""


class ReceiptLayoutError(ReceiptError):
    """A layout/wording/header file is malformed. ``file`` and ``field`` say where."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        self.file, self.field, self.problem = file, field, problem
        where = f"{file}: {field}" if field else file
        super().__init__(f"Mẫu phiếu sai ({where}): {problem}")
