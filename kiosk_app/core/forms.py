"""The form engine: declarative form definitions (docs/forms.md) loaded, checked and run.

Public API:

- ``FormDefinition.from_dict(data, source, *, blocks=None, lists=None) -> FormDefinition`` —
  build and check a definition; raises ``FormDefinitionError(source, field_path, problem)``.
  ``load_form(path_or_id, *, blocks=None, lists=None)`` reads a YAML file (a bare id is
  looked up in ``resources/forms/``).
- ``BlockProvider``: ``(name) -> dict`` (``KeyError`` when unknown); the default reads
  ``resources/forms/blocks/<name>.yaml``. ``ListProvider``: see ``kiosk_app.core.lists``.
- A definition has ``id, version, source, title, sections`` (``Section(id, title, relevant,
  fields)``), ``fields`` (all top-level ``Field``s) and, at run time (``answers`` is the dict
  keyed by top-level field id; nothing here mutates it):
  ``field(path)``, ``normalize(answers)``, ``compute(answers)``, ``is_relevant(path,
  answers)``, ``visible_fields(section_id, answers)``, ``options_for(path, answers)``,
  ``validate(answers, section=None) -> ValidationResult(errors, warnings)``,
  ``prune(answers)``, ``example_answers()``.

Evaluation rules: names resolve in the innermost scope first (a repeat item or person, then
the form); a runtime expression error counts as null (``relevant`` false, ``constraint`` not
checked, ``computed`` null). ``today`` for expressions and ``max: today`` is
``FormDefinition.today`` (a callable, ``date.today`` by default) so tests can pin it.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kiosk_app.core import form_build
from kiosk_app.core.expr import Env, Expr, ExprError, truthy
from kiosk_app.core.form_build import BlockProvider, FormDefinitionError, default_blocks
from kiosk_app.core.form_checks import check_value
from kiosk_app.core.form_fields import Field, Issue, Option, Text, is_empty
from kiosk_app.core.form_messages import MSG
from kiosk_app.core.form_normalize import coerce_computed, normalize_value
from kiosk_app.core.lists import ListProvider, UnknownList, default_lists
from kiosk_app.resources import load_yaml

__all__ = [
    "FormDefinition",
    "FormDefinitionError",
    "Section",
    "ValidationResult",
    "Field",
    "Issue",
    "Option",
    "Text",
    "BlockProvider",
    "ListProvider",
    "load_form",
    "default_blocks",
]

log = logging.getLogger(__name__)

_PATH_PART = re.compile(r"([a-z][a-z0-9_]*)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    fields: tuple[Field, ...]
    relevant: Expr | None = None


@dataclass(frozen=True)
class ValidationResult:
    errors: list[Issue]
    warnings: list[Issue]

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_path(self) -> dict[str, list[Issue]]:
        out: dict[str, list[Issue]] = {}
        for issue in self.errors:
            out.setdefault(issue.path, []).append(issue)
        return out


class _Scope:
    """Field ids visible at one level and the dict holding their values."""

    __slots__ = ("fields", "values")

    def __init__(self, fields: Mapping[str, Field], values: Any) -> None:
        self.fields = fields
        self.values = values if isinstance(values, dict) else {}


def _lookup(scopes: tuple[_Scope, ...]) -> Callable[[str], Any]:
    def lookup(name: str) -> Any:
        for scope in reversed(scopes):
            if name in scope.fields:
                return scope.values.get(name)
        raise KeyError(name)

    return lookup


@dataclass(frozen=True)
class FormDefinition:
    id: str
    version: str
    source: dict
    title: Text
    sections: tuple[Section, ...]
    origin: str = field(default="", compare=False)
    lists: ListProvider = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    today: Callable[[], date] = field(default=date.today, repr=False, compare=False)
    # computed fields as chains of ids from the top, in dependency order
    computed_order: tuple[tuple[str, ...], ...] = field(default=(), repr=False)

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_dict(
        cls,
        data: Any,
        source: str,
        *,
        blocks: BlockProvider | None = None,
        lists: ListProvider | None = None,
        today: Callable[[], date] | None = None,
    ) -> FormDefinition:
        """Build and check a definition (see docs/forms.md). ``source`` names the file in errors."""
        lists = lists if lists is not None else default_lists()
        built = form_build.build_form(data, source, blocks or default_blocks, lists)
        return cls(
            id=built.id,
            version=built.version,
            source=built.source,
            title=built.title,
            sections=tuple(Section(s.id, s.title, s.fields, s.relevant) for s in built.sections),
            origin=source,
            lists=lists,
            today=today or date.today,
            computed_order=built.computed_order,
        )

    # ------------------------------------------------------------------ structure

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    def _top(self) -> dict[str, Field]:
        return {f.id: f for f in self.fields}

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def section_of(self, field_id: str) -> Section:
        for s in self.sections:
            if any(f.id == field_id for f in s.fields):
                return s
        raise KeyError(field_id)

    def field(self, path: str) -> Field:
        """The definition at ``path`` (``mother.full_name``, ``documents[0].fee`` or
        ``documents.fee``); ``KeyError`` if none."""
        fields: tuple[Field, ...] = self.fields
        found: Field | None = None
        for part in path.split("."):
            m = _PATH_PART.fullmatch(part)
            if m is None:
                raise KeyError(path)
            found = next((f for f in fields if f.id == m.group(1)), None)
            if found is None:
                raise KeyError(path)
            fields = found.fields
        if found is None:
            raise KeyError(path)
        return found

    # ------------------------------------------------------------------ evaluation

    def _eval(self, expr: Expr, scopes: tuple[_Scope, ...], self_value: Any = None) -> Any:
        try:
            return expr.evaluate(Env(_lookup(scopes), self_value, self.today()))
        except ExprError as e:
            log.warning("%s: expression %r failed: %s", self.origin, expr.source, e)
            return None

    def _relevant(self, f: Field, scopes: tuple[_Scope, ...]) -> bool:
        return f.relevant is None or truthy(self._eval(f.relevant, scopes)) is True

    def _required(self, f: Field, scopes: tuple[_Scope, ...]) -> bool:
        if isinstance(f.required, Expr):
            return truthy(self._eval(f.required, scopes)) is True
        return bool(f.required)

    def _section_relevant(self, s: Section, answers: dict) -> bool:
        if s.relevant is None:
            return True
        return truthy(self._eval(s.relevant, (_Scope(self._top(), answers),))) is True

    # ------------------------------------------------------------------ normalise / compute

    def normalize(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Answers coerced to their stored types (unknown keys kept). Idempotent."""
        top = self._top()
        return {k: normalize_value(top[k], v) if k in top else v for k, v in answers.items()}

    def compute(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of the answers with every computed field (re)computed, in dependency order."""
        out = copy.deepcopy(dict(answers))
        top = self._top()
        for chain in self.computed_order:
            for container, scopes in self._containers(chain[:-1], out, top):
                f = scopes[-1].fields[chain[-1]]
                container[f.id] = coerce_computed(self._eval(f.expr, scopes), f.value_type)  # type: ignore[arg-type]
        return out

    def _containers(
        self, chain: tuple[str, ...], answers: dict, top: dict[str, Field]
    ) -> list[tuple[dict, tuple[_Scope, ...]]]:
        level: list[tuple[dict, tuple[_Scope, ...]]] = [(answers, (_Scope(top, answers),))]
        for fid in chain:
            nxt = []
            for container, scopes in level:
                f = scopes[-1].fields[fid]
                sub = {c.id: c for c in f.fields}
                value = container.get(fid)
                items = value if f.type == "repeat" and isinstance(value, list) else [value]
                for item in items:
                    if isinstance(item, dict):
                        nxt.append((item, (*scopes, _Scope(sub, item))))
            level = nxt
        return level

    # ------------------------------------------------------------------ relevance

    def is_relevant(self, path: str, answers: Mapping[str, Any]) -> bool:
        """True when the field at ``path`` (indices included for repeats) is shown."""
        answers = self.compute(self.normalize(answers))
        parts = [_PATH_PART.fullmatch(p) for p in path.split(".")]
        if not parts or any(m is None for m in parts):
            raise KeyError(path)
        top = self._top()
        first = parts[0].group(1)  # type: ignore[union-attr]
        if first not in top:
            raise KeyError(path)
        if not self._section_relevant(self.section_of(first), answers):
            return False
        scopes: tuple[_Scope, ...] = (_Scope(top, answers),)
        container: Any = answers
        for m in parts:
            fid, index = m.group(1), m.group(2)  # type: ignore[union-attr]
            f = scopes[-1].fields.get(fid)
            if f is None:
                raise KeyError(path)
            if not self._relevant(f, scopes):
                return False
            value = container.get(fid) if isinstance(container, dict) else None
            if index is not None:
                value = (
                    value[int(index)]
                    if isinstance(value, list) and int(index) < len(value)
                    else None
                )
            scopes = (*scopes, _Scope({c.id: c for c in f.fields}, value))
            container = value
        return True

    def visible_fields(self, section_id: str, answers: Mapping[str, Any]) -> list[Field]:
        """The top-level fields of a section that are relevant now (empty if the section isn't)."""
        answers = self.compute(self.normalize(answers))
        s = self.section(section_id)
        if not self._section_relevant(s, answers):
            return []
        scopes = (_Scope(self._top(), answers),)
        return [f for f in s.fields if self._relevant(f, scopes)]

    def options_for(self, path: str, answers: Mapping[str, Any] | None = None) -> list[Option]:
        """The options of a choice field now (``filter_by`` resolved against ``answers``)."""
        f = self.field(path)
        filter_value = None
        if f.filter_by and answers is not None:
            filter_value = _get_path(self.compute(self.normalize(answers)), path, f.filter_by)
        opts = self._options(f, filter_value if isinstance(filter_value, str) else None)
        return opts or []

    def _options(self, f: Field, filter_value: str | None) -> list[Option] | None:
        if f.options is not None:
            return list(f.options)
        if f.options_from is None:
            return None
        if f.filter_by and filter_value is None:
            return None
        try:
            return self.lists(f.options_from, filter_value)
        except UnknownList:
            return None

    def _address_lists(self, name: str, filter_value: str | None) -> list[Option] | None:
        try:
            return self.lists(name, filter_value)
        except UnknownList:
            return None

    # ------------------------------------------------------------------ validation

    def validate(self, answers: Mapping[str, Any], section: str | None = None) -> ValidationResult:
        """Check answers (normalised and computed first, on a copy). Irrelevant fields are
        skipped. ``section`` limits the check to one section's fields."""
        answers = self.compute(self.normalize(answers))
        result = ValidationResult([], [])
        top = self._top()
        scopes = (_Scope(top, answers),)
        if section is not None:
            self.section(section)  # KeyError for an unknown section
        for s in self.sections:
            if section is not None and s.id != section:
                continue
            if not self._section_relevant(s, answers):
                continue
            for f in s.fields:
                if self._relevant(f, scopes):
                    self._validate_field(f, answers.get(f.id), f.id, scopes, result)
        if section is None:
            for key in answers:
                if key not in top:
                    result.warnings.append(Issue(key, "unknown_field", MSG["unknown_field"]))
        return result

    def _validate_field(
        self, f: Field, value: Any, path: str, scopes: tuple[_Scope, ...], res: ValidationResult
    ) -> None:
        if f.type == "computed":
            return
        if is_empty(value) and not (f.type == "repeat" and isinstance(value, list)):
            if self._required(f, scopes) or (f.type == "repeat" and (f.min or 0) > 0):
                res.errors.append(Issue(path, "required", MSG["required"]))
            if f.type == "person":  # required sub-fields still apply
                self._validate_children(f, {}, path, scopes, res)
            return
        if f.type == "repeat" and not value and self._required(f, scopes):
            res.errors.append(Issue(path, "required", MSG["required"]))
        filter_value = None
        if f.filter_by:
            fv = _resolve(f.filter_by, scopes)
            filter_value = fv if isinstance(fv, str) else None
        errors, warnings = check_value(
            f,
            value,
            lambda fld: self._options(fld, filter_value),
            self.today(),
            self._address_lists,
        )
        for sub, code, msg in errors:
            res.errors.append(Issue(path + sub, code, msg))
        for sub, code, msg in warnings:
            res.warnings.append(Issue(path + sub, code, msg))
        if errors:
            return
        if f.constraint is not None and truthy(self._eval(f.constraint, scopes, value)) is False:
            res.errors.append(Issue(path, "constraint", f.constraint_message or MSG["constraint"]))
        if f.type == "person":
            self._validate_children(f, value, path, scopes, res)
        elif f.type == "repeat":
            for i, item in enumerate(value):
                self._validate_children(f, item, f"{path}[{i}]", scopes, res)

    def _validate_children(
        self, f: Field, item: dict, path: str, scopes: tuple[_Scope, ...], res: ValidationResult
    ) -> None:
        inner = (*scopes, _Scope({c.id: c for c in f.fields}, item))
        for c in f.fields:
            if self._relevant(c, inner):
                self._validate_field(c, item.get(c.id), f"{path}.{c.id}", inner, res)

    # ------------------------------------------------------------------ prune / example

    def prune(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Normalised, computed answers without irrelevant or unknown fields (used at submit)."""
        answers = self.compute(self.normalize(answers))
        top = self._top()
        scopes = (_Scope(top, answers),)
        out: dict[str, Any] = {}
        for s in self.sections:
            if not self._section_relevant(s, answers):
                continue
            for f in s.fields:
                if f.id in answers and self._relevant(f, scopes):
                    out[f.id] = self._prune_value(f, answers[f.id], scopes)
        return out

    def _prune_value(self, f: Field, value: Any, scopes: tuple[_Scope, ...]) -> Any:
        if f.type == "person" and isinstance(value, dict):
            return self._prune_item(f, value, scopes)
        if f.type == "repeat" and isinstance(value, list):
            return [self._prune_item(f, it, scopes) if isinstance(it, dict) else it for it in value]
        return value

    def _prune_item(self, f: Field, item: dict, scopes: tuple[_Scope, ...]) -> dict:
        sub = {c.id: c for c in f.fields}
        inner = (*scopes, _Scope(sub, item))
        return {
            k: self._prune_value(sub[k], v, inner)
            for k, v in item.items()
            if k in sub and self._relevant(sub[k], inner)
        }

    def example_answers(self) -> dict[str, Any]:
        """A complete valid answers dict (first options, plausible values; see form_example)."""
        from kiosk_app.core.form_example import example_answers

        return example_answers(self)


def _resolve(path: str, scopes: tuple[_Scope, ...]) -> Any:
    parts = path.split(".")
    try:
        value = _lookup(scopes)(parts[0])
    except KeyError:
        return None
    for p in parts[1:]:
        value = value.get(p) if isinstance(value, dict) else None
    return value


def _get_path(answers: dict, field_path: str, ref: str) -> Any:
    """Value of ``ref`` as seen from the field at ``field_path`` (item scope first)."""
    container: Any = answers
    containers = [answers]
    for part in field_path.split(".")[:-1]:
        m = _PATH_PART.fullmatch(part)
        if m is None or not isinstance(container, dict):
            break
        container = container.get(m.group(1))
        if m.group(2) is not None:
            idx = int(m.group(2))
            container = (
                container[idx] if isinstance(container, list) and idx < len(container) else None
            )
        if isinstance(container, dict):
            containers.append(container)
    root, *rest = ref.split(".")
    value = next((c[root] for c in reversed(containers) if root in c), None)
    for p in rest:
        value = value.get(p) if isinstance(value, dict) else None
    return value


def load_form(
    path_or_id: str | Path,
    *,
    blocks: BlockProvider | None = None,
    lists: ListProvider | None = None,
    today: Callable[[], date] | None = None,
) -> FormDefinition:
    """Read and check a form YAML file; a bare id means ``resources/forms/<id>.yaml``."""
    path = Path(path_or_id)
    if path.suffix != ".yaml" and path.parent == Path("."):
        from kiosk_app.resources import resource_path

        path = resource_path("forms", f"{path_or_id}.yaml")
    source = path.name
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise FormDefinitionError(source, "-", f"cannot read: {e}") from e
    except (yaml.YAMLError, ValueError) as e:  # ValueError: not UTF-8, "!!int x", 2025-13-45
        raise FormDefinitionError(source, "-", f"not valid YAML: {e}") from e
    return FormDefinition.from_dict(data, source, blocks=blocks, lists=lists, today=today)
