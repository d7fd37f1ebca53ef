"""Child process for the crash test: submits dossiers in a loop, reporting each commit.

Prints ``READY`` once set up, then ``COMMITTED <code>`` after each submission's transaction
has committed (flushed at once), until it is killed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk_app.bootstrap import open_kiosk

PROCEDURE = "2.000884"


def main(data_dir: str) -> None:
    kiosk = open_kiosk(Path(data_dir))
    proc = kiosk.catalog.get(PROCEDURE)
    example = proc.example_submission()
    answers, docs = example["answers"], example["documents"]
    print("READY", flush=True)
    while True:
        result = kiosk.intake.submit(PROCEDURE, answers, docs, actor="crash-test")
        sys.stdout.write(f"COMMITTED {result.code}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
