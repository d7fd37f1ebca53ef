"""What is waiting and what went wrong: the start-screen indicator and ``motcua sync status``.

Plain data from the store (no network, no Qt), safe to call from the GUI thread: a few small
reads under the store's lock.
"""

from __future__ import annotations

from typing import Any

from kiosk_app.store import sync_state


def sync_status(kiosk: Any) -> dict[str, Any]:
    """What the start-screen indicator and ``motcua sync status`` show (plain data)."""
    with kiosk.store.read() as db:
        device = sync_state.device(db)
        meta = sync_state.all_meta(db)
        return {
            "enrolled": device is not None,
            "device": device,
            "outbox": sync_state.outbox_counts(db),
            "rejected": sync_state.rejected_events(db),
            "uploads": sync_state.upload_counts(db),
            "failed_uploads": sync_state.failed_uploads(db),
            "cursors": sync_state.cursors(db),
            "last_attempt": meta.get("last_attempt"),
            "last_success": meta.get("last_success"),
            "catalog_available": meta.get("catalog.available"),
            # why the last catalogue bundle was refused (None once a good one arrives), and
            # the province key bundles must be signed with (sync.client_feeds)
            "catalog_problem": meta.get("catalog.problem"),
            "province_key": (meta.get("province.key") or {}).get("kid"),
        }


def retry_rejected(kiosk: Any, event_ids: list[str] | None = None) -> int:
    """Make rejected events pending again (all, or those ids) — after the province fixed
    what made it refuse them (a rejected event id is not remembered by the server). With no
    ids, failed uploads are tried again too. Returns the number of events requeued."""
    with kiosk.store.write() as db:
        if event_ids is None:
            sync_state.requeue_failed_uploads(db)
        return sync_state.requeue_rejected(db, event_ids)
