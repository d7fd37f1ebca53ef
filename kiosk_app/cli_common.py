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
from collections.abc import Callable
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
