"""``motcua audit verify``, ``motcua backup`` and ``motcua restore``.

    motcua audit verify [--anchor N:HASH …]        walk the audit chain, name the first break
    motcua backup --to DIR [--keep N]              online, verified backup (docs/backup.md)
    motcua restore --from DIR --data-dir NEW [--force] [--passphrase-stdin]
    motcua key status | set-recovery | recover      the data key (kiosk_app.cli_key)

Every command takes ``--data-dir`` and ``--json``. Exit codes, as everywhere in ``motcua``:
0 done / intact, 1 broken or failed (the chain is broken, the backup did not verify, the disk
is full), 2 bad input (no store there, a malformed anchor, not a backup folder).

Wired into ``kiosk_app.cli`` by :func:`add_commands`; :func:`run` runs the same commands
without that wiring (``python -m kiosk_app.cli_trust backup --to DIR``). No Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kiosk_app.cli_common import CommandError, emit, guarded, run_group


def _data_dir(args: argparse.Namespace) -> Path:
    from kiosk_app.config import default_data_dir

    return Path(args.data_dir) if args.data_dir else default_data_dir()


# ------------------------------------------------------------------ audit verify
def cmd_audit_verify(args: argparse.Namespace) -> int:
    from kiosk_app.config import DB_FILE
    from kiosk_app.store import data_key
    from kiosk_app.store.audit_verify import parse_anchor, verify
    from kiosk_app.store.db import DatabaseError, StoreError, raw_connect

    try:
        anchors = [parse_anchor(a) for a in args.anchor or []]
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    path = _data_dir(args) / DB_FILE
    if not path.is_file():
        raise CommandError(f"{path.parent}: no kiosk store here ({DB_FILE})")
    try:
        # read-only: verifying must never change the file it judges
        conn = raw_connect(path, data_key.load_key(path.parent), read_only=True)
        try:
            report = verify(conn, anchors)
        finally:
            conn.close()
    except (DatabaseError, StoreError) as exc:
        raise CommandError(f"{path}: cannot read the audit log: {exc}", 1) from exc
    if report.ok:
        head = f"entry {report.head_n} {report.head_hash}" if report.head_n else "empty log"
        extra = f", {report.anchors_checked} anchor(s) matched" if anchors else ""
        text = f"audit log intact: {report.entries} entries{extra}; head {head}"
    else:
        lines = [f"audit log BROKEN at entry {report.first.n}: {report.first.message}"]
        lines += [f"  also: {b.message}" for b in report.breaks[1:]]
        text = "\n".join(lines)
    emit(args, report.to_json(), text)
    return 0 if report.ok else 1


# ------------------------------------------------------------------ backup / restore
def _scheduled_target(data_dir: Path) -> Path | None:
    """The office's ``backup_dir`` setting (None when unset), read without opening the app."""
    from kiosk_app.config import DB_FILE
    from kiosk_app.store.settings import read_file

    values = read_file(data_dir / DB_FILE, ["backup_dir"]) or {}
    value = str(values.get("backup_dir") or "").strip()
    return Path(value) if value else None


def cmd_backup(args: argparse.Namespace) -> int:
    from kiosk_app.core.backup import BackupError, backup

    data_dir = _data_dir(args)
    target = Path(args.to) if args.to else None
    if target is None:
        target = _scheduled_target(data_dir)
        if target is None:
            if args.scheduled:
                # a PC whose office chose no backup folder: the timer has nothing to do
                emit(args, {"skipped": "no backup_dir"}, "no backup folder set (backup_dir)")
                return 0
            raise CommandError("cần --to THƯ_MỤC, hoặc đặt thư mục sao lưu (backup_dir)")
        if args.scheduled and not target.parent.is_dir():
            raise CommandError(
                f"không thấy ổ sao lưu {target} (ổ USB chưa cắm?) — lần sau sẽ thử lại", code=1
            )
    try:
        result = backup(data_dir, target, keep=args.keep)
    except BackupError as exc:
        raise CommandError(str(exc), exc.code) from exc
    _audit_backup(data_dir, result)
    m = result.manifest
    counts = m["counts"]
    lines = [
        f"backup written and verified: {result.path}",
        f"  {counts.get('dossiers', 0)} dossier(s), {counts.get('outbox', 0)} outbox event(s), "
        f"{counts.get('audit', 0)} audit entries (head {m['audit']['head_n']}: "
        f"{m['audit']['head_hash']})",
        f"  {len(m['attachments'])} attachment(s): {result.copied_files} copied "
        f"({result.copied_bytes} bytes), {result.reused_files} already there",
    ]
    if result.pruned:
        lines.append(f"  removed {len(result.pruned)} old backup(s): {', '.join(result.pruned)}")
    lines += [f"  warning: {w}" for w in result.warnings]
    emit(args, result.to_json(), "\n".join(lines))
    return 0


def _audit_backup(data_dir: Path, result: Any) -> None:
    """The trail records each backup: where and what it holds (counts, not contents)."""
    from kiosk_app.config import DB_FILE
    from kiosk_app.core.session import command_line_session, record
    from kiosk_app.store.db import open_store

    store = open_store(data_dir / DB_FILE)
    try:
        counts = result.manifest.get("counts", {})
        record(
            store,
            command_line_session(),
            "backup.create",
            entity=str(result.path.name),
            data={"dossiers": counts.get("dossiers", 0), "outbox": counts.get("outbox", 0)},
        )
    finally:
        store.close()


def cmd_restore(args: argparse.Namespace) -> int:
    from kiosk_app.cli_key import can_prompt, read_passphrase
    from kiosk_app.core.backup import BackupError, restore
    from kiosk_app.core.restore import PassphraseNeeded
    from kiosk_app.store.db import StoreError

    if not args.data_dir:
        raise CommandError("--data-dir is required: the folder to restore into")
    # needed only when this PC does not hold the backup's data key (another PC): asked on a
    # terminal only then
    passphrase = read_passphrase(args, required=False, prompt=False)
    try:
        try:
            result = restore(
                Path(args.source), Path(args.data_dir), force=args.force, passphrase=passphrase
            )
        except PassphraseNeeded:
            if passphrase is not None or not can_prompt():
                raise
            passphrase = read_passphrase(args, required=False)
            result = restore(
                Path(args.source), Path(args.data_dir), force=args.force, passphrase=passphrase
            )
    except BackupError as exc:
        raise CommandError(str(exc), exc.code) from exc
    except StoreError as exc:
        raise CommandError(f"restored store cannot be opened: {exc}", 1) from exc
    m = result.manifest
    counts = m["counts"]
    by_state = counts.get("outbox_by_state", {})
    lines = [
        f"restored {result.backup.name} (taken {m['created_at']}, MotCua {m['app_version']}, "
        f"schema v{m['schema_version']}) into {result.data_dir}",
        f"  {counts.get('dossiers', 0)} dossier(s), {counts.get('drafts', 0)} draft(s), "
        f"{result.attachments} attachment(s), {result.files} pushed file(s), "
        f"{counts.get('audit', 0)} audit entries",
        f"  outbox: {by_state.get('pending', 0)} waiting to be sent (the province answers "
        f"'duplicate' for any it already has), {by_state.get('sent', 0)} sent, "
        f"{by_state.get('rejected', 0)} rejected",
        "  migrations applied: "
        + (", ".join(str(n) for n in result.migrations_applied) or "none (already current)"),
    ]
    if result.moved_aside:
        lines.append(
            f"  the folder's previous store was moved aside: {', '.join(result.moved_aside)}"
        )
    lines += [f"  warning: {w}" for w in result.warnings]
    emit(args, result.to_json(), "\n".join(lines))
    return 0


# ------------------------------------------------------------------ wiring
def add_commands(subparsers: Any) -> None:
    """Register ``audit``, ``backup`` and ``restore`` on ``motcua``'s subcommand parsers."""
    from kiosk_app.core.backup import DEFAULT_KEEP

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="the kiosk's data folder (default: user data folder)")
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")

    audit = subparsers.add_parser("audit", help="the tamper-evident audit log").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = audit.add_parser(
        "verify", parents=[common], help="check the hash chain; name the first broken link"
    )
    s.add_argument(
        "--anchor",
        action="append",
        metavar="N:HASH",
        help="an entry's hash recorded elsewhere (a backup manifest, the province); repeatable",
    )
    s.set_defaults(func=guarded(cmd_audit_verify))

    s = subparsers.add_parser(
        "backup", parents=[common], help="online, verified backup of the store and attachments"
    )
    s.add_argument(
        "--to", metavar="DIR", help="backup folder (USB disk, 2nd drive); default: backup_dir"
    )
    s.add_argument(
        "--scheduled",
        action="store_true",
        help="run by the timer: nothing to do (exit 0) when no backup_dir is set",
    )
    s.add_argument(
        "--keep",
        type=int,
        default=DEFAULT_KEEP,
        help=f"complete backups to keep in DIR (default {DEFAULT_KEEP})",
    )
    s.set_defaults(func=guarded(cmd_backup))

    s = subparsers.add_parser(
        "restore", parents=[common], help="restore a backup onto a fresh data folder"
    )
    s.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="DIR",
        help="a backup folder, or a backup destination (its newest backup)",
    )
    s.add_argument("--force", action="store_true", help="restore into a non-empty data folder")
    from kiosk_app import cli_key

    cli_key.add_passphrase_option(s)
    s.set_defaults(func=guarded(cmd_restore))

    cli_key.add_commands(subparsers, common)


def run(argv: Sequence[str] | None = None) -> int:
    """``motcua`` with only this group (``python -m kiosk_app.cli_trust``)."""
    return run_group(add_commands, "MotCua Kiosk: audit log and backups", argv)


if __name__ == "__main__":
    sys.exit(run())
