"""Form field model (used by ``kiosk_app.core.forms``): what a field definition is.

Public API:

- ``Text`` (re-exported from ``kiosk_app.core.text``); ``parse_text(data)`` — strict
  ``{vi, en}`` parsing for definitions.
- ``Option(value: str, label: Text)``.
- ``Issue(path: str, code: str, message: Text)`` — one validation finding.
- ``Field`` — one field definition (immutable); ``fields`` holds the sub-fields of a ``person``
  (the included block fields) or of a ``repeat`` item.
- ``FIELD_TYPES``, ``TYPE_KEYS``, ``COMMON_KEYS``, ``VALUE_TYPES``, ``ID_KINDS``,
  ``ADDRESS_KEYS``, ``ATTACHMENT_KEYS`` — the vocabulary a definition may use.
- ``is_empty(value)`` — the language's ``empty()`` (re-exported from ``expr_funcs``).

Values are handled elsewhere: ``form_normalize.normalize_value`` (typed-in → stored form),
``form_checks.check_value`` (type-specific checks), ``form_messages.MSG`` (bilingual messages),
``form_identity`` (ID-number and phone checks via ``kiosk_app.core.identity``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk_app.core.expr import Expr
from kiosk_app.core.expr_funcs import is_empty
from kiosk_app.core.text import Text

__all__ = [
    "Text",
    "parse_text",
    "Option",
    "Issue",
    "Field",
    "FIELD_TYPES",
    "TYPE_KEYS",
    "COMMON_KEYS",
    "VALUE_TYPES",
    "ID_KINDS",
    "ADDRESS_KEYS",
    "ATTACHMENT_KEYS",
    "is_empty",
]


def parse_text(data: Any) -> Text:
    """Strict ``{vi: ..., en: ...}`` → Text; raises ``ValueError`` naming what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("must be a mapping {vi: ..., en: ...}")
    extra = set(data) - {"vi", "en"}
    if extra:
        raise ValueError(f"unknown keys {sorted(extra, key=str)} (only vi, en)")
    for lang in ("vi", "en"):
        if not isinstance(data.get(lang), str) or not data[lang].strip():
            raise ValueError(f"'{lang}' must be a non-empty string")
    return Text(data["vi"], data["en"])


@dataclass(frozen=True)
class Option:
    value: str
    label: Text


@dataclass(frozen=True)
class Issue:
    """A validation finding at ``path`` (``mother.full_name``, ``documents[1].pages``)."""

    path: str
    code: str
    message: Text


@dataclass(frozen=True)
class Field:
    """One field of a form, a block or a repeat item. Build through ``forms.FormDefinition``."""

    id: str
    type: str
    label: Text
    help: Text | None = None
    placeholder: Text | None = None
    required: bool | Expr = False
    relevant: Expr | None = None
    constraint: Expr | None = None
    constraint_message: Text | None = None
    default: Any = None
    example: Any = None
    max_length: int | None = None
    pattern: str | None = None
    uppercase: bool = False
    min: Any = None
    max: Any = None
    options: tuple[Option, ...] | None = None
    options_from: str | None = None
    filter_by: str | None = None
    accept: tuple[str, ...] = ()
    country: bool = False
    block: str | None = None
    fields: tuple[Field, ...] = ()
    max_size: int | None = None
    expr: Expr | None = None
    value_type: str | None = None

    @property
    def is_scope(self) -> bool:
        """True for ``person`` and ``repeat``: their sub-fields form a name scope."""
        return self.type in ("person", "repeat")

    def child(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)


COMMON_KEYS = frozenset(
    {
        "id",
        "type",
        "label",
        "help",
        "placeholder",
        "required",
        "relevant",
        "constraint",
        "constraint_message",
        "default",
        "example",
    }
)
TYPE_KEYS: dict[str, frozenset[str]] = {
    "text": frozenset({"max_length", "pattern", "uppercase"}),
    "long_text": frozenset({"max_length"}),
    "integer": frozenset({"min", "max"}),
    "money": frozenset({"min", "max"}),
    "boolean": frozenset(),
    "date": frozenset({"min", "max"}),
    "time": frozenset({"min", "max"}),
    "choice": frozenset({"options", "options_from", "filter_by"}),
    "multi_choice": frozenset({"options", "options_from", "filter_by", "min", "max"}),
    "id_number": frozenset({"accept"}),
    "phone": frozenset(),
    "email": frozenset({"max_length"}),
    "address": frozenset({"country"}),
    "person": frozenset({"block", "include"}),
    "repeat": frozenset({"fields", "min", "max"}),
    "attachment": frozenset({"accept", "max_size"}),
    "computed": frozenset({"expr", "value_type"}),
}
FIELD_TYPES = frozenset(TYPE_KEYS)
VALUE_TYPES = frozenset({"text", "integer", "money", "boolean", "date", "number", "any"})
ID_KINDS = frozenset({"cccd", "cmnd", "passport"})
ADDRESS_KEYS = frozenset({"province", "commune", "detail", "legacy", "country"})
ATTACHMENT_KEYS = frozenset({"sha256", "name", "mime", "size"})
