"""Where the shipped data files (``resources/``) are, in every way the program is installed.

Order: ``MOTCUA_RESOURCES`` (for tests and provinces that keep their own copy), the copy
inside an installed wheel (``kiosk_app/_resources``), then the source tree's ``resources/``
(editable installs and running from a checkout).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


class ResourcesNotFound(RuntimeError):
    """The data folder is missing: the installation is broken."""


@cache
def resource_root() -> Path:
    override = os.environ.get("MOTCUA_RESOURCES")
    candidates = [Path(override)] if override else []
    candidates += [_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent / "resources"]
    for path in candidates:
        if (path / "MANIFEST.yaml").is_file():
            return path
    raise ResourcesNotFound(
        "resources/ not found (looked in: " + ", ".join(str(p) for p in candidates) + ")"
    )


def resource_path(*parts: str) -> Path:
    """Path of a file or folder under the resources root (it may not exist)."""
    return resource_root().joinpath(*parts)


def load_yaml(text: str) -> object:
    """Parse YAML text safely with libyaml when PyYAML has it (≈10× the pure-Python parser;
    start-up reads some forty data files). Raises ``yaml.YAMLError`` like ``yaml.safe_load``."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
