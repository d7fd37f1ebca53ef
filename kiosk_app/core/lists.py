"""Option lists for choice fields (``options_from``): the ``ListProvider`` protocol.

Public API:

- ``ListProvider`` — any callable ``(name: str, filter_value: str | None = None) ->
  list[Option]`` that raises ``UnknownList`` (a ``LookupError``) for a name it does not know.
  It may also offer ``names() -> set[str]``, used to check definitions at load time.
- ``StaticLists(mapping, filters=None)`` — a provider over in-memory lists (for tests and
  for a province's own lists); ``filters[name][filter_value]`` gives filtered lists.
- ``ResourceLists(root=None)`` — the default provider: ``resources/lists/<name>.yaml`` plus
  ``provinces`` and ``communes`` (filtered by a province code) from
  ``kiosk_app.core.admin_units`` (or, while that module is missing, straight from
  ``resources/admin_units/*.csv``). Files are read once and cached.
- ``default_lists() -> ResourceLists`` — a shared instance.
- ``ListDataError(source, field, problem)`` — a malformed list file.

List file format (``resources/lists/<name>.yaml``)::

    source: {title: ..., url: ..., retrieved: "YYYY-MM-DD", licence: ...}
    version: "..."
    items:
      - {value: "01", label: {vi: "Kinh", en: "Kinh"}}   # ``code`` is accepted for ``value``
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from kiosk_app.core.form_fields import Option, parse_text
from kiosk_app.core.text import Text
from kiosk_app.resources import load_yaml

__all__ = [
    "ListProvider",
    "UnknownList",
    "ListDataError",
    "StaticLists",
    "ResourceLists",
    "default_lists",
    "list_names",
]

ADMIN_LISTS = ("provinces", "communes")


class UnknownList(LookupError):
    """No list of that name."""


class ListDataError(ValueError):
    def __init__(self, source: str, field: str, problem: str) -> None:
        self.source, self.field, self.problem = source, field, problem
        super().__init__(f"{source}: {field}: {problem}")


class ListProvider(Protocol):
    def __call__(self, name: str, filter_value: str | None = None) -> list[Option]: ...


def list_names(provider: Any) -> set[str] | None:
    """The names a provider knows, when it can tell (``names()``), else None."""
    names = getattr(provider, "names", None)
    return set(names()) if callable(names) else None


def _options(items: Iterable[Any]) -> list[Option]:
    out = []
    for item in items:
        if isinstance(item, Option):
            out.append(item)
        elif isinstance(item, tuple):
            value, label = item
            out.append(Option(str(value), label if isinstance(label, Text) else Text.of(label)))
        else:
            out.append(Option(str(item), Text(str(item), str(item))))
    return out


class StaticLists:
    """Provider over in-memory lists. Items may be ``Option``, ``(value, label)`` or values."""

    def __init__(
        self,
        lists: Mapping[str, Iterable[Any]],
        filters: Mapping[str, Mapping[str, Iterable[Any]]] | None = None,
    ) -> None:
        self._lists = {k: _options(v) for k, v in lists.items()}
        self._filters = {
            name: {key: _options(v) for key, v in by.items()}
            for name, by in (filters or {}).items()
        }

    def names(self) -> set[str]:
        return set(self._lists) | set(self._filters)

    def __call__(self, name: str, filter_value: str | None = None) -> list[Option]:
        if name not in self.names():
            raise UnknownList(name)
        if filter_value is not None and name in self._filters:
            return list(self._filters[name].get(filter_value, []))
        return list(self._lists.get(name, []))


def _load_list_file(path: Path) -> list[Option]:
    src = path.name
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ListDataError(src, "-", f"not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise ListDataError(src, "-", "must be a mapping with source, version, items")
    if not isinstance(data.get("source"), dict):
        raise ListDataError(src, "source", "missing or not a mapping")
    if data.get("version") in (None, ""):
        raise ListDataError(src, "version", "missing")
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise ListDataError(src, "items", "must be a non-empty list")
    out: list[Option] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"items[{i}]"
        if not isinstance(item, dict):
            raise ListDataError(src, where, "must be a mapping {value, label}")
        value = item.get("value", item.get("code"))
        if value is None or isinstance(value, (bool, dict, list)):
            raise ListDataError(src, f"{where}.value", "missing or not a scalar")
        value = str(value)
        if value in seen:
            raise ListDataError(src, f"{where}.value", f"duplicate value {value!r}")
        seen.add(value)
        try:
            label = parse_text(item.get("label"))
        except ValueError as e:
            raise ListDataError(src, f"{where}.label", str(e)) from e
        out.append(Option(value, label))
    return out


class ResourceLists:
    """The default provider over ``resources/lists`` and the administrative units."""

    def __init__(self, root: Path | None = None) -> None:
        if root is None:
            from kiosk_app.resources import resource_path

            root = resource_path()
        self._root = Path(root)
        self._cache: dict[tuple[str, str | None], list[Option]] = {}

    def names(self) -> set[str]:
        folder = self._root / "lists"
        files = {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
        return files | set(ADMIN_LISTS)

    def __call__(self, name: str, filter_value: str | None = None) -> list[Option]:
        key = (name, filter_value if name == "communes" else None)
        if key not in self._cache:
            self._cache[key] = self._load(name, key[1])
        return list(self._cache[key])

    def _load(self, name: str, filter_value: str | None) -> list[Option]:
        if name in ADMIN_LISTS:
            return self._admin(name, filter_value)
        path = self._root / "lists" / f"{name}.yaml"
        if not path.is_file():
            raise UnknownList(name)
        return _load_list_file(path)

    def _admin(self, name: str, province: str | None) -> list[Option]:
        try:
            from kiosk_app.core import admin_units
        except ImportError:
            admin_units = None
        if admin_units is not None:
            if name == "provinces":
                return [Option(p.code, _same(p.name)) for p in admin_units.provinces()]
            if province is None:
                units = [c for p in admin_units.provinces() for c in admin_units.communes(p.code)]
            else:
                units = list(admin_units.communes(province))
            return [Option(c.code, _same(c.name)) for c in units]
        # admin_units not available: read the shipped CSVs directly.
        path = self._root / "admin_units" / f"{name}.csv"
        if not path.is_file():
            return []
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if name == "communes" and province is not None:
            rows = [r for r in rows if r.get("province_code") == province]
        return [Option(r["code"], _same(r["name"])) for r in rows]


def _same(name: Any) -> Text:
    if isinstance(name, Text):
        return name
    return Text(str(name), str(name))


@cache
def default_lists() -> ResourceLists:
    """The shared default provider (reads files lazily, once)."""
    return ResourceLists()
