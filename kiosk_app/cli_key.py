"""``motcua key …``: the data key that encrypts the store and the scans (docs/encryption.md).

    motcua key status                         where the key lives; is a recovery passphrase set
    motcua key set-recovery [--passphrase-stdin]   wrap the key under the office passphrase
    motcua key recover [--passphrase-stdin]   on a new PC: unwrap the key, keep it here

The passphrase is read, in this order, from ``--passphrase-stdin`` (one line on stdin), the
environment variable ``MOTCUA_RECOVERY_PASSPHRASE`` (services, CI: no terminal), or a hidden
prompt when stdin is a terminal. It is never written anywhere. Exit codes: 0 done, 1 refused
(wrong passphrase, no key), 2 bad input. No Qt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from kiosk_app.cli_common import CommandError, emit, guarded

ENV_PASSPHRASE = "MOTCUA_RECOVERY_PASSPHRASE"


def _data_dir(args: argparse.Namespace) -> Path:
    from kiosk_app.config import default_data_dir

    return Path(args.data_dir) if args.data_dir else default_data_dir()


def can_prompt() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def read_passphrase(
    args: argparse.Namespace,
    *,
    confirm: bool = False,
    required: bool = True,
    prompt: bool = True,
) -> str | None:
    """The recovery passphrase from stdin, the environment or (``prompt``) a hidden prompt on a
    terminal (see module doc)."""
    text: str | None = None
    if getattr(args, "passphrase_stdin", False):
        text = sys.stdin.readline().rstrip("\r\n")
    elif os.environ.get(ENV_PASSPHRASE):
        text = os.environ[ENV_PASSPHRASE]
    elif prompt and can_prompt():
        text = getpass.getpass("Cụm mật khẩu khôi phục: ")
        if confirm and getpass.getpass("Nhập lại cụm mật khẩu khôi phục: ") != text:
            raise CommandError("Hai lần nhập cụm mật khẩu không giống nhau; chưa thay đổi gì", 2)
    if not text:
        if required:
            raise CommandError(
                "Cần cụm mật khẩu khôi phục: dùng --passphrase-stdin hoặc biến môi trường "
                f"{ENV_PASSPHRASE}",
                2,
            )
        return None
    return text


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk_app.store import data_key, recovery
    from kiosk_app.store.db import StoreError

    data_dir = _data_dir(args)
    try:
        ref = data_key.read_ref(data_dir)
        rec = recovery.read(data_dir)
    except StoreError as exc:
        raise CommandError(str(exc), 1) from exc
    if ref is None:
        info: dict[str, Any] = {"data_dir": str(data_dir), "key": None}
        emit(args, info, f"{data_dir}: chưa có khóa dữ liệu (thư mục chưa được mở lần nào)")
        return 0
    try:
        present = data_key.load_key(data_dir) is not None
        problem = None
    except StoreError as exc:
        present, problem = False, str(exc)
    info = {
        "data_dir": str(data_dir),
        "key_id": ref.key_id,
        "source": ref.source,
        "location": ref.location(),
        "present": present,
        "problem": problem,
        "recovery_set": rec is not None,
    }
    lines = [
        f"khóa dữ liệu {ref.key_id}: {ref.location()}",
        "  có trên máy này" if present else f"  KHÔNG có trên máy này: {problem}",
        "  cụm mật khẩu khôi phục: "
        + ("đã đặt" if rec else "CHƯA ĐẶT (motcua key set-recovery) — mất máy là mất dữ liệu"),
    ]
    if ref.source == "file":
        lines.append(
            "  lưu ý: khóa nằm trong tệp (không có kho khóa của hệ điều hành): bảo vệ bản sao "
            "thư mục dữ liệu, không bảo vệ khi mất cả ổ đĩa"
        )
    emit(args, info, "\n".join(lines))
    return 0 if present else 1


def cmd_set_recovery(args: argparse.Namespace) -> int:
    from kiosk_app.store import recovery
    from kiosk_app.store.db import StoreError
    from kiosk_app.store.encrypt_convert import prepare

    data_dir = _data_dir(args)
    if not data_dir.is_dir():
        raise CommandError(f"{data_dir}: không có thư mục dữ liệu")
    passphrase = read_passphrase(args, confirm=True) or ""
    try:
        from kiosk_app.config import DB_FILE

        prepare(data_dir / DB_FILE)  # a key exists (made, or an old folder converted)
        written = recovery.set_passphrase(data_dir, passphrase)
    except recovery.RecoveryError as exc:
        raise CommandError(str(exc), 2) from exc
    except StoreError as exc:
        raise CommandError(str(exc), 1) from exc
    emit(
        args,
        {"recovery": str(written)},
        f"đã đặt cụm mật khẩu khôi phục ({written}); các bản sao lưu từ nay mang theo nó. "
        "Cất cụm mật khẩu ở nơi an toàn, ngoài máy này.",
    )
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from kiosk_app.store import recovery

    data_dir = _data_dir(args)
    passphrase = read_passphrase(args) or ""
    try:
        ref = recovery.recover(data_dir, passphrase)
    except recovery.RecoveryError as exc:
        raise CommandError(str(exc), 1) from exc
    emit(
        args,
        {"key_id": ref.key_id, "source": ref.source, "location": ref.location()},
        f"đã khôi phục khóa dữ liệu {ref.key_id}; lưu tại {ref.location()}",
    )
    return 0


def add_passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help=f"read the recovery passphrase from stdin (or set {ENV_PASSPHRASE})",
    )


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Register ``key status|set-recovery|recover`` (``common``: --data-dir, --json)."""
    key = subparsers.add_parser(
        "key", help="the data key (encryption at rest) and its recovery passphrase"
    ).add_subparsers(dest="sub", required=True, metavar="SUBCOMMAND")
    s = key.add_parser("status", parents=[common], help="where the key lives; recovery set?")
    s.set_defaults(func=guarded(cmd_status))
    s = key.add_parser(
        "set-recovery", parents=[common], help="wrap the data key under the office passphrase"
    )
    add_passphrase_option(s)
    s.set_defaults(func=guarded(cmd_set_recovery))
    s = key.add_parser(
        "recover", parents=[common], help="on a new PC: unwrap the data key with the passphrase"
    )
    add_passphrase_option(s)
    s.set_defaults(func=guarded(cmd_recover))
