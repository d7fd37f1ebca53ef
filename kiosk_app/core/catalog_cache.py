"""A validated catalogue, kept between starts so the desk opens without re-parsing every form.

Loading and validating the shipped catalogue (nine procedures, their forms and blocks) takes
~0.1 s of YAML parsing and form building on a desk PC — most of the clerk desk's start-up time
over a bare Qt window (bench/startup.py). The result depends only on the catalogue's files and
the code that reads them, so it is pickled once per distinct input and reloaded in ~2 ms.

The cache key is a sha256 over: the Python version, the package version, the size and mtime of
every ``kiosk_app/core`` module (a code change invalidates it even in a development checkout),
and the path and bytes of every file under the catalogue's ``procedures/``, ``forms/`` and
``lists/`` folders. A catalogue edited on disk therefore misses the cache and is validated again
in full; an invalid catalogue is never cached. Any failure to read or write the cache falls back
to a plain :func:`~kiosk_app.core.catalog.load_catalog` — the cache can only save time.

Constraint: pickle runs code from the file it loads, so the cache lives in the kiosk's own data
folder (written only by this user), never in a shared or downloaded location.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from kiosk_app import __version__
from kiosk_app.core.catalog import Catalog, load_catalog

CACHE_PREFIX = "catalog-"
CACHE_SUFFIX = ".pickle"
_CODE_DIR = Path(__file__).resolve().parent


def _catalog_root(root: Path | None) -> Path:
    if root is not None:
        return Path(root)
    from kiosk_app.resources import resource_root

    return resource_root()


def cache_key(root: Path | None = None) -> str:
    """The hex key of the catalogue under ``root`` (default: the shipped resources)."""
    base = _catalog_root(root)
    h = hashlib.sha256()
    h.update(f"{sys.version}\0{__version__}\0{base.resolve()}\0".encode())
    for module in sorted(_CODE_DIR.glob("*.py")):
        st = module.stat()
        h.update(f"{module.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    # A procedures folder given directly has its forms beside it (see catalog._paths).
    folders = [base / "procedures", base / "forms", base / "lists"]
    if (base / "catalog.yaml").is_file() and not (base / "procedures").is_dir():
        folders = [base, base.parent / "forms", base.parent / "lists"]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(folder.parent)).encode() + b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def load_catalog_cached(cache_dir: Path, root: Path | None = None) -> Catalog:
    """The validated catalogue under ``root``, from ``cache_dir`` when its files are unchanged.

    Raises :class:`~kiosk_app.core.catalog.CatalogError` exactly as ``load_catalog`` does.
    Safe to call from several processes at once: the cache file is replaced atomically.
    """
    try:
        key = cache_key(root)
    except OSError:
        return load_catalog(root)
    path = Path(cache_dir) / f"{CACHE_PREFIX}{key[:32]}{CACHE_SUFFIX}"
    try:
        with path.open("rb") as fh:
            cached = pickle.load(fh)
        if isinstance(cached, Catalog):
            return cached
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a torn or stale cache is only a miss
        with contextlib.suppress(OSError):
            path.unlink()
    catalog = load_catalog(root)
    _write(path, catalog)
    return catalog


def _write(path: Path, catalog: Catalog) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".catalog-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(catalog, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        for old in path.parent.glob(f"{CACHE_PREFIX}*{CACHE_SUFFIX}"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    except (OSError, pickle.PicklingError):
        pass  # a read-only or full disk costs start-up time, nothing else
