"""Validation of the catalogue's YAML: raw data in, catalogue objects and problems out.

:class:`Checker` turns each file's data into :mod:`kiosk_app.core.catalog` objects, collecting
one :class:`~kiosk_app.core.catalog.CatalogProblem` per problem (file, field path, problem)
instead of stopping at the first, so one run reports everything wrong with the file set.
Loading (which files, which forms) stays in :mod:`kiosk_app.core.catalog`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from kiosk_app.core import expr as _expr
from kiosk_app.core.catalog import (
    DOCUMENT_ACTIONS,
    DOCUMENT_FORMS,
    FEE_TYPES,
    LEVELS,
    YAML_LOADER,
    Case,
    Catalog,
    CatalogProblem,
    DocumentRequirement,
    FeeRule,
    Field,
    Procedure,
)
from kiosk_app.core.catalog_shape import shape_problem
from kiosk_app.core.text import Text
from kiosk_app.core.timeunits import ProcessingTime

__all__ = ["Checker"]

_PROC_KEYS = {
    "code", "local_code", "name", "field", "level", "cases", "processing_time",
    "verification_time", "fee", "documents", "form", "legal_basis", "source", "version",
    "result", "agency", "notes",
}  # fmt: skip
_REQUIRED_PROC_KEYS = (
    "code", "name", "field", "level", "processing_time", "fee", "documents", "form",
    "legal_basis", "source", "version",
)  # fmt: skip
_TIME_KEYS = {"value", "unit", "cutoff", "note"}
_FEE_KEYS = {"type", "amount", "per", "quantity", "field", "expr", "note"}
_DOC_KEYS = {"id", "name", "forms", "count", "required", "template", "action", "note"}
_CASE_KEYS = {"id", "name", "when", "processing_time", "verification_time", "fee"}
_SOURCE_KEYS = ("title", "reference", "retrieved", "licence")
_FILE_ID = re.compile(r"[a-z0-9][a-z0-9_]{0,99}")


class Checker:
    """Collects problems while turning raw YAML into catalogue objects."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.problems: list[CatalogProblem] = []

    def label(self, path: Path) -> str:
        try:
            return path.relative_to(self.base).as_posix()
        except ValueError:
            return path.as_posix()

    def add(self, path: Path, where: str, problem: str) -> None:
        self.problems.append(CatalogProblem(self.label(path), where, problem))

    def read_yaml(self, path: Path) -> dict | None:
        try:
            with path.open(encoding="utf-8") as fh:
                data = yaml.load(fh, Loader=YAML_LOADER)  # noqa: S506 - a safe loader
        except FileNotFoundError:
            self.add(path, "", "file not found")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.add(path, "", f"cannot read: {exc}")
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            self.add(path, where, f"malformed YAML: {reason}")
            return None
        except ValueError as exc:  # PyYAML's constructors: "2025-13-45", "!!int x"
            self.add(path, "", f"malformed YAML: {exc}")
            return None
        if not isinstance(data, dict):
            self.add(path, "", f"expected a mapping at the top, got {type(data).__name__}")
            return None
        shape = shape_problem(data)
        if shape:
            self.add(path, "", shape)
            return None
        self._check_nfc(path, "", data)
        return data

    def _check_nfc(self, path: Path, where: str, value: Any) -> None:
        if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
            self.add(path, where, "text is not NFC-normalised")
        elif isinstance(value, dict):
            for k, v in value.items():
                self._check_nfc(path, f"{where}.{k}" if where else str(k), v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self._check_nfc(path, f"{where}[{i}]", v)

    # -- scalar helpers

    def keys(self, path: Path, where: str, data: dict, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.add(path, _join(where, str(key)), "unknown key")

    def text(self, path: Path, where: str, value: Any, required: bool = True) -> Text | None:
        if value is None and not required:
            return None
        if not isinstance(value, dict) or not all(
            isinstance(value.get(k), str) and value[k].strip() for k in ("vi", "en")
        ):
            self.add(path, where, "expected bilingual text {vi: ..., en: ...} with both filled")
            return None
        return Text(value["vi"].strip(), value["en"].strip())

    def string(self, path: Path, where: str, value: Any, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.add(path, where, f"expected a quoted string, got number {value!r}")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(path, where, "missing" if value is None else "expected a non-empty string")
            return None
        return value.strip()

    def file_id(self, path: Path, where: str, value: Any, required: bool = True) -> str | None:
        """A form id, which names a file ``forms/<id>.yaml``: no "../", no "/", no NUL."""
        text = self.string(path, where, value, required)
        if text is not None and not _FILE_ID.fullmatch(text):
            self.add(path, where, f"{text!r}: a form id has only a-z, 0-9 and _")
            return None
        return text

    def integer(self, path: Path, where: str, value: Any, minimum: int = 0) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, where, f"expected an integer, got {value!r}")
            return None
        if value < minimum:
            self.add(path, where, f"must be >= {minimum}, got {value}")
            return None
        return value

    def expression(self, path: Path, where: str, value: Any) -> _expr.Expr | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, where, "expected an expression string")
            return None
        try:
            return _expr.parse(value)
        except _expr.ExprError as exc:
            self.add(path, where, f"bad expression {value!r}: {exc}")
            return None

    # -- composite parts

    def ptime(self, path: Path, where: str, value: Any) -> ProcessingTime | None:
        from datetime import time

        from kiosk_app.core.timeunits import UNITS

        if not isinstance(value, dict):
            self.add(path, where, "expected {value, unit[, cutoff, note]}")
            return None
        self.keys(path, where, value, _TIME_KEYS)
        unit = value.get("unit")
        if unit not in UNITS:
            self.add(
                path, _join(where, "unit"), f"unknown unit {unit!r} (expected {', '.join(UNITS)})"
            )
            return None
        cutoff = None
        if value.get("cutoff") is not None:
            raw = str(value["cutoff"])
            try:
                hh, mm = raw.split(":")
                cutoff = time(int(hh), int(mm))
            except ValueError:
                self.add(path, _join(where, "cutoff"), f'expected quoted "HH:MM", got {raw!r}')
                return None
        self.text(path, _join(where, "note"), value.get("note"), required=False)
        try:
            return ProcessingTime(value.get("value", 0), unit, cutoff)
        except ValueError as exc:
            self.add(path, _join(where, "value"), str(exc))
            return None

    def fee(self, path: Path, where: str, value: Any) -> FeeRule | None:
        if not isinstance(value, dict):
            self.add(path, where, f"expected a fee rule with type ({', '.join(FEE_TYPES)})")
            return None
        self.keys(path, where, value, _FEE_KEYS)
        kind = value.get("type")
        if kind not in FEE_TYPES:
            self.add(
                path,
                _join(where, "type"),
                f"unknown value {kind!r} (expected {', '.join(FEE_TYPES)})",
            )
            return None
        n = len(self.problems)
        note = self.text(
            path, _join(where, "note"), value.get("note"), required=kind == "provincial"
        )
        amount, quantity, fld, expression = 0, None, None, None
        if kind in ("fixed", "provincial"):
            amount = self.integer(path, _join(where, "amount"), value.get("amount"))
            if value.get("quantity") is not None:
                quantity = self.expression(path, _join(where, "quantity"), value["quantity"])
        elif kind == "computed":
            fld = self.string(path, _join(where, "field"), value.get("field"))
        elif kind == "expression":
            expression = self.expression(path, _join(where, "expr"), value.get("expr"))
        per = self.text(path, _join(where, "per"), value.get("per"), required=False)
        if len(self.problems) > n:
            return None
        return FeeRule(kind, amount or 0, per, quantity, fld, expression, note)

    def document(self, path: Path, where: str, value: Any) -> DocumentRequirement | None:
        if not isinstance(value, dict):
            self.add(path, where, "expected a document mapping")
            return None
        self.keys(path, where, value, _DOC_KEYS)
        n = len(self.problems)
        doc_id = self.string(path, _join(where, "id"), value.get("id"))
        name = self.text(path, _join(where, "name"), value.get("name"))
        forms = value.get("forms")
        if not isinstance(forms, list) or not forms:
            self.add(
                path,
                _join(where, "forms"),
                f"expected a non-empty list of {', '.join(DOCUMENT_FORMS)}",
            )
        else:
            for f in forms:
                if f not in DOCUMENT_FORMS:
                    self.add(
                        path,
                        _join(where, "forms"),
                        f"unknown value {f!r} (expected {', '.join(DOCUMENT_FORMS)})",
                    )
        count = self.integer(path, _join(where, "count"), value.get("count", 1), minimum=1)
        req = value.get("required", True)
        required = (
            req if isinstance(req, bool) else self.expression(path, _join(where, "required"), req)
        )
        template = self.file_id(
            path, _join(where, "template"), value.get("template"), required=False
        )
        action = value.get("action", "submit")
        if action not in DOCUMENT_ACTIONS:
            self.add(
                path,
                _join(where, "action"),
                f"unknown value {action!r} (expected {', '.join(DOCUMENT_ACTIONS)})",
            )
        note = self.text(path, _join(where, "note"), value.get("note"), required=False)
        if len(self.problems) > n:
            return None
        return DocumentRequirement(
            doc_id, name, tuple(forms), count, required, template, action, note
        )  # type: ignore[arg-type]

    def case(self, path: Path, where: str, value: Any) -> Case | None:
        if not isinstance(value, dict):
            self.add(path, where, "expected a case mapping")
            return None
        self.keys(path, where, value, _CASE_KEYS)
        n = len(self.problems)
        case_id = self.string(path, _join(where, "id"), value.get("id"))
        name = self.text(path, _join(where, "name"), value.get("name"))
        when = None
        if value.get("when") is not None:
            when = self.expression(path, _join(where, "when"), value["when"])
        opt = {k: value.get(k) for k in ("processing_time", "verification_time", "fee")}
        pt = (
            self.ptime(path, _join(where, "processing_time"), opt["processing_time"])
            if opt["processing_time"] is not None
            else None
        )
        vt = (
            self.ptime(path, _join(where, "verification_time"), opt["verification_time"])
            if opt["verification_time"] is not None
            else None
        )
        fee = self.fee(path, _join(where, "fee"), opt["fee"]) if opt["fee"] is not None else None
        if len(self.problems) > n:
            return None
        return Case(case_id, name, when, pt, vt, fee)  # type: ignore[arg-type]

    def source(self, path: Path, where: str, value: Any) -> dict:
        if not isinstance(value, dict):
            self.add(path, where, f"expected {{{', '.join(_SOURCE_KEYS)}}}")
            return {}
        for key in _SOURCE_KEYS:
            self.string(path, _join(where, key), value.get(key))
        return dict(value)

    def catalog_head(self, path: Path, data: dict) -> Catalog | None:
        self.keys(path, "", data, {"version", "publisher", "source", "fields", "notes"})
        n = len(self.problems)
        version = self.string(path, "version", data.get("version"))
        publisher = self.text(path, "publisher", data.get("publisher"))
        source = self.source(path, "source", data.get("source"))
        fields: dict[str, Field] = {}
        raw = data.get("fields")
        if not isinstance(raw, list) or not raw:
            self.add(path, "fields", "expected a non-empty list of {id, name}")
        else:
            for i, item in enumerate(raw):
                where = f"fields[{i}]"
                if not isinstance(item, dict):
                    self.add(path, where, "expected {id, name}")
                    continue
                fid = self.string(path, _join(where, "id"), item.get("id"))
                name = self.text(path, _join(where, "name"), item.get("name"))
                if fid and fid in fields:
                    self.add(path, _join(where, "id"), f"duplicate field id {fid!r}")
                elif fid and name:
                    fields[fid] = Field(fid, name)
        if len(self.problems) > n:
            return None
        return Catalog(version or "", fields, {}, publisher, source)

    def procedure(
        self, path: Path, data: dict, known_fields: Mapping[str, Field]
    ) -> Procedure | None:
        n = len(self.problems)
        self.keys(path, "", data, _PROC_KEYS)
        for key in _REQUIRED_PROC_KEYS:
            if key not in data:
                self.add(path, key, "missing")
        code = self.string(path, "code", data.get("code")) if "code" in data else None
        local_code = self.string(path, "local_code", data.get("local_code"), required=False)
        name = self.text(path, "name", data.get("name")) if "name" in data else None
        field_id = None
        fdata = data.get("field")
        if "field" in data:
            if not isinstance(fdata, dict):
                self.add(path, "field", "expected {id, name: {vi, en}}")
            else:
                field_id = self.string(path, "field.id", fdata.get("id"))
                self.text(path, "field.name", fdata.get("name"))
                if field_id and known_fields and field_id not in known_fields:
                    self.add(
                        path,
                        "field.id",
                        f"unknown field {field_id!r} (expected {', '.join(known_fields)})",
                    )
        level = data.get("level")
        if "level" in data and level not in LEVELS:
            self.add(path, "level", f"unknown value {level!r} (expected {', '.join(LEVELS)})")
        pt = (
            self.ptime(path, "processing_time", data["processing_time"])
            if "processing_time" in data
            else None
        )
        vt = None
        if data.get("verification_time") is not None:
            vt = self.ptime(path, "verification_time", data["verification_time"])
        fee = self.fee(path, "fee", data["fee"]) if "fee" in data else None
        documents = self._list(
            path, "documents", data.get("documents"), self.document, required="documents" in data
        )
        cases = self._list(path, "cases", data.get("cases"), self.case, required=False)
        form_id = self.file_id(path, "form", data.get("form")) if "form" in data else None
        legal = data.get("legal_basis")
        if "legal_basis" in data:
            if not isinstance(legal, list) or not legal:
                self.add(path, "legal_basis", "expected a non-empty list")
            else:
                for i, item in enumerate(legal):
                    if not isinstance(item, dict):
                        self.add(path, f"legal_basis[{i}]", "expected {ref, title[, articles]}")
                        continue
                    self.string(path, f"legal_basis[{i}].ref", item.get("ref"))
                    self.text(path, f"legal_basis[{i}].title", item.get("title"))
        source = self.source(path, "source", data.get("source")) if "source" in data else {}
        version = self.string(path, "version", data.get("version")) if "version" in data else None
        processing_note = None
        if isinstance(data.get("processing_time"), dict):
            processing_note = self.text(
                path, "processing_time.note", data["processing_time"].get("note"), required=False
            )
        result = self.text(path, "result", data.get("result"), required=False)
        if len(self.problems) > n:
            return None
        return Procedure(
            code=code, local_code=local_code, name=name, field_id=field_id, level=level,  # type: ignore[arg-type]
            processing_time=pt, verification_time=vt, fee=fee, documents=documents,  # type: ignore[arg-type]
            form_id=form_id, legal_basis=list(legal), source=source, version=version,  # type: ignore[arg-type]
            cases=cases, processing_note=processing_note, result=result, file=self.label(path),
        )  # fmt: skip

    def _list(self, path: Path, where: str, value: Any, parse: Callable, required: bool) -> list:
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.add(path, where, "expected a non-empty list")
            return []
        items = [parse(path, f"{where}[{i}]", v) for i, v in enumerate(value)]
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item is not None and item.id in seen:
                self.add(path, f"{where}[{i}].id", f"duplicate id {item.id!r}")
            elif item is not None:
                seen.add(item.id)
        return [i for i in items if i is not None]

    def check_form_refs(self, path: Path, proc: Procedure, form_data: dict) -> None:
        """Expressions may name only top-level fields of the procedure's form; a ``computed``
        fee rule must name a top-level computed field."""
        top = {
            f.get("id"): f.get("type")
            for s in form_data.get("sections") or []
            if isinstance(s, dict)
            for f in (s.get("fields") or [])
            if isinstance(f, dict)
        }
        rules = [("fee", proc.fee)] + [(f"cases[{i}].fee", c.fee) for i, c in enumerate(proc.cases)]
        exprs: list[tuple[str, Any]] = []
        for where, rule in rules:
            if rule is None:
                continue
            if rule.type == "computed" and top.get(rule.field) != "computed":
                self.add(
                    path,
                    f"{where}.field",
                    f"form {proc.form_id!r} has no top-level computed field {rule.field!r}",
                )
            exprs += [(f"{where}.quantity", rule.quantity), (f"{where}.expr", rule.expr)]
        exprs += [(f"cases[{i}].when", c.when) for i, c in enumerate(proc.cases)]
        exprs += [(f"documents[{i}].required", d.required) for i, d in enumerate(proc.documents)]
        for where, compiled in exprs:
            if not isinstance(compiled, _expr.Expr):
                continue
            for name in sorted(compiled.names):
                root = re.split(r"[.\[]", name, maxsplit=1)[0]
                if name != "." and root not in top:
                    self.add(path, where, f"unknown field {root!r} (not in form {proc.form_id!r})")


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
