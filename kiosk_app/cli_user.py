"""``motcua user``: the desk's staff accounts from the command line (set-up and recovery).

    motcua user add USERNAME --role clerk|head|admin --name "Họ và tên" [--pin]
    motcua user list
    motcua user passwd USERNAME [--pin]
    motcua user disable USERNAME   /   motcua user enable USERNAME
    motcua user unlock USERNAME

The secret (password, or PIN with ``--pin``) is asked twice with ``getpass`` on a terminal;
otherwise it is read from ``MOTCUA_PASSWORD`` or, when that is unset, from the first line of
standard input — so an installer can script it without the secret on the command line (where
``ps`` would show it). Whoever runs ``motcua`` on the PC can already read and replace its data
folder, so these commands act as an administrator (audited with actor ``cli``); the rule that
one active administrator remains still holds.

Every command takes ``--data-dir`` and ``--json``. Exit codes: 0 done, 1 refused (unknown
account, the last administrator), 2 bad input (username, name, secret rules). No Qt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kiosk_app.cli_common import CommandError, emit, guarded, run_group

SECRET_ENV = "MOTCUA_PASSWORD"


def _accounts(args: argparse.Namespace) -> Any:
    from kiosk_app.config import DB_FILE, default_data_dir
    from kiosk_app.core.accounts import Accounts
    from kiosk_app.store.db import open_store

    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    return Accounts(open_store(data_dir / DB_FILE))


def read_secret(pin: bool, *, confirm: bool = True) -> str:
    """The new secret: getpass (twice) on a terminal, else $MOTCUA_PASSWORD, else stdin."""
    what = "PIN" if pin else "password"
    if sys.stdin.isatty():
        first = getpass.getpass(f"New {what}: ")
        if confirm and getpass.getpass(f"Repeat the {what}: ") != first:
            raise CommandError(f"the two {what}s differ")
        return first
    env = os.environ.get(SECRET_ENV)
    if env is not None:
        return env
    line = sys.stdin.readline()
    if not line:
        raise CommandError(f"no {what}: set {SECRET_ENV} or give it on standard input")
    return line.rstrip("\r\n")


def _run(args: argparse.Namespace, work: Any) -> Any:
    """Run ``work(accounts, session)`` with account errors as one-line refusals."""
    from kiosk_app.core.accounts import AccountError, AccountRefused
    from kiosk_app.core.session import command_line_session

    accounts = _accounts(args)
    try:
        return work(accounts, command_line_session(accounts.clock()))
    except AccountError as exc:
        raise CommandError(str(exc), 1 if isinstance(exc, AccountRefused) else 2) from exc
    finally:
        accounts.store.close()


def cmd_add(args: argparse.Namespace) -> int:
    secret = read_secret(args.pin)
    kw = {"pin": secret} if args.pin else {"password": secret}
    info = _run(args, lambda a, s: a.add(s, args.username, args.name, args.role, **kw))
    emit(args, asdict(info), f"account {info.username} ({info.role}) created")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    infos = _run(args, lambda a, s: a.list_accounts(s))
    lines = [
        f"{i.username:<20} {i.role:<6} {'active' if i.active else 'DISABLED':<8} "
        f"{'locked until ' + i.locked_until if i.locked_until else '':<10} {i.display_name}"
        for i in infos
    ]
    emit(args, [asdict(i) for i in infos], "\n".join(lines) or "no accounts yet")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    secret = read_secret(args.pin)
    if args.pin:
        _run(args, lambda a, s: a.set_pin(s, args.username, secret))
    else:
        _run(args, lambda a, s: a.set_password(s, args.username, secret))
    what = "PIN" if args.pin else "password"
    emit(args, {"username": args.username, "changed": what}, f"{what} of {args.username} set")
    return 0


def _simple(verb: str, work: Any, done: str) -> Any:
    def handler(args: argparse.Namespace) -> int:
        _run(args, lambda a, s: work(a, s, args.username))
        emit(args, {"username": args.username, verb: True}, f"{args.username}: {done}")
        return 0

    return handler


def add_commands(subparsers: Any) -> None:
    """Register ``user`` on ``motcua``'s subcommand parsers."""
    from kiosk_app.core.permissions import STAFF_ROLES

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="the kiosk's data folder (default: user data folder)")
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")
    user = subparsers.add_parser("user", help="staff accounts of the desk").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = user.add_parser("add", parents=[common], help="create an account (secret: see docs)")
    s.add_argument("username")
    s.add_argument("--role", required=True, choices=STAFF_ROLES)
    s.add_argument("--name", required=True, help='full name, e.g. "Nguyễn Thị Hoa"')
    s.add_argument("--pin", action="store_true", help="give a PIN (6–12 digits), not a password")
    s.set_defaults(func=guarded(cmd_add))
    s = user.add_parser("list", parents=[common], help="list accounts (no secrets)")
    s.set_defaults(func=guarded(cmd_list))
    s = user.add_parser("passwd", parents=[common], help="set an account's password or PIN")
    s.add_argument("username")
    s.add_argument("--pin", action="store_true", help="set the PIN instead of the password")
    s.set_defaults(func=guarded(cmd_passwd))
    for verb, help_text, work, done in (
        ("disable", "disable an account", lambda a, s, u: a.set_active(s, u, False), "disabled"),
        (
            "enable",
            "enable a disabled account",
            lambda a, s, u: a.set_active(s, u, True),
            "enabled",
        ),
        (
            "unlock",
            "lift a lockout after failed logins",
            lambda a, s, u: a.unlock(s, u),
            "unlocked",
        ),
    ):
        s = user.add_parser(verb, parents=[common], help=help_text)
        s.add_argument("username")
        s.set_defaults(func=guarded(_simple(verb, work, done)))


def run(argv: Sequence[str] | None = None) -> int:
    """``motcua`` with only this group (``python -m kiosk_app.cli_user``)."""
    return run_group(add_commands, "MotCua Kiosk: staff accounts", argv)


if __name__ == "__main__":
    sys.exit(run())
