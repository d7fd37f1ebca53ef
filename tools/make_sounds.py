"""Write the kiosk's sounds into ``resources/sounds/`` (own work, CC0; see its README.md).

``idle_warning.wav``: the idle countdown's warning, a soft two-tone chime (E6 then C6, like a
door bell "ding-dong"), 16-bit PCM, mono, 44.1 kHz, about 1.1 s. Each tone is a sine with two
quiet overtones and an exponential decay, with a 5 ms attack so it starts without a click; the
peak stays at ~45 % of full scale (a public kiosk should not startle anyone).

Pure standard library (``wave``, ``math``), deterministic: running it again writes the same
bytes, so a changed file in a diff means the script changed.

    /work/venv/bin/python tools/make_sounds.py [--out resources/sounds]
"""

from __future__ import annotations

import argparse
import math
import struct
import wave
from pathlib import Path

RATE = 44_100
PEAK = 0.45
ATTACK_S = 0.005


def tone(freq: float, seconds: float, decay: float) -> list[float]:
    """One bell-like note: fundamental + 2nd and 3rd partials, exponential decay."""
    out = []
    for i in range(int(RATE * seconds)):
        t = i / RATE
        env = math.exp(-decay * t) * min(1.0, t / ATTACK_S)
        s = (
            math.sin(2 * math.pi * freq * t)
            + 0.25 * math.sin(2 * math.pi * 2 * freq * t)
            + 0.08 * math.sin(2 * math.pi * 3 * freq * t)
        )
        out.append(env * s)
    return out


def chime() -> list[float]:
    """E6 (1318.5 Hz) for 0.45 s overlapping into C6 (1046.5 Hz) for 0.7 s."""
    first = tone(1318.51, 0.45, 6.0)
    second = tone(1046.50, 0.70, 4.5)
    start = int(RATE * 0.32)  # the second note rings while the first fades
    total = [0.0] * (start + len(second))
    for i, s in enumerate(first):
        total[i] += s
    for i, s in enumerate(second):
        total[start + i] += s
    # a 20 ms fade-out so the file ends on silence, then normalise to PEAK
    fade = int(RATE * 0.02)
    for i in range(fade):
        total[-1 - i] *= i / fade
    top = max(abs(s) for s in total) or 1.0
    return [s / top * PEAK for s in total]


def write_wav(path: Path, samples: list[float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", round(s * 32767)) for s in samples))


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=root / "resources" / "sounds")
    args = parser.parse_args()
    target = args.out / "idle_warning.wav"
    write_wav(target, chime())
    print(f"wrote {target} ({target.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
