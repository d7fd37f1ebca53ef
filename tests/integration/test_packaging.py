"""A plain, non-editable wheel carries resources/ and its commands find them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_resources(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("motcua_kiosk-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "kiosk_app/_resources/MANIFEST.yaml" in names
    assert any(n.startswith("kiosk_app/_resources/procedures/") for n in names)
    assert any(n.startswith("kiosk_app/_resources/forms/") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import kiosk_app.resources as r, kiosk_app.core.catalog as c; "
        "print(r.resource_root()); print(len(c.load_catalog().procedures))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    root, count = out.stdout.split()
    assert root.startswith(str(site)) and int(count) >= 9
