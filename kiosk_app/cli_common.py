"""What the ``motcua`` command groups share: one-line refusals with exit codes, JSON output.

Each group module (``cli_receipt``, ``cli_sync``) raises :class:`CommandError` and wraps its
handlers with :func:`guarded`. The error is handled here, not by ``kiosk_app.cli.CliError``:
under ``python -m kiosk_app.cli`` that module runs as ``__main__`` and a second import of it
would define a second, different ``CliError`` class that its ``main`` would not catch.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any


class CommandError(Exception):
    """A one-line refusal with its exit code (2 bad input, 1 refused / not found / failed)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``handler`` with its CommandError printed as ``motcua: <message>`` and its code returned."""

    @functools.wraps(handler)
    def run_handler(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except CommandError as exc:
            print(f"motcua: {exc}", file=sys.stderr)
            return exc.code

    return run_handler


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """``data`` as JSON with ``--json``, else ``text``."""
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text)


def run_group(
    add_commands: Callable[[Any], None], description: str, argv: Sequence[str] | None = None
) -> int:
    """``motcua`` with only one command group (``python -m kiosk_app.cli_<group>``, tests):
    the same parsing, output and exit codes — usage errors 2, ``--help`` 0, and any failure
    one line and 1 instead of a traceback."""
    parser = argparse.ArgumentParser(prog="motcua", description=description)
    add_commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return args.func(args)
    except Exception as exc:  # noqa: BLE001 - the one-line promise of kiosk_app.cli.main
        from kiosk_app.store.db import StoreError

        kind = "store" if isinstance(exc, StoreError) else type(exc).__name__
        print(f"motcua: {kind}: {exc}".splitlines()[0], file=sys.stderr)
        return 1
