"""Shared hypothesis strategies for hostile input."""

from __future__ import annotations

from hypothesis import strategies as st

# What a hostile or broken source sends: SQL/FTS syntax, NUL, lone surrogates, combining
# marks, bidi controls, look-alike digits and bars.
NASTY = [
    '"',
    "'",
    "*",
    ";",
    "--",
    "\x00",
    "\ud800",
    "\udfff",
    "NEAR",
    "OR",
    "AND",
    "NOT",
    "(",
    ")",
    "^",
    ":",
    "{",
    "}",
    "%",
    "_",
    "\\",
    "/",
    "..",
    "../",
    "\u0301",
    "\u0323",
    "\u202e",
    "\ufeff",
    "\r\n",
    "\t",
    "０",
    "١",
    "|",
    "¦",
    "｜",
    "Đ",
    "đ",
    "Nguyễn",
    "Nguye\u0302\u0303n",
    "ǅ",
    "ß",
    "\U0001f600",
    "\u200b",
    "\x7f",
    "\x1b[31m",
    "{0}",
    "%s",
    "${x}",
    "<script>",
    "&#0;",
]


def hostile_text(max_size: int = 200) -> st.SearchStrategy[str]:
    """Any text (lone surrogates included), biased towards NASTY pieces."""
    piece = st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(codec=None), max_size=8),
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=8),
        st.from_regex(r"[0-9]{1,14}", fullmatch=True),
    )
    return (
        st.lists(piece, max_size=max(1, max_size // 4))
        .map("".join)
        .filter(lambda s: len(s) <= max_size * 2)
    )
