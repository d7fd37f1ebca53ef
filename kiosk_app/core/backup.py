"""``motcua backup`` / ``motcua restore``: online, verified copies of a kiosk's data folder.

Layout of a backup destination (a USB disk, a second drive; FAT32/exFAT are fine: no links)::

    DEST/
      .lock                           one backup writes into DEST at a time (flock / msvcrt)
      attachments/aa/bb/<sha256>      one content-addressed pool shared by every backup
      motcua-backup-<UTC stamp>/      one complete backup
        kiosk.sqlite                  the store, copied with SQLite's online backup API
        files/catalog/…, files/calendar/…   what the province pushed (bundles, holidays)
        manifest.json                 written last: versions, counts, sha256 of everything
      .partial-motcua-backup-<stamp>/ a backup being written (or killed): never restored

Writing one (:func:`backup`): the database is copied from one read snapshot (a read
transaction held over the whole ``Connection.backup``) while the app keeps writing (WAL:
the writer is never blocked); the row counts and the audit head are read in that same
snapshot. Attachments missing from the pool are copied (temporary name, fsync, rename) and
every attachment is hashed; one whose copy in the pool has rotted is copied again. The
manifest is written into the partial folder, the folder is **verified** (:func:`verify_backup`:
``PRAGMA integrity_check``, the database's sha256, the counts, every attachment re-hashed) and
only then renamed to its final name — a killed or failed backup never looks complete. Then
the oldest complete backups beyond ``keep`` are removed and pool files no kept manifest names.

Encryption: the database copy is SQLCipher-encrypted with the data key (the backup API into a
destination keyed the same way) and the attachments are copied as their encrypted files
(:mod:`kiosk_app.store.crypto_files`), so a lost USB disk reveals no personal data. The
manifest's ``encryption`` records the key id, its check value and, when the office set one,
the data key wrapped by the recovery passphrase (:mod:`kiosk_app.store.recovery`): restoring
on another PC needs that passphrase (docs/encryption.md). Verification with the key decrypts
every attachment (authenticated) and checks its plaintext sha256; without it, the stored
files' own hashes (``stored_sha256``) are checked.

Not in a backup: ``cache/`` (rebuilt), and the **secrets** — the receipt signing key
(``keys/``) and the sync credential (``sync/credential.json``): a lost USB disk must not hand
out the device's identity. A kiosk restored onto a new
PC is enrolled again (``motcua enrol --force``, after the province revoked the old device);
restored with ``--force`` onto its own data folder it keeps the secrets already there.

No Qt, no network.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from kiosk_app import __version__
from kiosk_app.config import ATTACHMENTS_DIR, DB_FILE

# the database part (copy, snapshot facts) lives in backup_db; its names stay reachable here
from kiosk_app.core.backup_db import _copy_database, _counts, _open_copy, _schema_version
from kiosk_app.store.db import Error as DbError
from kiosk_app.store.db import StoreError

FORMAT = "motcua-backup"
FORMAT_VERSION = 1
ENCRYPTION_SCHEME = "sqlcipher4-raw-key+mca1"
MANIFEST = "manifest.json"
POOL = ATTACHMENTS_DIR
PREFIX = "motcua-backup-"
PARTIAL = ".partial-"
LOCK = ".lock"
PUSHED_DIRS = ("catalog", "calendar")  # what the province pushed; refetched only on a reset
DEFAULT_KEEP = 7
CHUNK = 1 << 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^motcua-backup-\d{8}T\d{12}Z$")


class BackupError(Exception):
    """A backup or restore that was refused or failed; ``code`` 2 bad input, 1 failed."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    copied_files: int = 0
    reused_files: int = 0
    copied_bytes: int = 0
    pruned: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "path": str(self.path),
            "created_at": m["created_at"],
            "schema_version": m["schema_version"],
            "counts": m["counts"],
            "audit": m["audit"],
            "attachments": len(m["attachments"]),
            "copied_files": self.copied_files,
            "reused_files": self.reused_files,
            "copied_bytes": self.copied_bytes,
            "pruned": self.pruned,
            "verified": True,
            "warnings": self.warnings,
        }


# ------------------------------------------------------------------ small helpers
def _now() -> datetime:
    return datetime.now(UTC)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy_stream(src: BinaryIO, dst: BinaryIO) -> tuple[str, int]:
    """Copy, hashing what was read; the destination is fsynced. (Encryption hook.)"""
    digest, size = hashlib.sha256(), 0
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        dst.write(chunk)
    dst.flush()
    os.fsync(dst.fileno())
    return digest.hexdigest(), size


def _copy_file(src: Path, target: Path) -> tuple[str, int]:
    """``src`` → ``target`` through a temporary name in target's folder; returns (sha, size).

    Nothing is left at ``target`` or under a temporary name when it fails.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
    try:
        with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
            sha, size = _copy_stream(fin, fout)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return sha, size


def _pool_path(pool: Path, sha: str) -> Path:
    return pool / sha[:2] / sha[2:4] / sha


def _walk_pool(root: Path) -> Iterator[tuple[str, Path]]:
    """(sha, path) of every content-addressed file under ``root`` (temporaries skipped)."""
    if not root.is_dir():
        return
    for p in sorted(root.glob("??/??/*")):
        name = p.name
        if _HEX64.match(name) and p.parent.name == name[2:4] and p.parent.parent.name == name[:2]:
            yield name, p


@contextlib.contextmanager
def _dest_lock(dest: Path) -> Iterator[None]:
    fh = open(dest / LOCK, "a+b")  # noqa: SIM115 - closed below; the lock dies with the process
    try:
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BackupError(f"{dest}: another backup is writing there; try again later") from None
        yield
    finally:
        fh.close()


def _disk_message(exc: BaseException, where: Path, needed: int) -> str:
    """One line for a failed write. SQLite reports ENOSPC as "database or disk is full" or,
    on some paths (journal, truncate), as a plain "disk I/O error": then the free space of
    the destination decides."""
    full = (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)) or (
        isinstance(exc, DbError) and "full" in str(exc).lower()
    )
    free = None
    with contextlib.suppress(OSError):
        free = shutil.disk_usage(where).free
    if not full and isinstance(exc, DbError) and free is not None and free < needed:
        full = True
    if full:
        room = (
            f" ({free // 1024} KiB free, about {needed // 1024} KiB needed)"
            if free is not None
            else ""
        )
        return (
            f"{where}: the disk is full{room}; no backup was written and the store was not changed"
        )
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"{where}: cannot write the backup ({detail}); no backup was written"


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    tmp = folder / (MANIFEST + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, folder / MANIFEST)
    _fsync_dir(folder)


def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder}: no {MANIFEST}: not a complete backup", 2) from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path}: unreadable manifest: {exc}", 1) from exc
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise BackupError(f"{path}: not a MotCua backup manifest", 2)
    if m.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path}: backup format {m.get('format_version')} is not supported", 1)
    enc = m.get("encryption")
    if not isinstance(enc, dict) or enc.get("scheme") != ENCRYPTION_SCHEME:
        raise BackupError(
            f"{path}: bản sao lưu không mã hóa hoặc mã hóa kiểu chương trình này không mở được "
            f"({enc.get('scheme') if isinstance(enc, dict) else enc})",
            1,
        )
    return m


# ------------------------------------------------------------------ verification
def pool_of(folder: Path) -> Path:
    """The attachment pool a backup folder uses: its destination's ``attachments/``."""
    return Path(folder).parent / POOL


def verify_backup(folder: Path, pool: Path | None = None, key: bytes | None = None) -> list[str]:
    """Problems with the backup in ``folder`` (empty: it restores exactly what it recorded).

    ``key``: the backup's data key; by default this computer's copy of it, if it has one.
    With it the database is opened (integrity check, counts) and every attachment decrypted
    and re-hashed; without it only the stored bytes' hashes are checked (the database and
    attachments cannot be read without the key).
    """
    from kiosk_app.store.attachments import AttachmentStore
    from kiosk_app.store.data_key import find_local_key

    folder = Path(folder)
    pool = pool or pool_of(folder)
    try:
        m = read_manifest(folder)
    except BackupError as exc:
        return [str(exc)]
    if key is None:
        enc = m["encryption"]
        key = find_local_key(str(enc.get("key_id", "")), str(enc.get("check", "")))
    problems: list[str] = []
    db = folder / m["database"]["file"]
    if not db.is_file():
        return [f"{db}: database copy missing"]
    sha, size = _hash_file(db)
    if (sha, size) != (m["database"]["sha256"], m["database"]["size"]):
        problems.append(f"{db}: database copy does not match its sha256 in the manifest")
    elif key is not None:
        try:
            conn = _open_copy(db, key)
        except StoreError as exc:
            return [str(exc)]
        try:
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                problems.append(f"{db}: integrity_check: {check}")
            else:
                if _counts(conn) != m["counts"]:
                    problems.append(f"{db}: row counts differ from the manifest")
                if _schema_version(conn) != m["schema_version"]:
                    problems.append(f"{db}: schema version differs from the manifest")
        except DbError as exc:
            problems.append(f"{db}: {exc}")
        finally:
            conn.close()
    files = AttachmentStore(pool, key) if key is not None else None
    for a in m["attachments"]:
        p = _pool_path(pool, a["sha256"])
        if not p.is_file():
            problems.append(f"attachment {a['sha256']} missing from {pool}")
        elif files is not None and not files.verify(a["sha256"]):
            problems.append(f"attachment {a['sha256']} in {pool} is damaged or not decryptable")
        elif files is None and _hash_file(p) != (a.get("stored_sha256"), a["size"]):
            problems.append(f"attachment {a['sha256']} in {pool} is damaged")
    for rel, want in m.get("files", {}).items():
        p = folder / "files" / rel
        if not p.is_file() or _hash_file(p)[0] != want:
            problems.append(f"{p}: missing or damaged")
    return problems


def list_backups(dest: Path) -> list[Path]:
    """Complete backups in ``dest`` (final name and a manifest), oldest first."""
    dest = Path(dest)
    if not dest.is_dir():
        return []
    return sorted(p for p in dest.iterdir() if _NAME.match(p.name) and (p / MANIFEST).is_file())


def find_backup(path: Path) -> Path:
    """``path`` itself when it holds a manifest, else the newest complete backup in it."""
    path = Path(path)
    if (path / MANIFEST).is_file():
        return path
    found = list_backups(path)
    if not found:
        raise BackupError(f"{path}: no complete backup here", 2)
    return found[-1]


# ------------------------------------------------------------------ backup
def _clean_leftovers(dest: Path) -> list[str]:
    removed = []
    for p in dest.iterdir():
        if p.name.startswith(PARTIAL):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
    pool = dest / POOL
    if pool.is_dir():
        for p in pool.rglob(".incoming-*"):
            with contextlib.suppress(OSError):
                p.unlink()
    return removed


def _prune(dest: Path, keep: int, warnings: list[str]) -> list[str]:
    complete = list_backups(dest)
    old = complete[: max(0, len(complete) - keep)]
    for p in old:
        shutil.rmtree(p)
    kept: set[str] = set()
    for p in list_backups(dest):
        try:
            kept |= {a["sha256"] for a in read_manifest(p)["attachments"]}
        except (BackupError, KeyError, TypeError) as exc:
            warnings.append(f"{p}: {exc}; unused attachments were not removed")
            return [p.name for p in old]
    for sha, path in _walk_pool(dest / POOL):
        if sha not in kept:
            path.unlink()
    return [p.name for p in old]


def backup(
    data_dir: Path,
    dest: Path,
    *,
    keep: int = DEFAULT_KEEP,
    now: Callable[[], datetime] = _now,
    on_step: Callable[[str, int, int], None] | None = None,
) -> BackupResult:
    """Write a verified backup of ``data_dir`` into ``dest``; see the module docstring.

    ``on_step(phase, done, total)`` is called as the copy advances (``database`` pages left,
    ``attachments`` files done). Raises :class:`BackupError` (nothing partial left behind).
    The data folder's key is needed (a folder an older version left in plaintext is encrypted
    first, as any open would).
    """
    data_dir, dest = Path(data_dir), Path(dest)
    if keep < 1:
        raise BackupError("--keep must be at least 1", 2)
    source_db = data_dir / DB_FILE
    if not source_db.is_file():
        raise BackupError(f"{data_dir}: no kiosk store here ({DB_FILE})", 2)
    try:
        if data_dir.resolve() == dest.resolve() or dest.resolve().is_relative_to(
            data_dir.resolve()
        ):
            raise BackupError(f"{dest}: a backup must not be written inside the data folder", 2)
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"{dest}: cannot use this folder: {exc.strerror}", 2) from exc
    with _dest_lock(dest):
        _clean_leftovers(dest)
        stamp = now().astimezone(UTC)
        name = PREFIX + stamp.strftime("%Y%m%dT%H%M%S%fZ")
        final = dest / name
        if final.exists():
            raise BackupError(f"{final} already exists", 1)
        partial = dest / (PARTIAL + name)
        pool = dest / POOL
        added: list[Path] = []
        try:
            key = _data_key(data_dir)
            result = _write(data_dir, partial, pool, added, stamp, on_step, key)
            problems = verify_backup(partial, pool, key)
            if problems:
                raise BackupError("backup did not verify: " + "; ".join(problems[:3]), 1)
            os.replace(partial, final)  # the last step: only now does it look complete
            _fsync_dir(dest)
        except BaseException as exc:
            shutil.rmtree(partial, ignore_errors=True)
            for p in added:
                with contextlib.suppress(OSError):
                    p.unlink()
            if isinstance(exc, OSError | DbError | StoreError):
                needed = source_db.stat().st_size + sum(
                    p.stat().st_size for _, p in _walk_pool(data_dir / ATTACHMENTS_DIR)
                )
                raise BackupError(_disk_message(exc, dest, needed), 1) from exc
            raise
        result.path = final
        result.warnings = list(result.warnings)  # the manifest's own list is written already
        if not result.manifest["encryption"].get("recovery"):
            result.warnings.append(
                "no recovery passphrase is set (motcua key set-recovery): this backup can be "
                "restored only on this PC, with this PC's data key"
            )
        try:
            result.pruned = _prune(dest, keep, result.warnings)
        except OSError as exc:  # the new backup is complete; only the clean-up failed
            result.warnings.append(f"old backups not removed: {exc}")
        return result


def _write(
    data_dir: Path,
    partial: Path,
    pool: Path,
    added: list[Path],
    stamp: datetime,
    on_step: Callable[[str, int, int], None] | None,
    key: bytes,
) -> BackupResult:
    from kiosk_app.store.attachments import AttachmentStore

    partial.mkdir()
    db_copy = partial / DB_FILE
    facts = _copy_database(
        data_dir / DB_FILE,
        db_copy,
        key,
        (lambda remaining, total: on_step("database", total - remaining, total))
        if on_step
        else None,
    )
    warnings: list[str] = []
    if not facts["audit"]["intact"]:
        warnings.append(f"the audit log is broken: {facts['audit']['first_break']}")
    # attachments: copy what the pool lacks, re-hash what it has (rot is copied again)
    sources = list(_walk_pool(data_dir / ATTACHMENTS_DIR))
    pool_files = AttachmentStore(pool, key)
    attachments, copied, reused, copied_bytes = [], 0, 0, 0
    for i, (sha, src) in enumerate(sources):
        # the files stay encrypted: copied byte for byte; "good" = decrypts (authenticated,
        # with this key) to content whose sha256 is its name
        target = _pool_path(pool, sha)
        if target.is_file() and pool_files.verify(sha):
            reused += 1
            stored, size = _hash_file(target)
        else:
            fresh = not target.exists()
            stored, size = _copy_file(src, target)
            if fresh:
                added.append(target)
            if not pool_files.verify(sha):
                target.unlink()
                warnings.append(f"attachment {sha} in the data folder is damaged; not backed up")
                continue
            copied, copied_bytes = copied + 1, copied_bytes + size
        attachments.append({"sha256": sha, "size": size, "stored_sha256": stored})
        if on_step:
            on_step("attachments", i + 1, len(sources))
    have = {a["sha256"] for a in attachments}
    missing = sorted(set(facts["referenced"]) - have)
    if missing:
        warnings.append(
            f"{len(missing)} attachment(s) named by the store are not in the data folder: "
            + ", ".join(s[:12] for s in missing[:5])
        )
    files: dict[str, str] = {}
    for top in PUSHED_DIRS:
        root = data_dir / top
        if not root.is_dir():
            continue
        for p in sorted(root.rglob("*")):
            if p.is_file() and not p.name.startswith(".incoming-"):
                rel = p.relative_to(data_dir).as_posix()
                files[rel] = _copy_file(p, partial / "files" / rel)[0]
    sha, size = _hash_file(db_copy)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "schema_version": facts["schema_version"],
        "created_at": stamp.isoformat(),
        "source": str(data_dir.resolve()),
        "database": {"file": DB_FILE, "sha256": sha, "size": size},
        "counts": facts["counts"],
        "audit": facts["audit"],
        "attachments": attachments,
        "attachments_bytes": sum(a["size"] for a in attachments),
        "files": files,
        "secrets_included": False,
        "encryption": _encryption_facts(data_dir),
        "warnings": warnings,
    }
    for d in {p.parent for p in (partial / "files").rglob("*")} | {partial}:
        if d.is_dir():
            _fsync_dir(d)
    for d in {p.parent for p in added}:
        _fsync_dir(d)
    _write_manifest(partial, manifest)
    return BackupResult(partial, manifest, copied, reused, copied_bytes, [], warnings)


def _data_key(data_dir: Path) -> bytes:
    from kiosk_app.store.encrypt_convert import prepare

    try:
        return prepare(data_dir / DB_FILE)
    except StoreError as exc:
        raise BackupError(f"{data_dir}: {exc}", 1) from exc


def _encryption_facts(data_dir: Path) -> dict[str, Any]:
    from kiosk_app.store import data_key, recovery

    ref = data_key.read_ref(data_dir)
    assert ref is not None  # _data_key made it
    return {
        "scheme": ENCRYPTION_SCHEME,
        "key_id": ref.key_id,
        "check": ref.check,
        "recovery": recovery.read(data_dir),
    }


# Restore lives in kiosk_app/core/restore.py; kept importable from here for callers.
from kiosk_app.core.restore import RestoreResult, restore  # noqa: E402

__all__ = ["BackupError", "BackupResult", "RestoreResult", "backup", "restore", "verify_backup"]
