"""Bilingual messages: every text shown to a person exists in Vietnamese and English."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Text:
    """A message in Vietnamese (``vi``, shown by default) and English (``en``).

    Both strings are stored NFC. ``str(text)`` is the Vietnamese one, because the clerk's and
    the citizen's screens are Vietnamese first.
    """

    vi: str
    en: str

    def __post_init__(self) -> None:
        # frozen: set through object.__setattr__ so callers may pass NFD text from any source.
        object.__setattr__(self, "vi", unicodedata.normalize("NFC", self.vi))
        object.__setattr__(self, "en", unicodedata.normalize("NFC", self.en))

    def __str__(self) -> str:
        return self.vi

    def get(self, lang: str = "vi") -> str:
        """The text in ``lang`` ("vi" or "en"); any other language falls back to Vietnamese."""
        return self.en if lang == "en" else self.vi

    def format(self, **kwargs: Any) -> Text:
        """Both languages with ``str.format`` placeholders filled in."""
        return Text(self.vi.format(**kwargs), self.en.format(**kwargs))

    @classmethod
    def of(cls, data: dict[str, str] | str | Text) -> Text:
        """Build from ``{vi: ..., en: ...}`` (as in the YAML data) or a plain string.

        A plain string, or a dict with only one language, is used for both languages.
        Raises ValueError on anything else (an empty dict, non-string values).
        """
        if isinstance(data, Text):
            return data
        if isinstance(data, str):
            return cls(data, data)
        if isinstance(data, dict):
            vi, en = data.get("vi"), data.get("en")
            if vi is None and en is None:
                raise ValueError(f"bilingual text needs 'vi' or 'en', got keys {sorted(data)}")
            vi = en if vi is None else vi
            en = vi if en is None else en
            if not isinstance(vi, str) or not isinstance(en, str):
                raise ValueError("bilingual text: 'vi' and 'en' must be strings")
            return cls(vi, en)
        raise ValueError(f"bilingual text must be a dict or a string, not {type(data).__name__}")
