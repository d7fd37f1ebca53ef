"""The layering rules of DESIGN.md, checked on the source and on a real import."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QT_FREE = [
    ROOT / "kiosk_app" / "core",
    ROOT / "kiosk_app" / "store",
    ROOT / "kiosk_app" / "receipts",
    ROOT / "sync",
]
SQL_WORDS = re.compile(
    r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|"
    r"PRAGMA)\b",
    re.IGNORECASE,
)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_store_sync_import_no_qt_in_source() -> None:
    offenders = []
    for folder in QT_FREE:
        for path in folder.rglob("*.py"):
            bad = {m for m in _imports(path) if m.split(".")[0] in ("PySide6", "shiboken6")}
            if bad:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


def test_importing_core_store_sync_loads_no_qt() -> None:
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for folder in QT_FREE
        for p in folder.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")  # __main__ runs a program on import
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_ui_writes_no_sql() -> None:
    offenders = []
    for path in (ROOT / "kiosk_app" / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        bad = {m for m in _imports(path) if m.split(".")[0] in ("sqlite3", "sqlite_utils")}
        bad |= {m for m in _imports(path) if m.startswith("kiosk_app.store")}
        if SQL_WORDS.search(text) or ".execute(" in text or bad:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_layer_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport sqlite3\n")
    assert "PySide6.QtCore" in _imports(bad)
    assert SQL_WORDS.search("db.execute('SELECT name FROM dossiers')")
