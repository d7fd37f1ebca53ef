"""Building and checking form definitions (the load-time half of ``kiosk_app.core.forms``).

``build_form(data, source, blocks, lists)`` turns a YAML-loaded dict into ``Field`` trees and
checks it: unknown keys and types, duplicate ids, bad bilingual text, bad expressions (syntax,
unknown function, unknown referenced field), unknown list names, bad ``filter_by``, person
``include``/``required`` ids, and cycles between computed fields. Every problem raises
``FormDefinitionError(source, field_path, problem)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from kiosk_app.core.catalog_shape import shape_problem
from kiosk_app.core.expr import Expr, ExprError, parse
from kiosk_app.core.form_fields import (
    COMMON_KEYS,
    FIELD_TYPES,
    ID_KINDS,
    TYPE_KEYS,
    VALUE_TYPES,
    Field,
    Option,
    Text,
    parse_text,
)
from kiosk_app.core.form_normalize import parse_date_input
from kiosk_app.core.form_refs import check_expr, check_fields, computed_order
from kiosk_app.core.lists import UnknownList, list_names
from kiosk_app.resources import load_yaml

__all__ = ["FormDefinitionError", "BlockProvider", "default_blocks", "build_form"]

BlockProvider = Callable[[str], dict]

_ID = re.compile(r"[a-z][a-z0-9_]*")
_FORM_KEYS = {"id", "version", "source", "title", "description", "sections"}
_SECTION_KEYS = {"id", "title", "help", "relevant", "fields"}
_BLOCK_KEYS = {"id", "version", "source", "title", "fields"}


class FormDefinitionError(ValueError):
    """A bad form definition: ``str()`` is ``"<source>: <field_path>: <problem>"``."""

    def __init__(self, source: str, field_path: str, problem: str) -> None:
        self.source, self.field_path, self.problem = source, field_path, problem
        super().__init__(f"{source}: {field_path}: {problem}")


def default_blocks(name: str) -> dict:
    """``resources/forms/blocks/<name>.yaml`` as a dict; ``KeyError`` when missing."""
    return dict(_read_block(name))


@cache
def _read_block(name: str) -> dict:
    from kiosk_app.resources import resource_path

    if not _ID.fullmatch(name):
        raise KeyError(name)
    path = resource_path("forms", "blocks", f"{name}.yaml")
    if not path.is_file():
        raise KeyError(name)
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise KeyError(name)
    return data


@dataclass(frozen=True)
class BuiltSection:
    id: str
    title: Text
    fields: tuple[Field, ...]
    relevant: Expr | None


@dataclass(frozen=True)
class BuiltForm:
    id: str
    version: str
    source: dict
    title: Text
    sections: tuple[BuiltSection, ...]
    computed_order: tuple[tuple[str, ...], ...]


class _Builder:
    def __init__(self, source: str, blocks: BlockProvider, lists: Any) -> None:
        self.source = source
        self.blocks = blocks
        self.lists = lists
        self.list_names = list_names(lists)

    def fail(self, where: str, problem: str) -> FormDefinitionError:
        return FormDefinitionError(self.source, where or "-", problem)

    # -------------------------------------------------------------- small parsers

    def text(self, data: Any, where: str, optional: bool = False) -> Text | None:
        if data is None and optional:
            return None
        try:
            return parse_text(data)
        except ValueError as e:
            raise self.fail(where, str(e)) from None

    def expr(self, data: Any, where: str) -> Expr | None:
        if data is None:
            return None
        if not isinstance(data, str):
            raise self.fail(where, "expected an expression string")
        try:
            return parse(data)
        except ExprError as e:
            raise self.fail(where, f"bad expression {data!r}: {e}") from None

    def int_key(self, raw: dict, key: str, where: str) -> int | None:
        v = raw.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
            raise self.fail(f"{where}.{key}", "must be a whole number")
        return v

    def has_list(self, name: str) -> bool:
        if self.list_names is not None:
            return name in self.list_names
        try:
            self.lists(name, None)
        except UnknownList:
            return False
        return True

    # -------------------------------------------------------------- fields

    def fields(self, raw: Any, where: str) -> tuple[Field, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(where, "'fields' must be a non-empty list")
        out: list[Field] = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            f = self.field(item, f"{where}[{i}]" if where else f"fields[{i}]")
            if f.id in seen:
                raise self.fail(f"{where}.{f.id}".lstrip("."), f"duplicate field id {f.id!r}")
            seen.add(f.id)
            out.append(f)
        return tuple(out)

    def field(self, raw: Any, where: str) -> Field:
        if not isinstance(raw, dict):
            raise self.fail(where, "a field must be a mapping")
        fid = raw.get("id")
        if not isinstance(fid, str) or not _ID.fullmatch(fid):
            raise self.fail(where, f"bad field id {fid!r} (expected [a-z][a-z0-9_]*)")
        base = re.sub(r"(^fields)?\[\d+\]$", "", where)
        where = f"{base}.{fid}" if base else fid
        ftype = raw.get("type")
        if ftype not in FIELD_TYPES:
            raise self.fail(
                where, f"unknown type {ftype!r} (known: {', '.join(sorted(FIELD_TYPES))})"
            )
        extra = set(raw) - COMMON_KEYS - TYPE_KEYS[ftype]
        if ftype == "person" and "required" in raw:
            extra.discard("required")
        if extra:
            raise self.fail(where, f"unknown keys for type {ftype}: {sorted(extra, key=str)}")
        kw: dict[str, Any] = {
            "id": fid,
            "type": ftype,
            "label": self.text(raw.get("label"), f"{where}.label"),
            "help": self.text(raw.get("help"), f"{where}.help", optional=True),
            "placeholder": self.text(raw.get("placeholder"), f"{where}.placeholder", True),
            "relevant": self.expr(raw.get("relevant"), f"{where}.relevant"),
            "constraint": self.expr(raw.get("constraint"), f"{where}.constraint"),
            "constraint_message": self.text(
                raw.get("constraint_message"), f"{where}.constraint_message", optional=True
            ),
            "default": raw.get("default"),
            "example": raw.get("example"),
        }
        required = raw.get("required", False)
        person_required: list[str] = []
        if ftype == "person" and isinstance(required, list):
            person_required, required = required, False
        if isinstance(required, str):
            kw["required"] = self.expr(required, f"{where}.required")
        elif isinstance(required, bool):
            kw["required"] = required
        else:
            raise self.fail(f"{where}.required", "must be true/false or an expression")
        self.type_keys(ftype, raw, where, kw, person_required)
        return Field(**kw)

    def type_keys(
        self, ftype: str, raw: dict, where: str, kw: dict, person_required: list[str]
    ) -> None:
        if ftype in ("text", "long_text", "email"):
            kw["max_length"] = self.int_key(raw, "max_length", where)
        if ftype == "text":
            pattern = raw.get("pattern")
            if pattern is not None:
                try:
                    re.compile(pattern)
                except (re.error, TypeError) as e:
                    raise self.fail(f"{where}.pattern", f"bad regex: {e}") from None
            kw["pattern"] = pattern
            kw["uppercase"] = bool(raw.get("uppercase", False))
        if ftype in ("integer", "money", "multi_choice", "repeat"):
            kw["min"] = self.int_key(raw, "min", where)
            kw["max"] = self.int_key(raw, "max", where)
        if ftype == "date":
            for key in ("min", "max"):
                v = raw.get(key)
                if v is not None and v != "today" and parse_date_input(str(v)) != str(v):
                    raise self.fail(f"{where}.{key}", "must be an ISO date or 'today'")
                kw[key] = None if v is None else str(v)
        if ftype == "time":
            for key in ("min", "max"):
                v = raw.get(key)
                if v is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(v)):
                    raise self.fail(f"{where}.{key}", "must be HH:MM")
                kw[key] = v
        if kw.get("min") is not None and kw.get("max") is not None and kw["min"] > kw["max"]:
            raise self.fail(where, "min is greater than max")
        if ftype in ("choice", "multi_choice"):
            self.choice_keys(raw, where, kw)
        if ftype == "id_number":
            accept = raw.get("accept", ["cccd", "cmnd"])
            if not isinstance(accept, list) or not accept or set(accept) - ID_KINDS:
                raise self.fail(f"{where}.accept", f"must be a list of {sorted(ID_KINDS)}")
            kw["accept"] = tuple(accept)
        if ftype == "address":
            kw["country"] = bool(raw.get("country", False))
        if ftype == "attachment":
            accept = raw.get("accept", [])
            if not isinstance(accept, list) or not all(
                isinstance(a, str) and "/" in a for a in accept
            ):
                raise self.fail(f"{where}.accept", "must be a list of MIME types like image/*")
            kw["accept"] = tuple(accept)
            kw["max_size"] = _size(
                raw.get("max_size"),
                lambda: self.fail(f"{where}.max_size", "must be bytes or like '5MB'"),
            )
        if ftype == "computed":
            if "expr" not in raw:
                raise self.fail(f"{where}.expr", "a computed field needs 'expr'")
            kw["expr"] = self.expr(raw["expr"], f"{where}.expr")
            vt = raw.get("value_type", "any")
            if vt not in VALUE_TYPES:
                raise self.fail(f"{where}.value_type", f"must be one of {sorted(VALUE_TYPES)}")
            kw["value_type"] = vt
        if ftype == "repeat":
            kw["fields"] = self.fields(raw.get("fields"), where)
        if ftype == "person":
            self.person(raw, where, kw, person_required)

    def choice_keys(self, raw: dict, where: str, kw: dict) -> None:
        has_opts, has_from = "options" in raw, "options_from" in raw
        if has_opts == has_from:
            raise self.fail(where, "give exactly one of 'options' or 'options_from'")
        if has_opts:
            opts = raw["options"]
            if not isinstance(opts, list) or not opts:
                raise self.fail(f"{where}.options", "must be a non-empty list")
            out, seen = [], set()
            for i, o in enumerate(opts):
                ow = f"{where}.options[{i}]"
                if not isinstance(o, dict) or set(o) - {"value", "label"}:
                    raise self.fail(ow, "must be a mapping {value, label}")
                v = o.get("value")
                if v is None or isinstance(v, (bool, list, dict)):
                    raise self.fail(f"{ow}.value", "missing or not a scalar")
                if str(v) in seen:
                    raise self.fail(f"{ow}.value", f"duplicate option {v!r}")
                seen.add(str(v))
                out.append(Option(str(v), self.text(o.get("label"), f"{ow}.label")))
            kw["options"] = tuple(out)
        else:
            name = raw["options_from"]
            if not isinstance(name, str) or not self.has_list(name):
                raise self.fail(f"{where}.options_from", f"unknown list {name!r}")
            kw["options_from"] = name
        fb = raw.get("filter_by")
        if fb is not None and (not isinstance(fb, str) or not has_from):
            raise self.fail(f"{where}.filter_by", "needs options_from and a field path")
        kw["filter_by"] = fb

    def person(self, raw: dict, where: str, kw: dict, required: list[str]) -> None:
        name = raw.get("block", "person")
        try:
            block = self.blocks(name)
        except KeyError:
            raise self.fail(f"{where}.block", f"unknown block {name!r}") from None
        bw = f"block {name}"
        if not isinstance(block, dict) or set(block) - _BLOCK_KEYS:
            raise self.fail(bw, f"a block is a mapping with keys {sorted(_BLOCK_KEYS)}")
        raw_fields = block.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            raise self.fail(bw, "'fields' must be a non-empty list")
        ids = [f.get("id") for f in raw_fields if isinstance(f, dict)]
        include = raw.get("include", ids)
        if not isinstance(include, list) or not include:
            raise self.fail(f"{where}.include", "must be a non-empty list of sub-field ids")
        for sid in include:
            if sid not in ids:
                raise self.fail(f"{where}.include", f"{sid!r} is not a field of block {name!r}")
        for sid in required:
            if sid not in include:
                raise self.fail(f"{where}.required", f"{sid!r} is not included")
        # only the included sub-fields are built, so a list used by an excluded one is not needed
        children = self.fields(
            [f for f in raw_fields if not isinstance(f, dict) or f.get("id") in include], bw
        )
        kw["block"] = name
        kw["fields"] = tuple(
            _replace(c, required=True) if c.id in required else c
            for c in children
            if c.id in include
        )


def _replace(f: Field, **changes: Any) -> Field:
    from dataclasses import replace

    return replace(f, **changes)


def _size(value: Any, fail: Callable[[], Exception]) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    m = re.fullmatch(r"\s*(\d+)\s*(KB|MB|GB)\s*", str(value), re.IGNORECASE)
    if not m:
        raise fail()
    return int(m.group(1)) * 1024 ** {"KB": 1, "MB": 2, "GB": 3}[m.group(2).upper()]


def build_form(data: Any, source: str, blocks: BlockProvider, lists: Any) -> BuiltForm:
    b = _Builder(source, blocks, lists)
    if not isinstance(data, dict):
        raise b.fail("-", "a form must be a mapping")
    shape = shape_problem(data)  # before any recursive walk (YAML anchors, deep nesting)
    if shape:
        raise b.fail("-", shape)
    extra = set(data) - _FORM_KEYS
    if extra:
        raise b.fail("-", f"unknown top-level keys {sorted(extra, key=str)}")
    fid = data.get("id")
    if not isinstance(fid, str) or not _ID.fullmatch(fid):
        raise b.fail("id", f"bad form id {fid!r}")
    stem = source.rsplit("/", 1)[-1]
    if stem.endswith(".yaml") and stem[:-5] != fid:
        raise b.fail("id", f"id {fid!r} must equal the file name {stem[:-5]!r}")
    version = data.get("version")
    if not isinstance(version, (str, int, float)) or isinstance(version, bool) or version == "":
        raise b.fail("version", "missing")
    src = data.get("source")
    if not isinstance(src, dict) or not src.get("title"):
        raise b.fail("source", "must be a mapping with at least a title")
    title = b.text(data.get("title"), "title")
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise b.fail("sections", "must be a non-empty list")
    sections: list[BuiltSection] = []
    seen_sections: set[str] = set()
    top: dict[str, Field] = {}
    for i, rs in enumerate(raw_sections):
        if not isinstance(rs, dict):
            raise b.fail(f"sections[{i}]", "a section must be a mapping")
        sid = rs.get("id")
        if not isinstance(sid, str) or not _ID.fullmatch(sid):
            raise b.fail(f"sections[{i}].id", f"bad section id {sid!r}")
        sw = f"sections.{sid}"
        if sid in seen_sections:
            raise b.fail(sw, f"duplicate section id {sid!r}")
        seen_sections.add(sid)
        if set(rs) - _SECTION_KEYS:
            raise b.fail(sw, f"unknown keys {sorted(set(rs) - _SECTION_KEYS, key=str)}")
        fields = b.fields(rs.get("fields"), "")
        for f in fields:
            if f.id in top:
                raise b.fail(f.id, f"duplicate field id {f.id!r} (ids are unique form-wide)")
            top[f.id] = f
        sections.append(
            BuiltSection(
                sid,
                b.text(rs.get("title"), f"{sw}.title"),
                fields,
                b.expr(rs.get("relevant"), f"{sw}.relevant"),
            )
        )
    for s in sections:
        check_expr(b.fail, s.relevant, f"sections.{s.id}.relevant", (top,), False, s.fields[0])
        check_fields(b.fail, s.fields, "", (top,))
    order = computed_order(b.fail, top)
    return BuiltForm(fid, str(version), dict(src), title, tuple(sections), order)
