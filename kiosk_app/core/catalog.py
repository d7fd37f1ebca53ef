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

Start-up (bench/startup.py): this module holds what listing the catalogue needs — ``Catalog``,
``Procedure``, ``Field``, ``CatalogError``. The rest is imported from here as before but lives
apart and loads on first use: the procedure parts holding compiled expressions (``FeeRule``,
``DocumentRequirement``, ``Case``: :mod:`kiosk_app.core.catalog_parts`) and loading itself
(``load_catalog``, ``validate_catalog``, ``engine_forms_loader``, ``ENGINE``,
``CatalogProblem``: :mod:`kiosk_app.core.catalog_load`). The form engine
(:mod:`kiosk_app.core.forms` and its expression language, ~35 ms of imports) and PyYAML are
imported where first used too, so a catalogue served from the cache
(:mod:`kiosk_app.core.catalog_cache`) lists its procedures without any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from kiosk_app.core.text import Text
from kiosk_app.core.textfold import fold
from kiosk_app.core.timeunits import ProcessingTime

if TYPE_CHECKING:
    from kiosk_app.core import expr as _expr

    # Re-exported for type checkers; at run time __getattr__ below imports them.
    from kiosk_app.core.catalog_load import (  # noqa: F401
        ENGINE,
        CatalogProblem,
        engine_forms_loader,
        load_catalog,
        validate_catalog,
    )
    from kiosk_app.core.catalog_parts import Case, DocumentRequirement, FeeRule

# Names kept importable from here, defined in the module that needs them (see the docstring).
_PARTS = ("FeeRule", "DocumentRequirement", "Case")
_LOADING = ("CatalogProblem", "ENGINE", "engine_forms_loader", "validate_catalog", "load_catalog")

FormsLoader = Callable[[dict, str], Any]
"""``(form data, source label) -> form definition``; raises on an invalid form."""


def __getattr__(name: str) -> Any:
    # PEP 562: the names in _PARTS and _LOADING, imported on first use (plain import
    # statements, so that packagers see them). ``YAML_LOADER`` (libyaml's safe loader, ~5x
    # faster than the pure-Python one; both build plain data only) likewise, so importing this
    # module does not import yaml.
    if name == "YAML_LOADER":
        import yaml

        return getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if name in _PARTS:
        from kiosk_app.core import catalog_parts as module
    elif name in _LOADING:
        from kiosk_app.core import catalog_load as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


DOCUMENT_FORMS = ("original", "certified_copy", "photocopy")
DOCUMENT_ACTIONS = ("submit", "present")
FEE_TYPES = ("free", "fixed", "provincial", "computed", "expression")
LEVELS = ("xa", "tinh", "trung_uong")


class CatalogError(Exception):
    """The catalogue is invalid. ``problems`` lists every problem found, in file order.

    Built either from a list of :class:`CatalogProblem` or as ``CatalogError(file, field, problem)``.
    """

    def __init__(self, *args: Any) -> None:
        if len(args) == 1 and isinstance(args[0], list):
            problems = list(args[0])
        elif len(args) == 3:
            from kiosk_app.core.catalog_load import CatalogProblem

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
        from kiosk_app.core.forms import FormDefinition

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

    # A procedure served from the catalogue cache (kiosk_app.core.catalog_cache) may arrive
    # without its ``DEFERRED_PARTS``: they stay pickled until first read, so listing the
    # catalogue needs neither the form engine nor the expression language. The instance then
    # holds a ``_deferred`` loader; reading a missing part asks it (thread-safe, once), after
    # which the part is a plain instance attribute like in a freshly loaded procedure.

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails, i.e. for a part not loaded yet.
        deferred = self.__dict__.get("_deferred")
        if deferred is not None and name in DEFERRED_PARTS:
            return deferred.load(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __getstate__(self) -> dict[str, Any]:
        # Pickled or copied whole, as a plain procedure: deferred parts are loaded first.
        if "_deferred" in self.__dict__:
            for name in DEFERRED_PARTS:
                getattr(self, name)
        return {k: v for k, v in self.__dict__.items() if k != "_deferred"}


DEFERRED_PARTS = ("fee", "documents", "cases", "form")
"""The parts of a :class:`Procedure` that hold compiled expressions or the engine's form."""

# ``form`` must be looked up through ``Procedure.__getattr__`` when a cached procedure has not
# loaded it yet, so the class keeps no ``form = None`` attribute (the generated ``__init__``
# keeps its own default; ``cases`` and the others have none at class level already).
del Procedure.form


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
    from kiosk_app.core.expr import Env

    # Unanswered fields read as null: names were checked against the form at load time.
    return compiled.evaluate(Env(values.get, today=today))


def _truthy(compiled: _expr.Expr, env: Mapping[str, Any], today: date | None = None) -> bool:
    from kiosk_app.core.expr import ExprError

    try:
        return _evaluate(compiled, env, today) is True
    except ExprError:
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(
    compiled: _expr.Expr | None, env: Mapping[str, Any], today: date | None = None
) -> int | float:
    if compiled is None:
        return 0
    from kiosk_app.core.expr import ExprError

    try:
        value = _evaluate(compiled, env, today)
    except ExprError:
        return 0
    return value if _is_number(value) else 0
