"""Validation of resources/receipts/*.yaml for :mod:`kiosk_app.receipts.layout`.

Each function reads one part of one file and raises :class:`ReceiptLayoutError` with the file
and dotted field of the first problem; nothing here guesses a default for a broken value.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from kiosk_app.receipts.errors import ReceiptLayoutError
from kiosk_app.receipts.layout import (
    A_PAPERS,
    ALLOWED_TAGS,
    ALWAYS_WORDS,
    COMMON_MAPS,
    COMMON_WORDS,
    FILES,
    KINDS,
    LIST_WORDS,
    OPTIONAL_WORDS,
    PART_WORDS,
    SPECIAL_FIELDS,
    TAG_RE,
    TEXT_FIELDS,
    FontSizes,
    HeaderSpec,
    PaperSpec,
    ReceiptLayout,
    SlipSpec,
    Wording,
)
from kiosk_app.resources import load_yaml


def _read(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReceiptLayoutError(name, "", f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise ReceiptLayoutError(name, where, f"malformed YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ReceiptLayoutError(name, "", "expected a mapping at the top")
    return data


def build_layout(folder: Path) -> ReceiptLayout:
    layout_data, wording_data, header_data = (_read(folder, n) for n in FILES)
    lay = _Checker("layout.yaml")
    lay.keys(layout_data, "", {"papers", "slip80", "qr", "parts", "documents_columns"}, {"source"})
    papers_data = lay.mapping(layout_data, "papers")
    for name in A_PAPERS:
        lay.mapping(papers_data, name, "papers")
    lay.keys(papers_data, "papers", set(A_PAPERS), set())
    papers = {name: _paper(lay, name, papers_data[name]) for name in A_PAPERS}
    slip = _slip(lay, lay.mapping(layout_data, "slip80"))
    qr = lay.mapping(layout_data, "qr")
    lay.keys(qr, "qr", {"error_correction", "border_modules"}, set())
    ec = qr["error_correction"]
    if ec not in ("L", "M", "Q", "H"):
        lay.fail("qr.error_correction", f"must be L, M, Q or H, not {ec!r}")
    border = int(lay.number(qr, "border_modules", "qr", 1, 10, integer=True))
    parts = _parts(lay, lay.mapping(layout_data, "parts"))
    cols = layout_data["documents_columns"]
    if (
        not isinstance(cols, list)
        or len(cols) != 4
        or not all(isinstance(c, int | float) and c > 0 for c in cols)
    ):
        lay.fail("documents_columns", "must be 4 positive width shares (TT, name, form, count)")
    total = float(sum(cols))
    wording = _wording(wording_data, parts)
    header = _header(header_data)
    return ReceiptLayout(
        papers=papers,
        slip=slip,
        qr_error_correction=ec,
        qr_border=border,
        parts=parts,
        documents_columns=tuple(float(c) / total for c in cols),
        wording=wording,
        header=header,
        folder=folder,
    )


class _Checker:
    """Small typed accessors that raise ReceiptLayoutError naming this file and the field."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, field: str, problem: str) -> None:
        raise ReceiptLayoutError(self.file, field, problem)

    @staticmethod
    def join(parent: str, key: str) -> str:
        return f"{parent}.{key}" if parent else key

    def keys(self, data: Mapping[str, Any], where: str, required: set, optional: set) -> None:
        for key in sorted(required):
            if key not in data:
                self.fail(self.join(where, key), "missing")
        for key in data:
            if key not in required and key not in optional:
                self.fail(self.join(where, str(key)), "unknown key")

    def mapping(self, data: Mapping[str, Any], key: str, where: str = "") -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.fail(self.join(where, key), "missing or not a mapping")
        return value

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        low: float,
        high: float,
        *,
        integer: bool = False,
    ) -> float:
        field = self.join(where, key)
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(field, f"must be a number, not {value!r}")
        if integer and not float(value).is_integer():
            self.fail(field, f"must be a whole number, not {value!r}")
        if not low <= value <= high:
            self.fail(field, f"{value} is outside {low}–{high}")
        return float(value)

    def text(self, data: Mapping[str, Any], key: str, where: str, *, empty: bool = True) -> str:
        field = self.join(where, key)
        value = data.get(key)
        if not isinstance(value, str):
            self.fail(field, f"must be text, not {type(value).__name__}")
        if not empty and not value.strip():
            self.fail(field, "must not be empty")
        if unicodedata.normalize("NFC", value) != value:
            self.fail(field, "text is not NFC-normalised")
        return value

    def fonts(self, data: Mapping[str, Any], where: str, minimum: float) -> FontSizes:
        fonts = self.mapping(data, "fonts", where)
        names = ("body", "small", "header", "title", "code")
        self.keys(fonts, self.join(where, "fonts"), set(names), set())
        sizes = [self.number(fonts, n, self.join(where, "fonts"), minimum, 40) for n in names]
        return FontSizes(*sizes)


def _paper(c: _Checker, name: str, data: dict[str, Any]) -> PaperSpec:
    where = f"papers.{name}"
    c.keys(
        data,
        where,
        {"size_mm", "margins_mm", "fonts", "leading", "header_left_share", "qr_module_mm"},
        {"qr_min_mm", "signature_space_mm"},
    )
    size = data["size_mm"]
    if not (
        isinstance(size, list)
        and len(size) == 2
        and all(isinstance(v, int | float) and 50 <= v <= 600 for v in size)
    ):
        c.fail(f"{where}.size_mm", "must be [width, height] in mm, each 50–600")
    margins = c.mapping(data, "margins_mm", where)
    c.keys(margins, f"{where}.margins_mm", {"top", "bottom", "left", "right"}, set())
    m = {k: c.number(margins, k, f"{where}.margins_mm", 0, 60) for k in margins}
    if size[0] - m["left"] - m["right"] < 80:
        c.fail(f"{where}.margins_mm", "leave less than 80 mm of width for the text")
    return PaperSpec(
        name=name,
        width_mm=float(size[0]),
        height_mm=float(size[1]),
        top_mm=m["top"],
        bottom_mm=m["bottom"],
        left_mm=m["left"],
        right_mm=m["right"],
        fonts=c.fonts(data, where, 6),
        leading=c.number(data, "leading", where, 1.0, 2.5),
        header_left_share=c.number(data, "header_left_share", where, 0.2, 0.6),
        qr_module_mm=c.number(data, "qr_module_mm", where, 0.3, 2.0),
        qr_min_mm=c.number(data, "qr_min_mm", where, 10, 80) if "qr_min_mm" in data else 18,
        # room to sign by hand: below 8 mm a signature overwrites the printed name hint
        signature_space_mm=(
            c.number(data, "signature_space_mm", where, 8, 60)
            if "signature_space_mm" in data
            else 18
        ),
    )


def _slip(c: _Checker, data: dict[str, Any]) -> SlipSpec:
    where = "slip80"
    c.keys(
        data,
        where,
        {
            "width_mm",
            "printable_mm",
            "margins_mm",
            "min_height_mm",
            "dpi",
            "qr_module_dots",
            "fonts",
            "leading",
        },
        set(),
    )
    width = c.number(data, "width_mm", where, 48, 120)
    printable = c.number(data, "printable_mm", where, 40, 120)
    if printable > width:
        c.fail(f"{where}.printable_mm", f"{printable} mm is wider than the roll ({width} mm)")
    margins = c.mapping(data, "margins_mm", where)
    c.keys(margins, f"{where}.margins_mm", {"top", "bottom"}, set())
    return SlipSpec(
        width_mm=width,
        printable_mm=printable,
        top_mm=c.number(margins, "top", f"{where}.margins_mm", 0, 30),
        bottom_mm=c.number(margins, "bottom", f"{where}.margins_mm", 0, 40),
        min_height_mm=c.number(data, "min_height_mm", where, 20, 1000),
        dpi=int(c.number(data, "dpi", where, 150, 600, integer=True)),
        # below 3 dots a module is too small for phone cameras on thermal paper
        qr_module_dots=int(c.number(data, "qr_module_dots", where, 3, 12, integer=True)),
        # thermal print below 8 pt smudges into illegibility
        fonts=c.fonts(data, where, 8),
        leading=c.number(data, "leading", where, 1.0, 2.5),
    )


def _parts(c: _Checker, data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    c.keys(data, "parts", set(KINDS), set())
    out = {}
    for kind in KINDS:
        seq = data[kind]
        if not isinstance(seq, list) or not seq or not all(isinstance(p, str) for p in seq):
            c.fail(f"parts.{kind}", "must be a non-empty list of part names")
        for i, part in enumerate(seq):
            if part not in PART_WORDS[kind]:
                known = ", ".join(PART_WORDS[kind])
                c.fail(f"parts.{kind}[{i}]", f"unknown part {part!r} (known: {known})")
        if len(set(seq)) != len(seq):
            c.fail(f"parts.{kind}", "a part is listed twice")
        out[kind] = tuple(seq)
    return out


def _wording(data: dict[str, Any], parts: Mapping[str, tuple[str, ...]]) -> Wording:
    c = _Checker("wording.yaml")
    c.keys(data, "", {"common", *KINDS}, {"source"})
    common = c.mapping(data, "common")
    c.keys(common, "common", set(COMMON_WORDS) | set(COMMON_MAPS), set())
    for key in COMMON_WORDS:
        _template(c, common, key, "common")
    for key, needed in COMMON_MAPS.items():
        value = c.mapping(common, key, "common")
        for sub in needed:
            if sub not in value:
                c.fail(f"common.{key}.{sub}", "missing")
        for sub in value:
            c.text(value, sub, f"common.{key}", empty=False)
    sections: dict[str, Mapping[str, Any]] = {"common": common}
    for kind in KINDS:
        section = c.mapping(data, kind)
        needed = set(ALWAYS_WORDS.get(kind, ()))
        for part in parts[kind]:
            needed |= set(PART_WORDS[kind][part])
        every = {w for ws in PART_WORDS[kind].values() for w in ws} | set(
            ALWAYS_WORDS.get(kind, ())
        )
        c.keys(section, kind, needed, (every - needed) | set(OPTIONAL_WORDS.get(kind, ())))
        for key in section:
            if key in LIST_WORDS:
                seq = section[key]
                if not isinstance(seq, list) or not seq:
                    c.fail(f"{kind}.{key}", "must be a non-empty list of texts")
                for i, item in enumerate(seq):
                    c.text({i: item}, i, f"{kind}.{key}", empty=False)
                if key == "documents_columns" and len(seq) != 4:
                    c.fail(f"{kind}.{key}", "must name the 4 columns: TT, name, form, count")
            else:
                _template(c, section, key, kind)
        sections[kind] = section
    return Wording(sections)


def _template(c: _Checker, data: Mapping[str, Any], key: str, where: str) -> str:
    field = c.join(where, key)
    text = c.text(data, key, where)
    allowed = SPECIAL_FIELDS.get(field, TEXT_FIELDS)
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        c.fail(field, f"bad placeholder braces: {exc}")
    for _literal, name, spec, conv in parsed:
        if name is None:
            continue
        if name not in allowed:
            c.fail(field, f"unknown placeholder {{{name}}} (allowed: {', '.join(sorted(allowed))})")
        if spec or conv:
            c.fail(field, f"placeholder {{{name}}} takes no format or conversion")
    for match in TAG_RE.finditer(text):
        if match.group(2).lower() not in ALLOWED_TAGS:
            c.fail(field, f"markup {match.group(0)!r} not allowed (only <b>, <i>, <u>, <br/>)")
    return text


def _header(data: dict[str, Any]) -> HeaderSpec:
    c = _Checker("header.yaml")
    c.keys(
        data,
        "",
        {"agency_lines", "unit_name", "place", "lookup_address", "hotline"},
        {"source"},
    )
    lines = data["agency_lines"]
    if not isinstance(lines, list) or not lines:
        c.fail("agency_lines", "must be a non-empty list of {text, bold}")
    out = []
    for i, line in enumerate(lines):
        where = f"agency_lines[{i}]"
        if not isinstance(line, dict):
            c.fail(where, "must be a mapping {text, bold}")
        c.keys(line, where, {"text"}, {"bold"})
        _template(c, line, "text", where)
        if not isinstance(line.get("bold", False), bool):
            c.fail(f"{where}.bold", "must be true or false")
        out.append((line["text"], bool(line.get("bold", False))))
    for key in ("unit_name", "place", "lookup_address", "hotline"):
        _template(c, data, key, "")
    return HeaderSpec(
        agency_lines=tuple(out),
        unit_name=data["unit_name"],
        place=data["place"],
        lookup_address=data["lookup_address"],
        hotline=data["hotline"],
    )
