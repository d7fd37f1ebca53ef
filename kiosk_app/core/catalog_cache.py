"""A validated catalogue (and parsed YAML data files), kept between starts so the desk opens
without re-parsing and re-validating them.

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

Split file (start-up: the start screen lists procedures, it does not fill forms). The cache
file holds the catalogue's head and every procedure's plain parts (names, codes, times…) as
pickled data, and each procedure's :data:`~kiosk_app.core.catalog.DEFERRED_PARTS` — fee rule,
document checklist and cases (compiled expressions) and its form (the form engine's
``FormDefinition``, one per form file, shared by the procedures using it) — as separate pickled
blobs, unpickled the first time one of them is read. So a hit imports neither
:mod:`kiosk_app.core.forms` nor the expression language; the first wizard, submission or
receipt imports them (tens of ms, once per process), and unpickling one procedure's parts
then takes well under a millisecond. The blobs are read into memory with the rest of the
file, so a later cache replacement by another process cannot pull them away. Loading a part is
thread-safe (one lock per loaded catalogue): the GUI thread or the TaskRunner's worker may be
first. A blob that cannot be unpickled (which a valid key makes as good as impossible) is
replaced by the same part of a fresh, fully validated :func:`load_catalog`.

Parsed YAML (:func:`load_yaml_cached`): the same idea for the data files read at every start
(the lifecycle, calendar override files, the demo office): keyed by the file's text (and the
Python and package versions), so an edited file is parsed again; a file that does not parse is
never cached and raises exactly what :func:`kiosk_app.resources.load_yaml` raises. This spares
importing and running PyYAML at start-up.

Constraint: pickle runs code from the file it loads, so the cache lives in the kiosk's own data
folder (written only by this user), never in a shared or downloaded location.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from kiosk_app import __version__
from kiosk_app.core.catalog import DEFERRED_PARTS, Catalog, Field, Procedure

CACHE_PREFIX = "catalog-"
CACHE_SUFFIX = ".pickle"
YAML_PREFIX = "yaml-"
_FORMAT = "motcua-catalog-split-1"
_CODE_DIR = Path(__file__).resolve().parent
_PLAIN_PARTS = tuple(f.name for f in dataclasses.fields(Procedure) if f.name not in DEFERRED_PARTS)
_EXPR_PARTS = tuple(n for n in DEFERRED_PARTS if n != "form")


def load_catalog(root: Path | None = None) -> Catalog:
    """The full, validating :func:`kiosk_app.core.catalog.load_catalog` (a cache miss); its
    module, the checker and the form engine are imported only then."""
    from kiosk_app.core.catalog_load import load_catalog as load_and_validate

    return load_and_validate(root)


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
    # A procedures folder given directly has its forms beside it (see catalog_load._paths).
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
    A hit's procedures load their deferred parts on first use (see the module docstring).
    """
    try:
        key = cache_key(root)
    except OSError:
        return load_catalog(root)
    path = Path(cache_dir) / f"{CACHE_PREFIX}{key[:32]}{CACHE_SUFFIX}"
    try:
        with path.open("rb") as fh:
            return _from_cache(pickle.load(fh), root)
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a torn or stale cache is only a miss
        with contextlib.suppress(OSError):
            path.unlink()
    catalog = load_catalog(root)
    _write(path, catalog)
    return catalog


# ---------------------------------------------------------------- split file


class _DeferredParts:
    """The pickled deferred parts of one cached catalogue; :meth:`load` unpickles on demand.

    Thread-safe: one re-entrant lock per catalogue; a part is unpickled once and then stored
    on the procedure, so later reads never come here.
    """

    def __init__(
        self,
        parts: dict[str, bytes],
        forms: list[bytes],
        form_of: dict[str, int],
        root: Path | None,
    ) -> None:
        self._parts = parts  # procedure code -> pickled {fee, documents, cases}
        self._forms = forms  # pickled forms, one per distinct form
        self._form_of = form_of  # procedure code -> index into _forms
        self._loaded_forms: dict[int, Any] = {}
        self._root = root
        self._fresh: Catalog | None = None
        self._lock = threading.RLock()

    def load(self, proc: Procedure, name: str) -> Any:
        with self._lock:
            if name not in proc.__dict__:
                if name == "form":
                    value = self._form(proc)
                    object.__setattr__(proc, "form", value)
                else:
                    for part, value in self._expr_parts(proc).items():
                        object.__setattr__(proc, part, value)
            return proc.__dict__[name]

    def _form(self, proc: Procedure) -> Any:
        index = self._form_of[proc.code]
        if index not in self._loaded_forms:
            try:
                form = pickle.loads(self._forms[index])  # noqa: S301 - our own data folder
            except Exception:  # noqa: BLE001 - only time is lost: validate afresh
                form = self._fresh_catalog().get(proc.code).form
            self._loaded_forms[index] = form
        return self._loaded_forms[index]

    def _expr_parts(self, proc: Procedure) -> dict[str, Any]:
        try:
            values = pickle.loads(self._parts[proc.code])  # noqa: S301 - our own data folder
            if isinstance(values, dict) and set(values) == set(_EXPR_PARTS):
                return values
        except Exception:  # noqa: BLE001 - only time is lost: validate afresh
            pass
        fresh = self._fresh_catalog().get(proc.code)
        return {part: getattr(fresh, part) for part in _EXPR_PARTS}

    def _fresh_catalog(self) -> Catalog:
        if self._fresh is None:
            self._fresh = load_catalog(self._root)
        return self._fresh


def _to_cache(catalog: Catalog) -> tuple:
    head = (catalog.version, catalog.fields, catalog.publisher, catalog.source)
    plain: list[dict[str, Any]] = []
    parts: dict[str, bytes] = {}
    forms: list[bytes] = []
    form_index: dict[int, int] = {}
    form_of: dict[str, int] = {}
    for code, proc in catalog.procedures.items():
        plain.append({name: getattr(proc, name) for name in _PLAIN_PARTS})
        parts[code] = pickle.dumps(
            {name: getattr(proc, name) for name in _EXPR_PARTS}, protocol=pickle.HIGHEST_PROTOCOL
        )
        form = proc.form
        if id(form) not in form_index:
            form_index[id(form)] = len(forms)
            forms.append(pickle.dumps(form, protocol=pickle.HIGHEST_PROTOCOL))
        form_of[code] = form_index[id(form)]
    return (_FORMAT, head, plain, parts, forms, form_of)


def _from_cache(cached: Any, root: Path | None) -> Catalog:
    fmt, head, plain, parts, forms, form_of = cached
    if fmt != _FORMAT:
        raise ValueError("not a split catalogue cache")
    version, fields, publisher, source = head
    if not isinstance(fields, dict) or not all(isinstance(f, Field) for f in fields.values()):
        raise ValueError("bad catalogue head")
    deferred = _DeferredParts(parts, forms, form_of, root)
    procedures: dict[str, Procedure] = {}
    for values in plain:
        if set(values) != set(_PLAIN_PARTS) or values["code"] not in parts:
            raise ValueError("bad procedure entry")
        proc = object.__new__(Procedure)
        proc.__dict__.update(values)
        proc.__dict__["_deferred"] = deferred
        procedures[proc.code] = proc
    if set(procedures) != set(parts) or set(procedures) != set(form_of):
        raise ValueError("procedure entries do not match their parts")
    return Catalog(version, fields, procedures, publisher, source)


def _write(path: Path, catalog: Catalog) -> None:
    try:
        data = _to_cache(catalog)
    except (pickle.PicklingError, TypeError, AttributeError):
        return  # an unpicklable catalogue is served uncached
    _write_atomic(path, data, CACHE_PREFIX)


def _write_atomic(path: Path, data: Any, stale_prefix: str) -> None:
    """Write ``data`` pickled to ``path`` atomically, then remove ``stale_prefix*`` siblings."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cache-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        for old in path.parent.glob(f"{stale_prefix}*{CACHE_SUFFIX}"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a read-only or full disk costs start-up time, nothing else


# ---------------------------------------------------------------- parsed YAML


def load_yaml_cached(path: Path, cache_dir: Path | None) -> Any:
    """``load_yaml(path.read_text(encoding="utf-8"))``, from ``cache_dir`` when a file with
    the same text was parsed before (``cache_dir`` None: no cache).

    Raises what reading (``OSError``, ``UnicodeDecodeError``) and parsing (``yaml.YAMLError``)
    raise; each call returns a new object, so callers may change what they get.
    """
    from kiosk_app.resources import load_yaml

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if cache_dir is None:
        return load_yaml(text)
    h = hashlib.sha256(f"{sys.version}\0{__version__}\0".encode())
    h.update(text.encode("utf-8"))
    # One entry per source file: the path picks the name's stem (so an edited file's old
    # entry is removed), the text picks the entry.
    source = hashlib.sha256(os.path.abspath(path).encode("utf-8")).hexdigest()[:12]
    stem = f"{YAML_PREFIX}{source}-"
    entry = Path(cache_dir) / f"{stem}{h.hexdigest()[:32]}{CACHE_SUFFIX}"
    try:
        with entry.open("rb") as fh:
            cached = pickle.load(fh)  # noqa: S301 - our own data folder
        if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == YAML_PREFIX:
            return cached[1]
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a torn or stale entry is only a miss
        with contextlib.suppress(OSError):
            entry.unlink()
    data = load_yaml(text)
    _write_atomic(entry, (YAML_PREFIX, data), stem)
    return data


def yaml_error() -> type[Exception]:
    """``yaml.YAMLError``, importing PyYAML only when called. Written as
    ``except (OSError, yaml_error()):`` it costs nothing until an exception is being matched
    (Python evaluates an except clause only then), so callers need not import yaml up front."""
    import yaml

    return yaml.YAMLError
