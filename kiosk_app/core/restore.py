"""``motcua restore``: a verified backup (kiosk_app.core.backup) onto a fresh data folder.

The backup is verified before anything is written; the database and the attachments are
copied, the migrations run, and an audit entry ``backup.restore`` records where the data came
from. Helpers are reached through the ``backup`` module at call time (tests patch them there).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk_app.config import ATTACHMENTS_DIR, DB_FILE
from kiosk_app.core import backup as bk


@dataclass
class RestoreResult:
    data_dir: Path
    backup: Path
    manifest: dict[str, Any]
    migrations_applied: list[int]
    attachments: int
    files: int
    moved_aside: list[str]
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "data_dir": str(self.data_dir),
            "backup": str(self.backup),
            "created_at": m["created_at"],
            "app_version": m["app_version"],
            "schema_version": m["schema_version"],
            "migrations_applied": self.migrations_applied,
            "counts": m["counts"],
            "attachments": self.attachments,
            "files": self.files,
            "moved_aside": self.moved_aside,
            "warnings": self.warnings,
        }


def restore(source: Path, data_dir: Path, *, force: bool = False) -> RestoreResult:
    """Restore the backup at ``source`` (a backup folder, or a destination: its newest) into
    ``data_dir``, which must be empty or missing unless ``force``.

    The backup is verified first. With ``force``, the folder's existing store is moved aside
    (``kiosk.sqlite.before-restore-<stamp>``), its attachments are kept (content-addressed:
    adding files changes none) and its secrets stay. Then the schema is migrated and an audit
    entry ``backup.restore`` records where the data came from.
    """
    from kiosk_app.store import audit
    from kiosk_app.store.db import open_store
    from kiosk_app.store.migrations import migrate

    folder = bk.find_backup(Path(source))
    pool = bk.pool_of(folder)
    problems = bk.verify_backup(folder, pool)
    if problems:
        raise bk.BackupError(
            f"{folder}: backup does not verify, nothing restored: {problems[0]}", 1
        )
    m = bk.read_manifest(folder)
    data_dir = Path(data_dir)
    if data_dir.exists() and not data_dir.is_dir():
        raise bk.BackupError(f"{data_dir}: not a folder", 2)
    if data_dir.is_dir() and any(data_dir.iterdir()) and not force:
        raise bk.BackupError(
            f"{data_dir} is not empty; restore onto a fresh folder or use --force", 1
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    stamp = bk._now().strftime("%Y%m%dT%H%M%S%fZ")
    moved: list[str] = []
    for suffix in ("", "-wal", "-shm"):
        p = data_dir / (DB_FILE + suffix)
        if p.exists():
            aside = data_dir / f"{DB_FILE}{suffix}.before-restore-{stamp}"
            os.replace(p, aside)
            moved.append(aside.name)
    target = data_dir / DB_FILE
    sha, _ = bk._copy_file(folder / m["database"]["file"], target)
    if sha != m["database"]["sha256"]:
        target.unlink()
        raise bk.BackupError(f"{folder}: the database changed while it was read; nothing restored")
    files_root = data_dir / ATTACHMENTS_DIR
    for a in m["attachments"]:
        dst = bk._pool_path(files_root, a["sha256"])
        if dst.is_file() and bk._hash_file(dst)[0] == a["sha256"]:
            continue
        if bk._copy_file(bk._pool_path(pool, a["sha256"]), dst)[0] != a["sha256"]:
            raise bk.BackupError(f"attachment {a['sha256']} changed while it was read", 1)
    for rel, want in m.get("files", {}).items():
        dst = data_dir / rel
        if bk._copy_file(folder / "files" / rel, dst)[0] != want:
            raise bk.BackupError(f"{rel} changed while it was read", 1)
    bk._fsync_dir(data_dir)
    store = open_store(target, migrate=False)
    try:
        applied = migrate(store)
        check = store.integrity_check()
        if check != "ok":
            raise bk.BackupError(f"{target}: integrity_check after restore: {check}", 1)
        with store.write() as db:
            audit.append(
                db,
                at=bk._now().isoformat(),
                actor="motcua restore",
                action="backup.restore",
                data={"backup": folder.name, "created_at": m["created_at"], "sha256": sha},
            )
        enrolled = (
            store.query("SELECT 1 AS x FROM sqlite_master WHERE name = 'sync_device'")
            and (store.query("SELECT COUNT(*) AS n FROM sync_device")[0]["n"])
        )
    finally:
        store.close()
    warnings = list(m.get("warnings", []))
    warnings.append(
        f"dossiers taken after {m['created_at']} are not in this backup; their codes may be "
        "issued again by this kiosk (see docs/backup.md)"
    )
    if enrolled and not (data_dir / "sync" / "credential.json").is_file():
        warnings.append(
            "the sync credential is not in backups: enrol again (motcua enrol --force) after the "
            "province revoked the old device"
        )
    return RestoreResult(
        data_dir,
        folder,
        m,
        applied,
        len(m["attachments"]),
        len(m.get("files", {})),
        moved,
        warnings,
    )
