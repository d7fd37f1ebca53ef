"""Walk the audit chain (:mod:`kiosk_app.store.audit`) and name the first broken link.

What the chain proves, and what it cannot
    Each entry's ``hash`` is sha256 over the previous entry's hash and the entry's own fields
    (not its number ``n``). Walking the rows in ``n`` order finds:

    * an **edited** entry: its fields no longer hash to its ``hash`` (``edited``);
    * a **deleted** entry in the middle: a gap in ``n`` and the next entry's ``prev_hash`` no
      longer matches (``deleted``); the first entries deleted: the first one left does not
      start from the genesis hash (``deleted``);
    * an entry **moved / swapped**: its ``prev_hash`` is the hash of another entry of the
      table, not of the one before it (``reordered``);
    * an entry **inserted** between two others: the entry after it names an earlier entry
      as its predecessor (``inserted``);
    * an entry **rewritten** with a recomputed hash: the next entry's ``prev_hash`` matches
      no entry at all (``rewritten``; also an entry deleted and the rest renumbered);
    * the **tail deleted** with plain SQL: ``sqlite_sequence`` (the table is AUTOINCREMENT)
      remembers a higher ``n`` than the last row (``truncated``).

    The chain has no secret: whoever holds the file can drop the triggers, rewrite every entry
    after the one they changed, delete the last entries and lower ``sqlite_sequence``. Such a
    rewritten chain is internally consistent. Only an **anchor** kept outside the file closes
    that gap: a pair (``n``, ``hash``) recorded elsewhere — in a backup's manifest (every
    ``motcua backup`` records the head), synced to the province, or printed on receipts. With
    an anchor, :func:`verify` also reports ``anchor_mismatch`` (entry ``n`` differs from the
    anchored one: rewritten) and ``anchor_missing`` (entry ``n`` is gone: truncated or
    deleted). Entries appended after the newest anchor can still be dropped unseen.

Read-only: runs on a raw connection, never writes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kiosk_app.store.audit import GENESIS, _entry_hash
from kiosk_app.store.db import Connection, OperationalError


@dataclass(frozen=True)
class Break:
    """One broken link: ``kind`` is edited | deleted | reordered | inserted | rewritten |
    truncated | anchor_mismatch | anchor_missing; ``n`` the entry where it shows."""

    kind: str
    n: int | None
    message: str


@dataclass
class ChainReport:
    ok: bool
    entries: int
    head_n: int | None
    head_hash: str | None
    breaks: list[Break] = field(default_factory=list)
    anchors_checked: int = 0

    @property
    def first(self) -> Break | None:
        return self.breaks[0] if self.breaks else None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": {"n": self.head_n, "hash": self.head_hash},
            "first_break": asdict(self.first) if self.first else None,
            "breaks": [asdict(b) for b in self.breaks],
            "anchors_checked": self.anchors_checked,
        }


def parse_anchor(text: str) -> tuple[int, str]:
    """``N:HASH`` → (N, hash); ValueError with a one-line reason otherwise."""
    n_text, sep, h = text.strip().partition(":")
    h = h.strip().lower()
    if (
        not sep
        or not n_text.isdigit()
        or len(h) != 64
        or any(c not in "0123456789abcdef" for c in h)
    ):
        raise ValueError(f"anchor {text!r}: expected N:HASH (entry number, 64 hex digits)")
    return int(n_text), h


def verify(conn: Connection, anchors: list[tuple[int, str]] | None = None) -> ChainReport:
    """Walk the whole chain of ``conn``'s audit table; every break found, first one first."""
    rows = conn.execute(
        "SELECT n, at, actor, action, entity, data, prev_hash, hash FROM audit ORDER BY n"
    ).fetchall()
    by_hash = {r[7]: r[0] for r in rows}
    breaks: list[Break] = []
    prev_hash, prev_n = GENESIS, 0
    for n, at, actor, action, entity, data, claimed_prev, h in rows:
        if _entry_hash(claimed_prev, at, actor, action, entity, data) != h:
            breaks.append(Break("edited", n, f"entry {n}: content does not match its hash"))
        if claimed_prev != prev_hash:
            if n != prev_n + 1:
                first = "the first entry" if prev_n == 0 else f"entry {prev_n}"
                what = (
                    f"entry {prev_n + 1}" if n == prev_n + 2 else f"entries {prev_n + 1}..{n - 1}"
                )
                breaks.append(
                    Break("deleted", n, f"{what} deleted (entry {n} does not follow {first})")
                )
            elif claimed_prev in by_hash and by_hash[claimed_prev] < prev_n:
                m = by_hash[claimed_prev]
                what = f"entry {prev_n}" if m == prev_n - 1 else f"entries {m + 1}..{prev_n}"
                breaks.append(
                    Break("inserted", n, f"entry {n} follows entry {m}: {what} inserted or moved")
                )
            elif claimed_prev in by_hash:
                breaks.append(
                    Break(
                        "reordered",
                        n,
                        f"entry {n} follows entry {by_hash[claimed_prev]} in the chain, "
                        f"not entry {prev_n}: entries moved or swapped",
                    )
                )
            elif claimed_prev == GENESIS:
                breaks.append(Break("reordered", n, f"entry {n} claims to be the first entry"))
            else:
                breaks.append(
                    Break(
                        "rewritten",
                        n,
                        f"entry {n} does not follow entry {prev_n}: the entry between them "
                        f"was deleted (the rest renumbered) or entry {prev_n} was rewritten",
                    )
                )
        elif n != prev_n + 1:
            breaks.append(Break("deleted", n, f"entry numbers jump from {prev_n} to {n}"))
        prev_hash, prev_n = h, n
    seq = _sequence(conn)
    last_n = rows[-1][0] if rows else 0
    if seq is not None and seq > last_n:
        what = f"entry {seq}" if seq == last_n + 1 else f"entries {last_n + 1}..{seq}"
        breaks.append(Break("truncated", last_n + 1, f"{what} deleted from the end of the log"))
    by_n = {r[0]: r[7] for r in rows}
    for n, h in anchors or []:
        got = by_n.get(n)
        if got is None:
            breaks.append(Break("anchor_missing", n, f"anchored entry {n} is no longer in the log"))
        elif got != h:
            breaks.append(
                Break("anchor_mismatch", n, f"entry {n} differs from its anchor: log rewritten")
            )
    breaks.sort(key=lambda b: b.n if b.n is not None else 0)
    return ChainReport(
        ok=not breaks,
        entries=len(rows),
        head_n=rows[-1][0] if rows else None,
        head_hash=rows[-1][7] if rows else None,
        breaks=breaks,
        anchors_checked=len(anchors or []),
    )


def head(conn: Connection) -> tuple[int | None, str | None]:
    """(n, hash) of the newest entry, to record as an anchor elsewhere."""
    row = conn.execute("SELECT n, hash FROM audit ORDER BY n DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (None, None)


def _sequence(conn: Connection) -> int | None:
    try:
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    except OperationalError:
        return None
    return int(row[0]) if row else None
