"""The shape of the server's JSON answers, checked before the client acts on them.

A provincial server that is broken, half-upgraded or not ours may answer anything: a list
where an object belongs, ids that are lists, offsets beyond the file, strings holding lone
surrogates (valid JSON, not encodable as UTF-8, so unstorable). Such an answer is a
:class:`BadAnswer` — transient, like a dropped connection: the pass stops, everything stays
queued, the next pass asks again. No Qt, no store.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from sync.client_errors import TransientError, clean_text

SHA256_RE = re.compile(r"[0-9a-f]{64}")
MAX_DEPTH = 64  # the protocol's answers nest 4 deep


class BadAnswer(TransientError):
    """The server answered something the protocol does not allow (Vietnamese message)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"máy chủ trả lời không đúng giao thức: {what}", code="bad_answer")


def json_object(resp: httpx.Response, what: str) -> dict[str, Any]:
    """The answer's JSON object, its text cleaned (see :func:`scrub`); else BadAnswer."""
    try:
        data = json.loads(resp.content)
    except (ValueError, RecursionError):  # not JSON / not UTF-8 / nested beyond the parser
        raise BadAnswer(f"{what}: không phải JSON") from None
    if not isinstance(data, dict):
        raise BadAnswer(f"{what}: cần một đối tượng JSON, nhận {type(data).__name__}")
    return scrub(data, what)


def scrub(value: Any, what: str, depth: int = 0) -> Any:
    """``value`` with every string made storable (lone surrogates replaced by U+FFFD)."""
    if depth > MAX_DEPTH:
        raise BadAnswer(f"{what}: lồng nhau quá sâu")
    if isinstance(value, str):
        return clean_text(value, limit=None)
    if isinstance(value, list):
        return [scrub(v, what, depth + 1) for v in value]
    if isinstance(value, dict):
        return {clean_text(k, limit=None): scrub(v, what, depth + 1) for k, v in value.items()}
    return value


def offset_in(value: Any, size: int, what: str) -> int:
    """An upload offset the server sent: a whole number from 0 to ``size``, else BadAnswer."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= size:
        raise BadAnswer(f"{what}: vị trí tải lên {str(value)[:40]!r} không nằm trong 0…{size}")
    return value
