"""``motcua setup --answers FILE``: set up a new office PC from an answers file (mass deployment).

    motcua setup --answers office.yaml [--check]

The file names the office, the first administrator and the enrolment (docs/first-run.md);
``${NAME}`` answers come from the environment. Everything is checked before anything is written
(``--check`` stops there); then the steps run in order and a step already done is skipped, so a
PC whose link was down at enrolment is finished by running the same command again. Exit codes:
0 done, 1 a step failed (the earlier ones are kept), 2 wrong answers. No Qt.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk_app.cli_common import CommandError, emit, guarded


def cmd_setup(args: argparse.Namespace) -> int:
    from kiosk_app.config import default_data_dir
    from kiosk_app.core import first_run
    from kiosk_app.core.accounts import AccountError

    try:
        plan = first_run.load_answers(Path(args.answers))
    except first_run.SetupError as exc:
        raise CommandError(str(exc).replace("\n", "; ")) from exc
    if args.check:
        emit(args, {"ok": True}, "câu trả lời hợp lệ (chưa ghi gì)")
        return 0
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    try:
        steps = first_run.apply(plan, data_dir)
    except AccountError as exc:
        raise CommandError(str(exc), code=1) from exc
    except Exception as exc:
        from sync.client_errors import SyncError, TransientError

        if isinstance(exc, TransientError):
            raise CommandError(
                f"chưa đăng ký được với máy chủ tỉnh ({exc}); các bước trước đã lưu — chạy lại "
                "lệnh này khi có mạng",
                code=1,
            ) from exc
        if isinstance(exc, SyncError):
            raise CommandError(f"máy chủ tỉnh từ chối đăng ký: {exc}", code=1) from exc
        raise
    emit(
        args,
        [{"step": s.name, "done": s.done, "message": s.message} for s in steps],
        "\n".join(f"{'✓' if s.done else '–'} {s.name}: {s.message}" for s in steps),
    )
    return 0


def add_commands(subparsers: Any) -> None:
    """Register ``setup`` on ``motcua``'s subcommand parsers."""
    s = subparsers.add_parser("setup", help="set up a new office PC from an answers file")
    s.add_argument("--data-dir", help="the kiosk's data folder (default: user data folder)")
    s.add_argument("--json", action="store_true", help="print machine-readable JSON")
    s.add_argument("--answers", required=True, metavar="FILE", help="YAML answers file")
    s.add_argument("--check", action="store_true", help="only check the answers")
    s.set_defaults(func=guarded(cmd_setup))
