"""Bench: the installer bundle's size, and its start-up against the development install's.

Goal (issue 9): the bundled desk (installer/build_bundle.py, what the .deb and the Windows
installer ship) starts no slower than 1.25 × the development install in the same run, and the
bundle stays under 400 MB on disk. Start-up here is the whole process — loader, imports, Qt,
opening the data folder, building the start screen, the event loop's first turn, shutting down
— of ``motcua-kiosk --quit-after 0.001`` offscreen, medians of runs alternating the two so
machine noise hits both. Both run from compiled bytecode (the bundle's PYZ; the development
install's private, pre-filled bytecode cache), warm page cache (an office PC starts the desk
many times a day; dropping the page cache needs root outside this container's reach).

    /work/venv/bin/python bench/bundle.py [--bundle DIST/motcua-kiosk] [--runs 7]

Without ``--bundle`` it builds one first (~3–5 min on 2 cores), which is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATIO = 1.25
GOAL_MB = 400


def _size_mb(path: Path) -> float:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            p = Path(dirpath, f)
            if not p.is_symlink():
                total += p.stat().st_size
    return total / 1e6


def _time(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    elapsed = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[-800:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, help="an existing bundle folder")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="motcua-bundle-bench-"))
    bundle = args.bundle
    if bundle is None:
        out = subprocess.run(
            [
                sys.executable,
                str(ROOT / "installer" / "build_bundle.py"),
                "--dist",
                str(tmp / "dist"),
                "--work",
                str(tmp / "work"),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        bundle = Path(out.stdout.strip().splitlines()[-1])
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp / "home"),
        "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),
        # the data key as a key file outside the data folder (never this machine's keyring)
        "MOTCUA_KEY_DIR": str(tmp / "keys"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("DISPLAY", None)
    data_dev, data_bundle = tmp / "data-dev", tmp / "data-bundle"
    dev = [sys.executable, "-m", "kiosk_app", "--data-dir", str(data_dev), "--quit-after", "0.001"]
    bundled = [
        str(bundle / "motcua-kiosk"),
        "--data-dir",
        str(data_bundle),
        "--quit-after",
        "0.001",
    ]
    dev_env = {**env, "PYTHONPATH": str(ROOT)}
    # first starts create the stores and fill the bytecode cache: not what a clerk waits for
    _time(dev, dev_env)
    _time(bundled, env)
    dev_times, bundle_times = [], []
    for i in range(args.runs):
        dev_times.append(_time(dev, dev_env))
        bundle_times.append(_time(bundled, env))
        print(
            f"run {i + 1}: bundle {bundle_times[-1]:.3f} s, development {dev_times[-1]:.3f} s",
            file=sys.stderr,
        )
    size = _size_mb(bundle)
    print(f"bundle: {bundle} {size:.0f} MB", file=sys.stderr)
    value, baseline = statistics.median(bundle_times), statistics.median(dev_times)
    ratio = value / baseline
    print(
        json.dumps(
            {
                "bench": "bundle",
                "value": round(value, 3),
                "unit": "s",
                "baseline": round(baseline, 3),
                "ratio": round(ratio, 2),
                "goal": f"bundled desk starts <= {GOAL_RATIO} x the development install; "
                f"bundle < {GOAL_MB} MB",
                "met": ratio <= GOAL_RATIO and size < GOAL_MB,
                "bundle_mb": round(size, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
