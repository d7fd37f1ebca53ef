"""The Linux package, as a commune IT officer meets it (issue 9's proof).

Builds the PyInstaller bundle and a .deb from it, installs the .deb on this machine, runs the
installed programs (the desk offscreen, a scripted intake with the installed ``motcua``), then
installs a newer package over it — with a data folder an older version left (schema 4,
plaintext) — and finds every dossier, scan and unsynced outbox item intact; removing the
package leaves the data.

Needs root (dpkg). Under CI=true it fails rather than skips when it cannot run; elsewhere it
skips. ``MOTCUA_BUNDLE=DIR`` reuses a bundle already built (installer/build_bundle.py) and
checked, which saves the ~3 minutes of PyInstaller on a developer's machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
PACKAGE = "motcua-kiosk"
BIN = Path("/usr/bin")

pytestmark = pytest.mark.slow


def _unavailable() -> str | None:
    if not sys.platform.startswith("linux"):
        return "Debian packages are built on Linux"
    if os.geteuid() != 0:
        return "installing a .deb needs root"
    if not shutil.which("dpkg-deb") or not shutil.which("dpkg"):
        return "dpkg is not installed"
    return None


@pytest.fixture(scope="module")
def can_install() -> None:
    why = _unavailable()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must build and install the .deb: {why}")
        pytest.skip(why)
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True
    ).stdout
    if status.endswith(" installed") and os.environ.get("CI") != "true":
        pytest.skip(f"{PACKAGE} is already installed on this machine: not touching it")


def _run(*cmd: str | Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    proc = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=timeout
    )
    assert proc.returncode == 0, f"{cmd}: {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _bundle(tmp: Path) -> Path:
    prebuilt = os.environ.get("MOTCUA_BUNDLE")
    if prebuilt:
        return Path(prebuilt)
    out = _run(
        sys.executable,
        ROOT / "installer" / "build_bundle.py",
        "--dist",
        tmp / "dist",
        "--work",
        tmp / "work",
        timeout=1800,
    )
    return Path(out.strip().splitlines()[-1])


def _deb(bundle: Path, out: Path, version: str) -> Path:
    text = _run(
        sys.executable,
        ROOT / "installer" / "build_deb.py",
        "--bundle",
        bundle,
        "--out",
        out,
        "--version",
        version,
    )
    return Path(text.strip().splitlines()[-1])


def _motcua(data: Path, *args: str) -> str:
    # the INSTALLED command, never the development one: a clean environment and the full path
    env = {"PATH": "/usr/bin:/bin", "HOME": str(data.parent), "LANG": "C.UTF-8"}
    return _run(BIN / "motcua", *args, "--data-dir", data, env=env)


def _export(data: Path) -> list[dict]:
    return json.loads(_motcua(data, "dossier", "export", "--format", "json"))


def test_install_run_upgrade_and_remove_keep_every_dossier(can_install, tmp_path) -> None:
    bundle = _bundle(tmp_path)
    v1 = _deb(bundle, tmp_path / "v1", "0.1.0")
    v2 = _deb(bundle, tmp_path / "v2", "0.1.1")
    info = _run("dpkg-deb", "--info", v1)
    assert "Package: motcua-kiosk" in info and "Depends:" in info
    files = _run("dpkg-deb", "--contents", v1)
    for path in (
        "./usr/bin/motcua",
        "./usr/lib/systemd/user/motcua-sync.timer",
        "./usr/lib/systemd/user/motcua-kiosk.service",
        "./usr/lib/systemd/user/motcua-backup.timer",
        "./usr/share/applications/motcua-kiosk.desktop",
        "./opt/motcua-kiosk/motcua-sync",
    ):
        assert path in files, path
    try:
        _run("dpkg", "-i", v1)
        assert (Path("/opt") / PACKAGE / "VERSION").read_text().strip() == "0.1.0"

        # a fresh office: the installed command line takes three dossiers
        fresh = tmp_path / "home" / "fresh"
        _motcua(
            fresh,
            "init",
            "--agency-id",
            "000.00.06.H56",
            "--commune",
            "20179",
            "--device-slot",
            "1",
        )
        answers = tmp_path / "answers.json"
        answers.write_text(_motcua(fresh, "intake", "example", "--procedure", "1.001193"))
        codes = []
        for _ in range(3):
            out = _motcua(
                fresh,
                "intake",
                "submit",
                "--procedure",
                "1.001193",
                "--answers",
                str(answers),
                "--json",
            )
            codes.append(json.loads(out)["code"])
        # the installed desk starts and paints offscreen
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path / "home"),
            "QT_QPA_PLATFORM": "offscreen",
            "LANG": "C.UTF-8",
        }
        _run(BIN / "motcua-kiosk", "--data-dir", fresh, "--quit-after", "2", env=env)

        # an office that used an older version (schema 4, plaintext) before this upgrade
        old = tmp_path / "home" / "old"
        with tarfile.open(DATA / "store-v4.tar.gz") as tar:
            tar.extractall(old.parent / "unpacked", filter="data")
        shutil.move(old.parent / "unpacked" / "data", old)
        before_fresh = _export(fresh)

        _run("dpkg", "-i", v2)  # the newer package over the installed one
        assert (Path("/opt") / PACKAGE / "VERSION").read_text().strip() == "0.1.1"
        after_fresh = _export(fresh)
        assert sorted(d["code"] for d in after_fresh) == sorted(d["code"] for d in before_fresh)
        assert sorted(d["code"] for d in after_fresh) == sorted(codes)
        old_dossiers = _export(old)  # the installed build migrates the old store on open
        assert len(old_dossiers) == 3
        assert {d["procedure_code"] for d in old_dossiers} == {"1.001193", "2.000884", "1.004873"}
        # the migration copied the old database aside first
        assert list(old.glob("*.pre-*.sqlite")), sorted(p.name for p in old.iterdir())
        status = json.loads(_motcua(old, "sync", "status", "--json"))
        assert status["outbox"]["pending"] == 3, status
        birth = next(d for d in old_dossiers if d["procedure_code"] == "1.001193")
        shown = json.loads(_motcua(old, "dossier", "show", birth["code"], "--json"))
        assert [a["name"] for a in shown["attachments"]] == ["giay-chung-sinh.jpg"]
        _motcua(old, "audit", "verify")
        # the installed build renders the receipt (bundled fonts, reportlab, signed QR)
        pdf = tmp_path / "receipt.pdf"
        _motcua(old, "receipt", "pdf", birth["code"], "--out", str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")
    finally:
        subprocess.run(["dpkg", "-r", PACKAGE], capture_output=True)
    assert not (BIN / "motcua").exists()
    assert fresh.is_dir() and old.is_dir()  # removing the program never removes the data
