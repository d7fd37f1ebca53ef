"""Build the Debian package of MotCua Kiosk from a PyInstaller bundle (installer/build_bundle.py).

    python installer/build_deb.py --bundle DIST/motcua-kiosk --out DIR [--version 0.1.0]

Layout of the package (standard tools only: ``dpkg-deb --root-owner-group``):

- ``/opt/motcua-kiosk/``: the bundle (Python, Qt, resources), owned by root, read-only;
- ``/usr/bin/motcua-kiosk``, ``/usr/bin/motcua``, ``/usr/bin/motcua-sync``: symlinks into it;
- desktop entries for the desk and the self-service kiosk, and the icon;
- systemd *user* units: ``motcua-kiosk.service`` (kiosk-mode autostart, enabled per account by
  the office: ``systemctl --user enable motcua-kiosk.service``) and ``motcua-sync.timer``
  (background sync every 5 minutes) and ``motcua-backup.timer`` (twice a working day to the
  office's backup folder), both enabled for every account by the maintainer scripts.

Data never lives in the package: each account's dossiers are in its own data folder
(platformdirs), which removing or purging the package leaves alone (Debian policy: packages do
not touch home folders) — docs/install-linux.md says how to delete it on purpose. An upgrade
replaces /opt/motcua-kiosk only; the store migrates itself at the next start, after copying the
database aside (kiosk_app/store/migrations.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LINUX = HERE / "linux"
PACKAGE = "motcua-kiosk"
PREFIX = Path("opt") / PACKAGE
COMMANDS = ("motcua-kiosk", "motcua", "motcua-sync")
UNITS = (
    "motcua-kiosk.service",
    "motcua-sync.service",
    "motcua-sync.timer",
    "motcua-backup.service",
    "motcua-backup.timer",
)

# Libraries the bundled Qt loads from the system (xcb platform plugin, OpenGL, fonts, D-Bus
# for the credential store and speech). Everything else ships inside the bundle.
DEPENDS = [
    "libc6 (>= 2.31)",
    "libgl1",
    "libegl1",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-image0",
]
RECOMMENDS = ["cups", "speech-dispatcher", "espeak-ng", "gnome-keyring"]

CONTROL = """Package: {package}
Version: {version}
Architecture: {arch}
Maintainer: MotCua Kiosk developers <motcua@localhost>
Installed-Size: {size_kb}
Depends: {depends}
Recommends: {recommends}
Section: misc
Priority: optional
Homepage: https://example.invalid/motcua-kiosk
Description: offline-first intake desk for a Vietnamese commune's one-stop office
 MotCua Kiosk takes villagers' administrative dossiers at the commune's one-stop
 office (bộ phận một cửa), runs a self-service touch kiosk for citizens, prints the
 official receipt with a signed QR code, keeps everything in a local encrypted
 store through power cuts and days without a link, and syncs with the provincial
 server whenever a connection exists.
"""

POSTINST = """#!/bin/sh
set -e
# Background sync for every account; the desk syncs by itself while it runs.
if [ "$1" = "configure" ] && command -v systemctl >/dev/null 2>&1; then
    systemctl --global enable motcua-sync.timer >/dev/null 2>&1 || true
    systemctl --global enable motcua-backup.timer >/dev/null 2>&1 || true
fi
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q /usr/share/applications || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
fi
exit 0
"""

PRERM = """#!/bin/sh
set -e
# Only on removal: an upgrade keeps the timer enabled.
if [ "$1" = "remove" ] && command -v systemctl >/dev/null 2>&1; then
    systemctl --global disable motcua-sync.timer >/dev/null 2>&1 || true
    systemctl --global disable motcua-backup.timer >/dev/null 2>&1 || true
    systemctl --global disable motcua-kiosk.service >/dev/null 2>&1 || true
fi
exit 0
"""

POSTRM = """#!/bin/sh
set -e
if [ "$1" = "purge" ]; then
    echo "motcua-kiosk: each account's dossiers stay in its data folder" \\
         "(~/.local/share/motcua-kiosk); delete it yourself only after a backup" \\
         "(docs/install-linux.md)." >&2
fi
exit 0
"""


class BuildError(RuntimeError):
    pass


def _arch() -> str:
    out = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
    return out.stdout.strip() or "amd64"


def _du_kb(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            p = Path(root, f)
            if not p.is_symlink():
                total += p.stat().st_size
    return max(1, total // 1024)


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def stage(bundle: Path, root: Path, version: str) -> None:
    """Lay the package's files out under ``root`` (the future ``/``)."""
    for cmd in COMMANDS:
        if not (bundle / cmd).is_file():
            raise BuildError(f"{bundle}: no {cmd} in the bundle (run installer/build_bundle.py)")
    dest = root / PREFIX
    shutil.copytree(bundle, dest, symlinks=True)
    (dest / "VERSION").write_text(version + "\n", encoding="utf-8")
    bindir = root / "usr" / "bin"
    bindir.mkdir(parents=True)
    for cmd in COMMANDS:
        (bindir / cmd).symlink_to(Path("/") / PREFIX / cmd)
    apps = root / "usr/share/applications"
    apps.mkdir(parents=True)
    for entry in ("motcua-kiosk.desktop", "motcua-kiosk-selfservice.desktop"):
        shutil.copy2(LINUX / entry, apps / entry)
    icon = root / "usr/share/icons/hicolor/scalable/apps/motcua-kiosk.svg"
    icon.parent.mkdir(parents=True)
    shutil.copy2(LINUX / "motcua-kiosk.svg", icon)
    units = root / "usr/lib/systemd/user"
    units.mkdir(parents=True)
    for unit in UNITS:
        shutil.copy2(LINUX / unit, units / unit)
    docs = root / "usr/share/doc" / PACKAGE
    docs.mkdir(parents=True)
    repo = HERE.parent
    for name in ("README.md", "LICENSE"):
        if (repo / name).is_file():
            shutil.copy2(repo / name, docs / name)
    debian = root / "DEBIAN"
    _write(
        debian / "control",
        CONTROL.format(
            package=PACKAGE,
            version=version,
            arch=_arch(),
            size_kb=_du_kb(root),
            depends=", ".join(DEPENDS),
            recommends=", ".join(RECOMMENDS),
        ),
    )
    _write(debian / "postinst", POSTINST, 0o755)
    _write(debian / "prerm", PRERM, 0o755)
    _write(debian / "postrm", POSTRM, 0o755)


def build_deb(bundle: Path, out_dir: Path, version: str) -> Path:
    """Build ``<out_dir>/motcua-kiosk_<version>_<arch>.deb`` and return its path."""
    if not shutil.which("dpkg-deb"):
        raise BuildError("dpkg-deb not found (Debian package: dpkg)")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PACKAGE}_{version}_{_arch()}.deb"
    with tempfile.TemporaryDirectory(prefix="motcua-deb-") as tmp:
        root = Path(tmp) / "root"
        stage(bundle, root, version)
        # gzip at level 1: xz over the ~360 MB bundle costs minutes on a 2-core builder
        # (measured: the upgrade test builds two packages) for a smaller download nobody waits on
        proc = subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", str(root), str(target)],
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            raise BuildError(f"dpkg-deb failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundle", required=True, type=Path, help="the PyInstaller folder")
    p.add_argument("--out", required=True, type=Path, help="where to write the .deb")
    p.add_argument("--version", help="package version (default: the program's)")
    args = p.parse_args(argv)
    if args.version:
        version = args.version
    else:
        sys.path.insert(0, str(HERE.parent))
        from kiosk_app import __version__ as version
    try:
        print(build_deb(args.bundle, args.out, version))
    except BuildError as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
