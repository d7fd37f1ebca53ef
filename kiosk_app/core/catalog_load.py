"""Loading the catalogue: its files read, checked (:mod:`kiosk_app.core.catalog_check`) and
turned into a :class:`~kiosk_app.core.catalog.Catalog`, or every problem found.

Importable from :mod:`kiosk_app.core.catalog` as before (``load_catalog``,
``validate_catalog``, ``engine_forms_loader``, ``ENGINE``, ``CatalogProblem``); kept apart so a
catalogue served from the cache (:mod:`kiosk_app.core.catalog_cache`) does not import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk_app.core.catalog import Catalog, CatalogError, FormsLoader, Procedure

if TYPE_CHECKING:
    from kiosk_app.core.catalog_check import Checker


@dataclass(frozen=True, slots=True)
class CatalogProblem:
    """One problem: ``file`` relative to the root, ``field`` a path such as ``documents[2].forms``."""

    file: str
    field: str
    problem: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.field}: {self.problem}"
            if self.field
            else f"{self.file}: {self.problem}"
        )


def engine_forms_loader(forms_dir: Path | None = None, *, lists: Any = None) -> FormsLoader:
    """A loader checking forms with the form engine (``FormDefinition.from_dict``).

    Blocks come from ``forms_dir/blocks`` when given (so a province's own copy of the
    resources is checked against its own blocks), else from the engine's default; ``lists``
    is the engine's ListProvider (default: the shipped lists).
    """
    import yaml

    from kiosk_app.core.catalog_shape import shape_problem
    from kiosk_app.core.forms import FormDefinition, default_blocks

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def blocks(name: str) -> dict:
        if not isinstance(name, str) or not _BLOCK_NAME.fullmatch(name):
            raise KeyError(name)  # a name is a file name: never "../"
        path = forms_dir / "blocks" / f"{name}.yaml" if forms_dir else None
        if path is None or not path.is_file():
            return default_blocks(name)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
        if not isinstance(data, dict):
            raise KeyError(name)
        problem = shape_problem(data)
        if problem:
            raise ValueError(f"block {name}: {problem}")
        return data

    def load(data: dict, source: str) -> Any:
        return FormDefinition.from_dict(data, source, blocks=blocks, lists=lists)

    return load


_BLOCK_NAME = re.compile(r"[a-z][a-z0-9_]*")

ENGINE = "engine"
"""Default ``forms_loader``: :func:`engine_forms_loader` over the catalogue's own forms folder."""


def _paths(root: Path | None) -> tuple[Path, Path, Path]:
    """(label base, procedures dir, forms dir) for a resources root or a procedures folder."""
    if root is None:
        from kiosk_app.resources import resource_root

        root = resource_root()
    root = Path(root)
    if (root / "catalog.yaml").is_file() and not (root / "procedures").is_dir():
        return root.parent, root, root.parent / "forms"
    return root, root / "procedures", root / "forms"


def validate_catalog(
    root: Path | None = None, *, forms_loader: FormsLoader | str | None = ENGINE
) -> list[CatalogProblem]:
    """Every problem of the catalogue under ``root`` (empty list when it is valid)."""
    _catalog, problems = _load(root, forms_loader)
    return problems


def load_catalog(
    root: Path | None = None, *, forms_loader: FormsLoader | str | None = ENGINE
) -> Catalog:
    """Load and validate the catalogue under ``root`` (default: the shipped resources).

    ``forms_loader`` validates each referenced form: ``(data, source) -> definition``, raising
    on an invalid form; default: the form engine with this root's blocks and the shipped lists;
    ``None`` skips engine validation (the form file must still exist and parse).
    Raises :class:`CatalogError` listing every problem of every file.
    """
    catalog, problems = _load(root, forms_loader)
    if problems:
        raise CatalogError(problems)
    assert catalog is not None
    return catalog


def _load(
    root: Path | None, forms_loader: FormsLoader | str | None
) -> tuple[Catalog | None, list[CatalogProblem]]:
    base, proc_dir, forms_dir = _paths(root)
    if forms_loader == ENGINE:
        forms_loader = engine_forms_loader(forms_dir)
    # catalog_check builds this module's objects, so it can only be imported once they exist.
    from kiosk_app.core.catalog_check import Checker

    checker = Checker(base)
    catalog = None
    cat_file = proc_dir / "catalog.yaml"
    head = checker.read_yaml(cat_file)
    if head is not None:
        catalog = checker.catalog_head(cat_file, head)
    known_fields = catalog.fields if catalog else {}
    procedures: dict[str, Procedure] = {}
    forms_cache: dict[str, tuple[dict, Any] | None] = {}
    files = sorted(p for p in proc_dir.glob("*.yaml") if p.name != "catalog.yaml")
    if not files and proc_dir.is_dir():
        checker.add(proc_dir, "", "no procedure files (*.yaml)")
    for path in files:
        data = checker.read_yaml(path)
        if data is None:
            continue
        proc = checker.procedure(path, data, known_fields)
        if proc is None:
            continue
        if proc.code in procedures:
            checker.add(
                path, "code", f"duplicate code {proc.code!r} (also in {procedures[proc.code].file})"
            )
            continue
        for i, doc in enumerate(proc.documents):
            if doc.template and not (forms_dir / f"{doc.template}.yaml").is_file():
                checker.add(path, f"documents[{i}].template", f"unknown form {doc.template!r}")
        loaded = _load_form(checker, path, proc.form_id, forms_dir, forms_loader, forms_cache)
        if loaded is not None:
            checker.check_form_refs(path, proc, loaded[0])
            object.__setattr__(proc, "form", loaded[1])
        procedures[proc.code] = proc
    if catalog is None or checker.problems:
        return None, checker.problems
    catalog.procedures = procedures
    return catalog, []


def _load_form(
    checker: Checker,
    proc_path: Path,
    form_id: str,
    forms_dir: Path,
    forms_loader: FormsLoader | None,
    cache: dict[str, tuple[dict, Any] | None],
) -> tuple[dict, Any] | None:
    if form_id in cache:
        return cache[form_id]
    form_path = forms_dir / f"{form_id}.yaml"
    result = None
    if not form_path.is_file():
        checker.add(proc_path, "form", f"unknown form {form_id!r} (no forms/{form_id}.yaml)")
    else:
        data = checker.read_yaml(form_path)
        if data is not None:
            result = (data, data)
            if forms_loader is not None:
                try:
                    result = (data, forms_loader(data, checker.label(form_path)))
                except Exception as exc:  # noqa: BLE001 - any engine error becomes a problem entry
                    checker.problems.extend(_form_problems(exc, checker.label(form_path)))
                    result = None
    cache[form_id] = result
    return result


def _form_problems(exc: Exception, label: str) -> list[CatalogProblem]:
    """The engine's error(s) as problems; ``FormDefinitionError`` carries source/path/problem."""
    errors = getattr(exc, "problems", None) or getattr(exc, "errors", None)
    found = errors if isinstance(errors, list) and errors else [exc]
    out = []
    for err in found:
        if hasattr(err, "field_path") and hasattr(err, "problem"):
            out.append(
                CatalogProblem(getattr(err, "source", "") or label, err.field_path, err.problem)
            )
        else:
            out.append(CatalogProblem(label, "", f"{type(err).__name__}: {err}"))
    return out
