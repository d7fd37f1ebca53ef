"""Build the PyInstaller one-folder bundle (installer/pyinstaller/motcua.spec) and check it.

    python installer/build_bundle.py --dist DIST [--work WORK] [--check-only]

The check fails the build, not a commune's PC, when something the program loads at run time is
missing: the three programs, the data files, the Qt plugins it needs (screen, printing, PDF,
virtual keyboard and its QML, speech, multimedia, JPEG), and any shared library an object in the
bundle links to that neither the bundle nor this system provides (``ldd``). Then it runs the
bundled ``motcua`` and starts the bundled desk offscreen for two seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "pyinstaller" / "motcua.spec"
NAME = "motcua-kiosk"
PROGRAMS = ("motcua-kiosk", "motcua", "motcua-sync")
# Relative to the bundle's _internal folder.
REQUIRED = (
    "kiosk_app/_resources/MANIFEST.yaml",
    "kiosk_app/_resources/fonts/NotoSans-Regular.ttf",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
    "PySide6/Qt/plugins/imageformats/libqjpeg.so",
    "PySide6/Qt/plugins/texttospeech",
    "PySide6/Qt/plugins/multimedia",
    "PySide6/Qt/qml/QtQuick/VirtualKeyboard/qmldir",
    "PySide6/Qt/qml/QtQuick/VirtualKeyboard/Layouts",
)


class BundleError(RuntimeError):
    pass


def build(dist: Path, work: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        str(SPEC),
    ]
    proc = subprocess.run(cmd, cwd=HERE.parent, capture_output=True, text=True)
    if proc.returncode:
        tail = "\n".join((proc.stderr or proc.stdout).splitlines()[-30:])
        raise BundleError(f"PyInstaller failed:\n{tail}")
    return dist / NAME


def _objects(root: Path) -> list[Path]:
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = Path(dirpath, f)
            if not p.is_symlink() and (".so" in f or p.parent == root.parent):
                out.append(p)
    return out


def missing_libraries(bundle: Path) -> dict[str, list[str]]:
    """``{object: [library not found, …]}`` over every shared object and program."""
    internal = bundle / "_internal"
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.pathsep.join(
        [str(internal), str(internal / "PySide6" / "Qt" / "lib"), str(internal / "PySide6")]
    )
    problems: dict[str, list[str]] = {}
    for obj in _objects(internal) + [bundle / p for p in PROGRAMS]:
        proc = subprocess.run(["ldd", str(obj)], capture_output=True, text=True, env=env)
        gone = [
            line.split("=>")[0].strip() for line in proc.stdout.splitlines() if "not found" in line
        ]
        if gone:
            problems[str(obj.relative_to(bundle))] = gone
    return problems


# Libraries the bundle may legitimately not find on a build machine: plugins for desktops the
# kiosk does not need (GTK theme, Wayland decorations) load only where those libraries exist.
OPTIONAL_OBJECTS = (
    "platformthemes/libqgtk3.so",
    "wayland",
    "libQt6WaylandClient",
    "libQt6WlShellIntegration",
    "libqeglfs",
    "egldeviceintegrations",
)


def check(bundle: Path) -> None:
    problems = []
    for prog in PROGRAMS:
        if not os.access(bundle / prog, os.X_OK):
            problems.append(f"missing program {prog}")
    internal = bundle / "_internal"
    for rel in REQUIRED:
        if not (internal / rel).exists():
            problems.append(f"missing {rel}")
    for obj, libs in missing_libraries(bundle).items():
        if not any(part in obj for part in OPTIONAL_OBJECTS):
            problems.append(f"{obj}: needs {', '.join(libs)}")
    if problems:
        raise BundleError("bundle incomplete:\n  " + "\n  ".join(problems))
    with tempfile.TemporaryDirectory(prefix="motcua-bundle-") as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        runs = [
            [str(bundle / "motcua"), "catalog", "list", "--data-dir", tmp],
            [str(bundle / "motcua-kiosk"), "--data-dir", tmp, "--quit-after", "2"],
        ]
        for cmd in runs:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
            if proc.returncode:
                raise BundleError(
                    f"{' '.join(cmd[:2])} failed ({proc.returncode}): "
                    f"{(proc.stderr or proc.stdout).strip()[-2000:]}"
                )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dist", type=Path, required=True)
    p.add_argument("--work", type=Path, help="PyInstaller's build folder (default: DIST/../work)")
    p.add_argument("--check-only", action="store_true", help="check an existing bundle")
    args = p.parse_args(argv)
    try:
        bundle = (
            args.dist / NAME
            if args.check_only
            else build(args.dist, args.work or args.dist.parent / "work")
        )
        check(bundle)
    except BundleError as exc:
        print(f"build_bundle: {exc}", file=sys.stderr)
        return 1
    print(bundle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
