"""``motcua-server user …`` and ``motcua-server keys …``: back-office users and the province
signing key (wired into the parser by :mod:`sync.server.cli`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sync.server.cli import CliError, _call, _emit, _service


def _password(args: argparse.Namespace) -> str:
    """The new password: from --password-stdin (one line) or asked twice on the terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Mật khẩu mới: ")
    if first != getpass.getpass("Nhập lại: "):
        raise CliError("hai lần nhập mật khẩu không khớp")
    return first


def _user_line(u: dict[str, Any]) -> str:
    state = f"DISABLED {u['disabled_at']}" if u["disabled_at"] else "active"
    pw = "" if u["has_password"] else "  (no password: `user passwd`)"
    return f"{u['login']:<24} {u['role']:<16} {u['commune'] or '-':<6} {state}{pw}"


def cmd_user_add(args: argparse.Namespace) -> int:
    service = _service(args)
    password = None if args.no_password else _password(args)
    out = _call(
        service.add_user, args.login, password, args.role, commune=args.commune, name=args.name
    )
    _emit(args, out, lambda: _user_line(out))
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    service = _service(args)
    rows = service.users()
    _emit(args, rows, lambda: "\n".join(_user_line(u) for u in rows) or "no users")
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    service = _service(args)
    out = _call(service.disable_user, args.login, args.reason)
    _emit(args, out, lambda: f"disabled {out['login']}: its sessions end now")
    return 0


def cmd_user_enable(args: argparse.Namespace) -> int:
    service = _service(args)
    out = _call(service.enable_user, args.login)
    _emit(args, out, lambda: _user_line(out))
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    service = _service(args)
    out = _call(service.set_password, args.login, _password(args))
    _emit(args, out, lambda: f"password set for {out['login']}; its old sessions ended")
    return 0


def _key_path(args: argparse.Namespace) -> Path:
    from sync.server.keys import default_path

    if args.province_key:
        return Path(args.province_key)
    if not args.data_dir:
        raise CliError("--data-dir or --province-key is required")
    return default_path(Path(args.data_dir))


def cmd_keys_init(args: argparse.Namespace) -> int:
    from sync.server.keys import ProvinceKeyError, init_key

    path = _key_path(args)
    try:
        doc = init_key(path)
    except ProvinceKeyError as exc:
        raise CliError(str(exc), 1) from exc
    _emit(args, doc, lambda: f"province key {doc['kid']} written to {path} (mode 0600): back it up")
    return 0


def cmd_keys_show(args: argparse.Namespace) -> int:
    from sync.server.keys import ProvinceKeyError, Signer

    try:
        doc = Signer(_key_path(args)).public_doc
    except ProvinceKeyError as exc:
        raise CliError(str(exc), 1) from exc
    print(json.dumps(doc, indent=2))
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    from sync.server.keys import ProvinceKeyError, rotate

    try:
        doc = rotate(_key_path(args))
    except ProvinceKeyError as exc:
        raise CliError(str(exc), 1) from exc
    _emit(
        args,
        doc,
        lambda: (
            f"new province key {doc['kid']}, endorsed by the old one; restart the server, "
            "then republish the catalogue and settings"
        ),
    )
    return 0
