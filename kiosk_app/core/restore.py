"""``motcua restore``: a verified backup (kiosk_app.core.backup) onto a fresh data folder.

The backup is verified before anything is written; the database and the attachments are
copied, the migrations run, and an audit entry ``backup.restore`` records where the data came
from. Helpers are reached through the ``backup`` module at call time (tests patch them there).

The backup is encrypted with the data key of the kiosk that wrote it: restore finds that key
on this computer (the PC that wrote it) or unwraps it with the office recovery passphrase
recorded in the manifest (another PC), verifies with it, and keeps it on this computer for
the restored folder (docs/encryption.md).
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


class PassphraseNeeded(bk.BackupError):
    """This PC does not hold the backup's data key and no recovery passphrase was given."""


def backup_key(manifest: dict[str, Any], passphrase: str | None) -> bytes:
    """The data key a backup was written with: this computer's, or unwrapped with the office
    recovery ``passphrase``. Raises :class:`BackupError` (Vietnamese) when neither works."""
    from kiosk_app.store import data_key, recovery

    enc = manifest["encryption"]
    key_id, check = str(enc.get("key_id", "")), str(enc.get("check", ""))
    key = data_key.find_local_key(key_id, check)
    if key is not None:
        return key
    if passphrase is None:
        raise PassphraseNeeded(
            "Không giải mã được bản sao lưu: máy này không giữ khóa dữ liệu của nó "
            f"({key_id}). Nhập cụm mật khẩu khôi phục của cơ quan "
            "(--passphrase-stdin hoặc biến môi trường MOTCUA_RECOVERY_PASSPHRASE).",
            1,
        )
    doc = enc.get("recovery")
    if not isinstance(doc, dict):
        raise bk.BackupError(
            "Không giải mã được bản sao lưu: khi sao lưu, cơ quan chưa đặt cụm mật khẩu khôi "
            "phục (motcua key set-recovery), và máy này không giữ khóa dữ liệu của nó.",
            1,
        )
    try:
        return recovery.unwrap(doc, passphrase)
    except recovery.RecoveryError as exc:
        raise bk.BackupError(f"Không giải mã được bản sao lưu: {exc}", 1) from exc


def restore(
    source: Path, data_dir: Path, *, force: bool = False, passphrase: str | None = None
) -> RestoreResult:
    """Restore the backup at ``source`` (a backup folder, or a destination: its newest) into
    ``data_dir``, which must be empty or missing unless ``force``.

    The backup is verified first. With ``force``, the folder's existing store is moved aside
    (``kiosk.sqlite.before-restore-<stamp>``), its attachments are kept (content-addressed:
    adding files changes none) and its secrets stay. Then the schema is migrated and an audit
    entry ``backup.restore`` records where the data came from. ``passphrase``: the office
    recovery passphrase (needed on a PC that does not hold the backup's data key).
    """
    from kiosk_app.store import audit, data_key, recovery
    from kiosk_app.store.attachments import AttachmentStore
    from kiosk_app.store.db import open_store
    from kiosk_app.store.migrations import migrate

    folder = bk.find_backup(Path(source))
    pool = bk.pool_of(folder)
    m = bk.read_manifest(folder)
    key = backup_key(m, passphrase)
    problems = bk.verify_backup(folder, pool, key)
    if problems:
        raise bk.BackupError(
            f"{folder}: backup does not verify, nothing restored: {problems[0]}", 1
        )
    data_dir = Path(data_dir)
    existing = data_key.read_ref(data_dir) if data_dir.is_dir() else None
    if existing is not None and existing.key_id != m["encryption"]["key_id"]:
        raise bk.BackupError(
            f"{data_dir} đã có dữ liệu mã hóa bằng một khóa khác; khôi phục vào một thư mục mới",
            1,
        )
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
    files = AttachmentStore(files_root, key)
    for a in m["attachments"]:
        dst = bk._pool_path(files_root, a["sha256"])
        if dst.is_file() and files.verify(a["sha256"]):
            continue
        bk._copy_file(bk._pool_path(pool, a["sha256"]), dst)
        if not files.verify(a["sha256"]):
            raise bk.BackupError(f"attachment {a['sha256']} changed while it was read", 1)
    for rel, want in m.get("files", {}).items():
        dst = data_dir / rel
        if bk._copy_file(folder / "files" / rel, dst)[0] != want:
            raise bk.BackupError(f"{rel} changed while it was read", 1)
    bk._fsync_dir(data_dir)
    # the key goes with the data: kept on this computer (keyring or key file) under the
    # backup's key id, and the recovery passphrase's wrapping comes along
    data_key.install_key(data_dir, key, m["encryption"]["key_id"])
    if isinstance(m["encryption"].get("recovery"), dict):
        recovery.write(data_dir, m["encryption"]["recovery"])
    store = open_store(target, migrate=False, key=key)
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
