"""Search keys for Vietnamese text: case-, diacritic- and đ-insensitive.

SQLite's FTS5 ``remove_diacritics 2`` does not fold ``đ`` to ``d`` (PLATFORM.md), so every
search key in the program (store, catalogue, admin units) is made by this one function, and the
query is folded the same way.
"""

from __future__ import annotations

import re
import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics and fold đ → d: ``"Đắk Lắk"`` → ``"dak lak"``.

    For NFC input the result has the same length as the input (one character per
    character), so a match position in the folded text is a position in the original.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold_key(text: str) -> str:
    """``fold`` plus trimmed, single-spaced whitespace: the form stored as a search key."""
    return _SPACES.sub(" ", fold(text)).strip()
