"""Migration 3 turns the old never-expiring operator tokens into users with sessions: the
old token keeps working for a grace period as a province_admin session, then stops; on both
engines."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.server.conftest import _fresh_database


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_old_operator_tokens_become_sessions_of_admin_users(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from sync.server import db as dbmod
    from sync.server.service import ApiError, Service

    url = None
    if engine == "postgresql":
        url = _fresh_database(request.getfixturevalue("pg_url"), f"mig_{uuid.uuid4().hex[:8]}")
    db = dbmod.Database.for_data_dir(tmp_path, url)
    saved = dbmod.MIGRATIONS
    try:
        dbmod.MIGRATIONS = [m for m in saved if m[0] <= 2]  # a server of before this change
        db.migrate()
    finally:
        dbmod.MIGRATIONS = saved
    token = "mco1_" + "a" * 43
    with db.tx() as tx:
        tx.execute(
            "INSERT INTO devices (id, kind, token_hash, name, created_at) VALUES (?, 'operator',"
            " ?, ?, ?)",
            ["op-1", hashlib.sha256(token.encode()).hexdigest(), "cán bộ cũ", "2025-01-01"],
        )
    assert db.migrate() == [m[0] for m in saved if m[0] >= 3]
    service = Service(db, tmp_path)
    who = service.authenticate(f"Bearer {token}", "operator")
    assert who.role == "province_admin" and who.kind == "operator"
    [user] = service.users()
    assert user["name"] == "cán bộ cũ" and user["has_password"] is False
    with db.tx(write=False) as tx:
        expires = tx.scalar("SELECT expires_at FROM sessions")
        assert tx.scalar("SELECT COUNT(*) AS n FROM devices WHERE kind = 'operator'") == 0
    grace = datetime.fromisoformat(expires) - datetime.now(UTC)
    assert timedelta(days=29) < grace <= timedelta(days=30)
    with db.tx() as tx:
        tx.execute("UPDATE sessions SET expires_at = ?", ["2000-01-01T00:00:00+00:00"])
    with pytest.raises(ApiError) as err:
        service.authenticate(f"Bearer {token}", "operator")
    assert err.value.code == "token_expired"
    db.close()
