"""The README's promise: CI runs exactly the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", text, re.S)]


def test_readme_has_the_two_commands() -> None:
    blocks = _blocks()
    assert any("motcua-kiosk" in b for b in blocks)
    assert any("pytest" in b for b in blocks)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_cmd = next(b for b in _blocks() if "pytest" in b)
    ci_lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_cmd in ci_lines


def test_every_cli_command_is_documented() -> None:
    from kiosk_app.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():
        inner = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"]
        names = [f"{name} {s}" for s in inner[0].choices] if inner else [name]
        for n in names:
            assert f"motcua {n}" in readme, n
