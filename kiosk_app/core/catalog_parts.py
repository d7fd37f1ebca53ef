"""The parts of a procedure that hold compiled expressions: fee rules, document checklist
lines and cases (trường hợp).

Importable from :mod:`kiosk_app.core.catalog` as before; kept apart so that listing a catalogue
served from the cache (:mod:`kiosk_app.core.catalog_cache`) needs neither these classes nor the
expression language: a procedure's ``fee``, ``documents`` and ``cases`` are unpickled, and this
module imported, when one of them is first read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from kiosk_app.core.catalog import _truthy
from kiosk_app.core.text import Text
from kiosk_app.core.timeunits import ProcessingTime

if TYPE_CHECKING:
    from kiosk_app.core import expr as _expr


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
