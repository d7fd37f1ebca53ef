"""The embedded Vietnamese font of every receipt: Noto Sans Regular + Bold (OFL, resources/fonts).

The built-in PDF fonts have no Vietnamese glyphs, and an office PC's own fonts vary, so receipts
only ever use the shipped TTFs (reportlab embeds the used glyphs as a subset). Registration is
process-wide in reportlab and idempotent here; it is thread-safe because reportlab's registry
is a plain dict written once under the lock below.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from kiosk_app.receipts.errors import ReceiptFontError
from kiosk_app.resources import resource_path

REGULAR = "MotCuaNotoSans"
BOLD = "MotCuaNotoSans-Bold"
FONT_FILES: dict[str, str] = {REGULAR: "NotoSans-Regular.ttf", BOLD: "NotoSans-Bold.ttf"}

_lock = threading.Lock()


@dataclass(frozen=True)
class Fonts:
    """The registered face names to put in styles."""

    regular: str = REGULAR
    bold: str = BOLD


def font_path(name: str) -> Path:
    """Where the TTF of the face ``name`` (REGULAR or BOLD) is shipped."""
    return resource_path("fonts", FONT_FILES[name])


def register_fonts() -> Fonts:
    """Register the two faces (once per process) and return their names.

    Raises :class:`ReceiptFontError` (Vietnamese) naming the missing or unreadable file. Both
    faces are required: a receipt with bold headings in a fallback face would look forged.
    """
    with _lock:
        known = set(pdfmetrics.getRegisteredFontNames())
        for name in (REGULAR, BOLD):
            if name in known:
                continue
            path = font_path(name)
            if not path.is_file():
                raise ReceiptFontError(
                    f"Thiếu phông chữ tiếng Việt {path} (bộ cài hỏng: cần resources/fonts) — "
                    "chưa thể in phiếu"
                )
            try:
                pdfmetrics.registerFont(TTFont(name, str(path)))
            except (TTFError, OSError) as exc:
                raise ReceiptFontError(f"Không đọc được phông chữ {path}: {exc}") from exc
        # <b> in wording templates picks the bold face; there is no italic face, so italic
        # markup falls back to the upright ones rather than failing
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
    return Fonts()
