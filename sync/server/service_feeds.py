"""The server's feeds: writing entries, paged reading, reset and pruning (a mixin of
:class:`sync.server.service.Service`)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from sync import protocol as P
from sync.server.db import Tx, utcnow
from sync.server.service_common import (
    ApiError,
    Principal,
    _dumps,
)


class FeedsMixin:
    """Feed entries: put, read, reset, prune."""

    # ============================================================== feeds
    def feed_put(self, tx: Tx, feed: str, scope: str, key: str, data: Mapping[str, Any]) -> int:
        """Append an entry (superseding the one with the same scope and key) in ``tx``."""
        tx.lock_feed(feed)
        tx.execute(
            "DELETE FROM feed_entries WHERE feed = ? AND scope = ? AND key = ?", [feed, scope, key]
        )
        tx.execute(
            "INSERT INTO feed_entries (feed, scope, key, at, data) VALUES (?, ?, ?, ?, ?)",
            [feed, scope, key, utcnow(), _dumps(dict(data))],
        )
        seq = int(
            tx.scalar(
                "SELECT seq FROM feed_entries WHERE feed = ? AND scope = ? AND key = ?",
                [feed, scope, key],
            )
        )
        tx.execute("UPDATE feeds SET head = ? WHERE name = ? AND head < ?", [seq, feed, seq])
        return seq

    def read_feed(
        self, who: Principal, feed: str, after: str | None, limit: int = P.DEFAULT_FEED_LIMIT
    ) -> dict[str, Any]:
        if feed not in P.FEEDS:
            raise ApiError("unknown_feed", f"Không có luồng dữ liệu '{feed}'")
        limit = max(1, min(int(limit), P.MAX_FEED_LIMIT))
        scopes = who.scopes
        with self.db.tx(write=False) as tx:
            f = tx.one("SELECT epoch, head, floor FROM feeds WHERE name = ?", [feed])
            assert f is not None
            epoch, head, floor = f["epoch"], int(f["head"]), int(f["floor"])
            start = 0
            if after:
                ep, _, seq_text = after.partition(".")
                seq = int(seq_text) if seq_text.isdigit() else -1
                if ep != epoch or seq < 0 or seq > head or seq < floor:
                    return {"feed": feed, "reset": True, "items": [], "next": None, "more": True}
                start = seq
            marks = ", ".join("?" for _ in scopes)
            rows = tx.all(
                "SELECT seq, key, at, data FROM feed_entries WHERE feed = ? AND seq > ?"
                f" AND scope IN ({marks}) ORDER BY seq LIMIT ?",
                [feed, start, *scopes, limit + 1],
            )
        more = len(rows) > limit
        rows = rows[:limit]
        last = int(rows[-1]["seq"]) if rows else start
        nxt = last if more else max(last, head, start)
        items = [
            {
                "cursor": f"{epoch}.{r['seq']}",
                "key": r["key"],
                "at": r["at"],
                "data": json.loads(r["data"]),
            }
            for r in rows
        ]
        return {
            "feed": feed,
            "reset": False,
            "items": items,
            "next": f"{epoch}.{nxt}",
            "more": more,
        }

    def reset_feed(self, feed: str) -> str:
        """A new epoch: every device's cursor for this feed becomes unknown (reset)."""
        if feed not in P.FEEDS:
            raise ApiError("unknown_feed", f"Không có luồng dữ liệu '{feed}'")
        epoch = secrets.token_hex(4)
        with self.db.tx() as tx:
            tx.lock_feed(feed)
            tx.execute("UPDATE feeds SET epoch = ? WHERE name = ?", [epoch, feed])
        return epoch

    def prune_feed(self, feed: str, before: str) -> int:
        """Drop entries written before ``before`` (ISO time); older cursors then get reset."""
        with self.db.tx() as tx:
            tx.lock_feed(feed)
            top = tx.scalar(
                "SELECT MAX(seq) AS s FROM feed_entries WHERE feed = ? AND at < ?", [feed, before]
            )
            if top is None:
                return 0
            n = tx.execute("DELETE FROM feed_entries WHERE feed = ? AND seq <= ?", [feed, top])
            tx.execute("UPDATE feeds SET floor = ? WHERE name = ? AND floor < ?", [top, feed, top])
            return n
