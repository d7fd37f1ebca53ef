"""The procedure catalogue: ``resources/procedures/*.yaml`` loaded, validated and queried.

Layout under a resources root: ``procedures/catalog.yaml`` (bundle version, publisher, source,
fields), ``procedures/<name>.yaml`` (one procedure each), ``forms/<form_id>.yaml`` (declaration
forms, checked by :mod:`kiosk_app.core.forms`). ``root`` may also be the procedures folder itself;
the forms are then looked for in its sibling ``forms/``.

Validation (:mod:`kiosk_app.core.catalog_check`) collects every problem of the whole file set
before raising :class:`CatalogError` (one :class:`CatalogProblem` per problem: file, field path,
problem). Nothing is cached at module level: each :func:`load_catalog` call reads the files
again. Answers are seen through the form engine (``FormDefinition.normalize``/``compute``), so
computed fields such as fees are defined once, in the form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kiosk_app.core import expr as _expr
from kiosk_app.core.forms import FormDefinition, default_blocks
from kiosk_app.core.text import Text
from kiosk_app.core.textfold import fold
from kiosk_app.core.timeunits import ProcessingTime

if TYPE_CHECKING:
    from kiosk_app.core.catalog_check import Checker

FormsLoader = Callable[[dict, str], Any]
"""``(form data, source label) -> form definition``; raises on an invalid form."""

# libyaml's safe loader is ~5x faster than the pure-Python one; both build plain data only.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DOCUMENT_FORMS = ("original", "certified_copy", "photocopy")
DOCUMENT_ACTIONS = ("submit", "present")
FEE_TYPES = ("free", "fixed", "provincial", "computed", "expression")
LEVELS = ("xa", "tinh", "trung_uong")


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


class CatalogError(Exception):
    """The catalogue is invalid. ``problems`` lists every problem found, in file order.

    Built either from a list of :class:`CatalogProblem` or as ``CatalogError(file, field, problem)``.
    """

    def __init__(self, *args: Any) -> None:
        if len(args) == 1 and isinstance(args[0], list):
            problems = list(args[0])
        elif len(args) == 3:
            problems = [CatalogProblem(*args)]
        else:
            raise TypeError("CatalogError(problems) or CatalogError(file, field, problem)")
        self.problems: list[CatalogProblem] = problems
        super().__init__("\n".join(str(p) for p in problems))

    @property
    def file(self) -> str:
        return self.problems[0].file

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def problem(self) -> str:
        return self.problems[0].problem


@dataclass(frozen=True)
class FeeRule:
    """How much a procedure costs, in đồng.

    ``free``: 0. ``fixed``: ``amount`` (times ``quantity`` when given). ``provincial``: set by the
    provincial People's Council; ``amount`` is the configured (demo) figure, ``note`` says so.
    ``computed``: the value of the form's top-level computed field ``field``. ``expression``:
    ``expr`` evaluated over the answers.
    """

    type: str
    amount: int = 0
    per: Text | None = None
    quantity: _expr.Expr | None = None
    field: str | None = None
    expr: _expr.Expr | None = None
    note: Text | None = None


@dataclass(frozen=True)
class DocumentRequirement:
    """One line of the document checklist; ``required`` is a bool or a compiled expression."""

    id: str
    name: Text
    forms: tuple[str, ...]
    count: int
    required: bool | _expr.Expr
    template: str | None = None
    action: str = "submit"
    note: Text | None = None

    def is_required(self, env: Mapping[str, Any], today: date | None = None) -> bool:
        if isinstance(self.required, bool):
            return self.required
        return _truthy(self.required, env, today)


@dataclass(frozen=True)
class Case:
    """A trường hợp: a variant with its own time or fee, chosen by ``when`` over the answers."""

    id: str
    name: Text
    when: _expr.Expr | None
    processing_time: ProcessingTime | None
    verification_time: ProcessingTime | None
    fee: FeeRule | None


@dataclass(frozen=True)
class Field:
    """A lĩnh vực (area of procedures), e.g. ``ho_tich``."""

    id: str
    name: Text


@dataclass(frozen=True)
class Procedure:
    """One administrative procedure (thủ tục hành chính) as the catalogue describes it."""

    code: str
    local_code: str | None
    name: Text
    field_id: str
    level: str
    processing_time: ProcessingTime
    verification_time: ProcessingTime | None
    fee: FeeRule
    documents: list[DocumentRequirement]
    form_id: str
    legal_basis: list[dict]
    source: dict
    version: str
    cases: list[Case] = field(default_factory=list)
    processing_note: Text | None = None
    result: Text | None = None
    form: Any = None
    file: str = ""

    def environment(self, answers: Mapping[str, Any], today: date | None = None) -> dict[str, Any]:
        """The answers as expressions see them: normalised, with the form's computed fields
        (re)computed by the form engine (``today`` pins its ``today()``).

        Without an engine form (loaded with ``forms_loader=None``, ``form`` is then the raw
        data) there is nothing to compute with: the answers are used as given.
        """
        form = self.form
        if not isinstance(form, FormDefinition):
            return dict(answers)
        if today is not None:
            form = replace(form, today=lambda: today)
        return form.compute(form.normalize(answers))

    def case_for(self, answers: Mapping[str, Any], today: date | None = None) -> Case | None:
        """The first case whose ``when`` holds; a case without ``when`` is the fallback."""
        env = self.environment(answers, today)
        fallback = None
        for case in self.cases:
            if case.when is None:
                fallback = fallback or case
            elif _truthy(case.when, env, today):
                return case
        return fallback

    def processing_time_for(
        self, answers: Mapping[str, Any], today: date | None = None
    ) -> ProcessingTime:
        """The case's processing time when it has one, else the procedure's."""
        case = self.case_for(answers, today)
        return case.processing_time if case and case.processing_time else self.processing_time

    def fee_rule_for(self, answers: Mapping[str, Any], today: date | None = None) -> FeeRule:
        """The case's fee rule when it has one, else the procedure's."""
        case = self.case_for(answers, today)
        return case.fee if case and case.fee else self.fee

    def fee_for(self, answers: Mapping[str, Any], today: date | None = None) -> int:
        """The fee in đồng for these answers (0 when an expression yields null).

        ``today`` fixes ``today()`` in expressions (tests, back-dated intake); default: the clock.
        """
        rule = self.fee_rule_for(answers, today)
        env = self.environment(answers, today)
        if rule.type == "free":
            return 0
        if rule.type in ("fixed", "provincial"):
            qty = 1 if rule.quantity is None else _number(rule.quantity, env, today)
            return int(round(rule.amount * qty))
        if rule.type == "computed":
            value = env.get(rule.field or "")
            return int(round(value)) if _is_number(value) else 0
        return int(round(_number(rule.expr, env, today)))

    def required_documents(
        self, answers: Mapping[str, Any], today: date | None = None
    ) -> list[DocumentRequirement]:
        """The checklist lines that apply to these answers, in catalogue order.

        A ``required`` expression that yields null or fails counts as not required.
        """
        env = self.environment(answers, today)
        return [d for d in self.documents if d.is_required(env, today)]

    def example_submission(self) -> dict[str, Any]:
        """A complete, valid submission: the format ``motcua intake submit`` reads.

        ``{"procedure", "answers", "documents", "delivery"}``: the form's example answers and
        every document those answers require, in its first accepted form.
        """
        answers = self.form.example_answers()
        docs = [
            {"id": d.id, "name": d.name.vi, "form": d.forms[0], "count": d.count}
            for d in self.required_documents(answers)
            if d.action == "submit"
        ]
        return {"procedure": self.code, "answers": answers, "documents": docs, "delivery": "desk"}


@dataclass
class Catalog:
    """The loaded catalogue bundle."""

    version: str
    fields: dict[str, Field]
    procedures: dict[str, Procedure]
    publisher: Text | None = None
    source: dict = field(default_factory=dict)

    def get(self, code: str) -> Procedure:
        """The procedure with this national (or local) code; KeyError if none."""
        if code in self.procedures:
            return self.procedures[code]
        for proc in self.procedures.values():
            if proc.local_code and proc.local_code == code:
                return proc
        raise KeyError(code)

    def search(self, text: str) -> list[Procedure]:
        """Procedures whose name (vi/en) or code contains every word of ``text``, ignoring
        case and diacritics (``đ`` matches ``d``). An empty query returns everything."""
        words = fold(text).split()
        hits = []
        for proc in self.procedures.values():
            hay = fold(" ".join([proc.code, proc.local_code or "", proc.name.vi, proc.name.en]))
            if all(w in hay for w in words):
                hits.append(proc)
        return hits

    def by_field(self) -> dict[str, list[Procedure]]:
        """Procedures grouped by field id, fields in catalogue order, procedures by code."""
        groups: dict[str, list[Procedure]] = {fid: [] for fid in self.fields}
        for code in sorted(self.procedures):
            proc = self.procedures[code]
            groups.setdefault(proc.field_id, []).append(proc)
        return groups


# ---------------------------------------------------------------- expression helpers


def _evaluate(compiled: _expr.Expr, values: Mapping[str, Any], today: date | None = None) -> Any:
    # Unanswered fields read as null: names were checked against the form at load time.
    return compiled.evaluate(_expr.Env(values.get, today=today))


def _truthy(compiled: _expr.Expr, env: Mapping[str, Any], today: date | None = None) -> bool:
    try:
        return _evaluate(compiled, env, today) is True
    except _expr.ExprError:
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(
    compiled: _expr.Expr | None, env: Mapping[str, Any], today: date | None = None
) -> int | float:
    if compiled is None:
        return 0
    try:
        value = _evaluate(compiled, env, today)
    except _expr.ExprError:
        return 0
    return value if _is_number(value) else 0


# ---------------------------------------------------------------- loading


def engine_forms_loader(forms_dir: Path | None = None, *, lists: Any = None) -> FormsLoader:
    """A loader checking forms with the form engine (``FormDefinition.from_dict``).

    Blocks come from ``forms_dir/blocks`` when given (so a province's own copy of the
    resources is checked against its own blocks), else from the engine's default; ``lists``
    is the engine's ListProvider (default: the shipped lists).
    """

    def blocks(name: str) -> dict:
        path = forms_dir / "blocks" / f"{name}.yaml" if forms_dir else None
        if path is None or not path.is_file():
            return default_blocks(name)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506
        if not isinstance(data, dict):
            raise KeyError(name)
        return data

    def load(data: dict, source: str) -> Any:
        return FormDefinition.from_dict(data, source, blocks=blocks, lists=lists)

    return load


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
