"""Migration 4: dossiers and ratings stored by an older server get their statistics facts on
the first statistics request, and count exactly as new ones do (both engines)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from kiosk_app.core.stats import Period
from tests.server.conftest import _fresh_database

VN = "+07:00"


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_old_rows_are_counted_after_the_upgrade(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from sync.server import db as dbmod
    from sync.server.service import Service

    url = None
    if engine == "postgresql":
        url = _fresh_database(request.getfixturevalue("pg_url"), f"st_{uuid.uuid4().hex[:8]}")
    db = dbmod.Database.for_data_dir(tmp_path, url)
    saved = dbmod.MIGRATIONS
    try:
        dbmod.MIGRATIONS = [m for m in saved if m[0] <= 3]  # a server of before statistics
        db.migrate()
    finally:
        dbmod.MIGRATIONS = saved
    payload = {"fee": 50000, "delivery": "desk", "documents": [], "attachments": []}
    with db.tx() as tx:
        for i, (channel, received) in enumerate(
            [("desk", f"2025-03-03T09:00:00{VN}"), ("kiosk", f"2025-03-04T09:00:00{VN}")]
        ):
            tx.execute(
                "INSERT INTO dossiers (id, code, agency_id, commune, device_id, procedure_code,"
                " catalog_version, channel, status, received_at, appointment_at, content_hash,"
                " complete, payload, created_at, updated_at)"
                " VALUES (?, ?, 'A', '00004', 'dev', '2.000884', 'v', ?, 2, ?, ?, 'h', 1, ?, ?, ?)",
                [
                    f"d{i}",
                    f"A-250303-{i + 1:04d}",
                    channel,
                    received,
                    f"2025-03-05T17:00:00{VN}",
                    json.dumps(payload),
                    received,
                    received,
                ],
            )
        # the desk dossier finished at 10:00 UTC on 5/3 = 17:00 in Vietnam: on time, exactly
        tx.execute(
            "INSERT INTO status_history (id, dossier_id, event, from_status, to_status, origin,"
            " at) VALUES ('h1', 'd0', 'finish', 2, 9, 'province', '2025-03-05T10:00:00+00:00')"
        )
        tx.execute(
            "INSERT INTO ratings (id, device_id, agency_id, commune_code, rated_at, level,"
            " reasons, dossier_code, channel, received_at)"
            f" VALUES ('r1', 'dev', 'A', '00004', '2025-03-05T18:00:00{VN}', 5, '[]',"
            " 'A-250303-0001', 'desk', 'x')"
        )
    assert db.migrate() == [m[0] for m in saved if m[0] >= 4]
    service = Service(db, tmp_path)
    f = service.stats(Period.month(2025, 3)).province
    # the kiosk submission was never accepted: not received; the desk one is, with its fee
    assert (f.received, f.with_fee, f.finished, f.on_time, f.overdue) == (1, 1, 1, 1, 0)
    assert f.ratings == [0, 0, 0, 0, 1]
    with db.tx(write=False) as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM dossiers WHERE facts_version IS NULL") == 0
    db.close()
