"""A full disk while taking a dossier: a clear Vietnamese message, the store intact, nothing
half-written, what was typed still on the screen — and the same submission goes through once
space is freed. The database's page limit (``PRAGMA max_page_count``) fills the store exactly
as a full disk does (SQLITE_FULL); a real tiny tmpfs fills the scans' folder (ENOSPC)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk_app.store.attachments import AttachmentError, AttachmentStore
from kiosk_app.store.db import DiskFullError

BIRTH = "1.001193"


def _counts(kiosk) -> tuple[int, int, int, int]:
    q = kiosk.store.query
    return tuple(
        q(f"SELECT COUNT(*) AS n FROM {t}")[0]["n"]
        for t in ("dossiers", "events", "outbox", "audit")
    )


def _fill_up(kiosk) -> None:
    pages = kiosk.store.conn.execute("PRAGMA page_count").fetchone()[0]
    kiosk.store.conn.execute(f"PRAGMA max_page_count = {pages}")


def _free(kiosk) -> None:
    kiosk.store.conn.execute("PRAGMA max_page_count = 1073741823")


def test_store_full_refuses_cleanly_and_the_same_submission_goes_through_later(kiosk) -> None:
    ex = kiosk.catalog.get(BIRTH).example_submission()
    kiosk.intake.submit(BIRTH, ex["answers"], ex["documents"])
    before = _counts(kiosk)
    _fill_up(kiosk)
    with pytest.raises(DiskFullError) as err:
        for _ in range(50):  # until the last free page is used
            kiosk.intake.submit(BIRTH, ex["answers"], ex["documents"])
    assert "Ổ đĩa của máy đã đầy" in err.value.message
    assert kiosk.store.integrity_check() == "ok"
    after_full = _counts(kiosk)
    # whatever went in before the disk filled is whole: one outbox item per dossier
    assert after_full[0] - before[0] == after_full[2] - before[2]
    _free(kiosk)
    r = kiosk.intake.submit(BIRTH, ex["answers"], ex["documents"])
    assert kiosk.intake.lookup(r.code) is not None
    assert kiosk.store.integrity_check() == "ok"


def _tmpfs(path: Path, size: str) -> bool:
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    path.mkdir()
    out = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    return out.returncode == 0


def test_scans_folder_full_is_a_clear_message_and_leaves_no_partial_file(kiosk, tmp_path) -> None:
    root = tmp_path / "tiny"
    if not _tmpfs(root, "256k"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs as root: a tmpfs must mount")
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        files = AttachmentStore(root, kiosk.files.key)
        files.put_bytes(os.urandom(100_000))
        with pytest.raises(AttachmentError, match="Ổ đĩa của máy đã đầy"):
            files.put_bytes(os.urandom(300_000))
        leftovers = [p.name for p in root.iterdir() if p.name.startswith(".incoming-")]
        assert leftovers == []  # the half-written file is gone
        stored = files.put_bytes(b"small enough")
        assert files.read_bytes(stored.sha256) == b"small enough"
    finally:
        subprocess.run(["umount", str(root)], capture_output=True)
