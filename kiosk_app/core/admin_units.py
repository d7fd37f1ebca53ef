"""Administrative units after 1 July 2025, and the old (pre-2025) → new mapping.

Two levels since 1 July 2025 (QĐ 19/2025/QĐ-TTg): provinces (2-digit codes) and communes —
xã, phường, đặc khu — (5-digit codes). Codes are strings with their leading zeros ("01",
"00004"), as the national systems write them. People's papers still carry old addresses
(province / district / ward), so :func:`map_legacy` finds the new commune(s) for one.

Data: ``resources/admin_units/`` (converted from the PyPI package ``vietnam-provinces`` by
``tools/convert_admin_units.py``; see the README there). Files are read once, lazily, and
validated; a bad file raises :class:`AdminUnitsDataError` naming the file, the row and the
problem.

Public API::

    provinces() -> list[Province]              province(code) -> Province | None
    communes(province_code=None) -> list[Commune]
    commune(code) -> Commune | None
    search_units(text, limit=50) -> list[Province | Commune]
    map_legacy(province, district=None, ward=None) -> list[Commune]
    legacy_province_codes(province) -> list[str]
    data_version() -> str
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from kiosk_app.core.textfold import fold_key
from kiosk_app.resources import load_yaml, resource_path

__all__ = [
    "AdminUnitsDataError",
    "Commune",
    "Province",
    "commune",
    "communes",
    "data_version",
    "legacy_province_codes",
    "map_legacy",
    "province",
    "provinces",
    "search_units",
]


class AdminUnitsDataError(ValueError):
    """A shipped admin-units file is malformed: names the file, the row and the problem."""

    def __init__(self, file: str, row: int | None, problem: str) -> None:
        self.file, self.row, self.problem = file, row, problem
        where = f"{file}, row {row}" if row is not None else file
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Province:
    """A province or centrally-governed city. ``type``: "tỉnh" or "thành phố trung ương"."""

    code: str
    name: str
    type: str


@dataclass(frozen=True)
class Commune:
    """A commune-level unit. ``type``: "xã", "phường" or "đặc khu"."""

    code: str
    name: str
    type: str
    province_code: str


@dataclass(frozen=True)
class _LegacyWard:
    code: str
    name: str
    district_code: str
    district_name: str
    province_code: str
    new_codes: tuple[str, ...]
    partly: bool


@dataclass
class _Data:
    version: str
    provinces: dict[str, Province]
    communes: dict[str, Commune]
    by_province: dict[str, list[Commune]]
    legacy_provinces: dict[str, tuple[str, tuple[str, ...]]]  # old code -> (name, new codes)
    legacy_wards: list[_LegacyWard]
    search_keys: list[tuple[str, str, Province | Commune]] = field(default_factory=list)


# Unit-type words that people write, abbreviate or leave out. Longest first so that
# "thành phố" wins over "thành", and "thị trấn" over "thị".
_PREFIXES = sorted(
    [
        "thanh pho trung uong",
        "thanh pho",
        "tinh",
        "quan",
        "huyen",
        "thi xa",
        "thi tran",
        "phuong",
        "xa",
        "dac khu",
        "tp.",
        "tp",
        "tx.",
        "tx",
        "tt.",
        "tt",
        "q.",
        "h.",
        "p.",
        "x.",
    ],
    key=len,
    reverse=True,
)
# Names on old papers that differ from the pre-2025 list (folded). Huế became a centrally
# governed city in January 2025; papers issued before say "Thừa Thiên Huế".
_LEGACY_PROVINCE_ALIASES = {"thua thien hue": "46", "hue": "46", "hcm": "79", "sai gon": "79"}


def _bare(name: str, strip_type: bool = True) -> str:
    """Folded name without the unit-type word; numbers lose leading zeros ("Phường 01" = "1")."""
    key = fold_key(name)
    for prefix in _PREFIXES if strip_type else ():
        if key.startswith(prefix + " ") or (prefix.endswith(".") and key.startswith(prefix)):
            key = key[len(prefix) :].strip()
            break
    key = re.sub(r"\s*-\s*", " ", key)  # "Bà Rịa - Vũng Tàu" = "Bà Rịa Vũng Tàu"
    return re.sub(r"\b0+(\d)", r"\1", key)


# ---------------------------------------------------------------------------- loading


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise AdminUnitsDataError(path.name, None, "file missing")
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise AdminUnitsDataError(path.name, 1, f"missing column(s) {', '.join(missing)}")
    rows = []
    for n, row in enumerate(reader, start=2):  # row 1 is the header
        for col in columns:
            if not (row.get(col) or "").strip() and col not in ("new_commune_codes",):
                raise AdminUnitsDataError(path.name, n, f"empty '{col}'")
        rows.append((n, row))
    return rows


def _code(file: str, row: int, value: str, digits: int, what: str) -> str:
    if not re.fullmatch(rf"\d{{{digits}}}", value):
        raise AdminUnitsDataError(file, row, f"{what} {value!r} is not a {digits}-digit code")
    return value


def _load(root: Path) -> _Data:
    version_file = root / "version.yaml"
    try:
        meta = load_yaml(version_file.read_text(encoding="utf-8")) or {}
        version = f"{meta['package']} (data {meta['data_version']})"
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise AdminUnitsDataError("version.yaml", None, f"unreadable: {exc}") from exc

    provs: dict[str, Province] = {}
    for n, r in _read_csv(root / "provinces.csv", ("code", "name", "type")):
        code = _code("provinces.csv", n, r["code"], 2, "code")
        if code in provs:
            raise AdminUnitsDataError("provinces.csv", n, f"duplicate code {code}")
        provs[code] = Province(code, r["name"].strip(), r["type"].strip())

    comms: dict[str, Commune] = {}
    by_province: dict[str, list[Commune]] = {c: [] for c in provs}
    for n, r in _read_csv(root / "communes.csv", ("code", "name", "type", "province_code")):
        code = _code("communes.csv", n, r["code"], 5, "code")
        if code in comms:
            raise AdminUnitsDataError("communes.csv", n, f"duplicate code {code}")
        pcode = r["province_code"]
        if pcode not in provs:
            raise AdminUnitsDataError(
                "communes.csv", n, f"province_code {pcode!r} not in provinces.csv"
            )
        comms[code] = Commune(code, r["name"].strip(), r["type"].strip(), pcode)
        by_province[pcode].append(comms[code])

    legacy_provs: dict[str, tuple[str, tuple[str, ...]]] = {}
    for n, r in _read_csv(root / "legacy_provinces.csv", ("code", "name", "new_province_codes")):
        news = tuple(r["new_province_codes"].split())
        for c in news:
            if c not in provs:
                raise AdminUnitsDataError("legacy_provinces.csv", n, f"unknown new province {c!r}")
        legacy_provs[_code("legacy_provinces.csv", n, r["code"], 2, "code")] = (r["name"], news)

    wards = []
    cols = ("code", "name", "district_code", "district_name", "province_code", "new_commune_codes")
    for n, r in _read_csv(root / "legacy_wards.csv.gz", (*cols, "partly")):
        news = tuple(r["new_commune_codes"].split())
        for c in news:
            if c not in comms:
                raise AdminUnitsDataError("legacy_wards.csv.gz", n, f"unknown new commune {c!r}")
        if r["province_code"] not in legacy_provs:
            raise AdminUnitsDataError(
                "legacy_wards.csv.gz",
                n,
                f"province_code {r['province_code']!r} not in legacy_provinces.csv",
            )
        wards.append(
            _LegacyWard(
                r["code"],
                r["name"],
                r["district_code"],
                r["district_name"],
                r["province_code"],
                news,
                r["partly"] == "1",
            )
        )

    data = _Data(version, provs, comms, by_province, legacy_provs, wards)
    for unit in [*provs.values(), *comms.values()]:
        data.search_keys.append((fold_key(unit.name), _bare(unit.name), unit))
    return data


@cache
def _data() -> _Data:
    return _load(resource_path("admin_units"))


# ---------------------------------------------------------------------------- lookups


def data_version() -> str:
    """Which data is loaded, e.g. ``"vietnam-provinces 2026.9.0 (data 2026-09-20)"``."""
    return _data().version


def provinces() -> list[Province]:
    """All provinces, in official code order."""
    return list(_data().provinces.values())


def province(code: str | int) -> Province | None:
    """The province with this code ("46" or 46), or None."""
    return _data().provinces.get(_norm_code(code, 2))


def communes(province_code: str | int | None = None) -> list[Commune]:
    """All communes in code order, or those of one province (empty list for an unknown one)."""
    data = _data()
    if province_code is None:
        return list(data.communes.values())
    return list(data.by_province.get(_norm_code(province_code, 2), []))


def commune(code: str | int) -> Commune | None:
    """The commune with this code ("20179" or 20179), or None."""
    return _data().communes.get(_norm_code(code, 5))


def _norm_code(code: str | int, digits: int) -> str:
    text = str(code).strip()
    return text.zfill(digits) if text.isdigit() else text


def search_units(text: str, limit: int = 50) -> list[Province | Commune]:
    """Provinces and communes whose name matches ``text``, best first.

    Case-, diacritic- and đ-insensitive ("dak lak" finds "Tỉnh Đắk Lắk"); the unit-type
    word is optional. Order: exact name, name starting with the text, a word starting with
    it, then anywhere; provinces before communes at the same rank. Empty text finds nothing.
    """
    query = fold_key(text)
    if not query:
        return []
    bare_q = _bare(text)
    plain_q = _bare(text, strip_type=False)
    exact_q = " ".join(unicodedata.normalize("NFC", text).lower().split())
    ranked: list[tuple[int, int, str, Province | Commune]] = []
    for full, bare, unit in _data().search_keys:
        if query in (full, bare) or bare in (bare_q, plain_q):
            rank = 0
        elif bare.startswith(query) or full.startswith(query) or bare.startswith(bare_q):
            rank = 1
        elif f" {query}" in f" {full}":
            rank = 2
        elif query in full:
            rank = 3
        else:
            continue
        # With the same folded match, a name spelt exactly as typed (diacritics and all) first.
        spelt = 0 if exact_q in unit.name.lower() else 1
        kind = 0 if isinstance(unit, Province) else 1
        ranked.append((rank, spelt, kind, unit.code, unit))
    ranked.sort(key=lambda t: t[:4])
    return [t[4] for t in ranked[:limit]]


# ---------------------------------------------------------------------------- old → new


def legacy_province_codes(name_or_code: str | int) -> list[str]:
    """Pre-2025 province codes matching a name ("Thừa Thiên Huế", "tp hcm") or a code."""
    data = _data()
    text = str(name_or_code).strip()
    if text.isdigit():
        code = text.zfill(2)
        return [code] if code in data.legacy_provinces else []
    key, bare = fold_key(text), _bare(text)
    for alias in (key, bare, bare.replace(" ", "")):
        if alias in _LEGACY_PROVINCE_ALIASES:
            return [_LEGACY_PROVINCE_ALIASES[alias]]
    exact = [c for c, (n, _) in data.legacy_provinces.items() if fold_key(n) == key]
    return exact or [c for c, (n, _) in data.legacy_provinces.items() if _bare(n) == bare]


def _match(names: Iterable[tuple[str, str]], given: str) -> set[str]:
    """Codes whose name equals ``given`` folded; failing that, equal without the type word."""
    pairs = list(names)
    key = fold_key(given)
    exact = {code for code, name in pairs if fold_key(name) == key}
    if exact:
        return exact
    # "Quan Hoa" may be a ward's bare name, not "Quận Hoa": try the input with and without
    # its first word taken as a type word.
    wanted = {_bare(given), _bare(given, strip_type=False)}
    return {code for code, name in pairs if _bare(name) in wanted}


def map_legacy(
    province_name_or_code: str | int, district: str | None = None, ward: str | None = None
) -> list[Commune]:
    """The post-2025 commune(s) covering an old (pre-July-2025) address.

    ``province_name_or_code`` is the old province ("Thừa Thiên Huế", "Tỉnh Quảng Nam", "49");
    ``district`` and ``ward`` are old names; the type word ("Huyện", "Thành phố", "Xã", "P.")
    may be left out, and case, diacritics and đ do not matter. An old ward split between
    several new communes gives all of them. With no ward, every new commune that took in a
    ward of the district is returned; with no district, the ward is looked for in the whole
    old province. Unknown or ambiguous-to-nothing input gives an empty list; results are
    unique and in code order.
    """
    data = _data()
    pcodes = set(legacy_province_codes(province_name_or_code))
    wards = [w for w in data.legacy_wards if w.province_code in pcodes]
    if district and district.strip():
        dcodes = _match({(w.district_code, w.district_name) for w in wards}, district)
        wards = [w for w in wards if w.district_code in dcodes]
    if ward and ward.strip():
        wcodes = _match({(w.code, w.name) for w in wards}, ward)
        wards = [w for w in wards if w.code in wcodes]
    elif not (district and district.strip()):
        return []  # a whole old province is not an address
    codes = sorted({c for w in wards for c in w.new_codes})
    return [data.communes[c] for c in codes]


def map_legacy_address(text: str) -> list[Commune]:
    """Post-2025 commune(s) for an old one-line address, as printed on old papers and chip-card
    QR codes: "thôn 3, Xã Hương Xuân, Huyện Phú Lộc, Thừa Thiên Huế".

    The last three comma-separated parts are read as ward, district, province (the last two
    when only two remain, as district and province). Empty when nothing matches.
    """
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if len(parts) >= 3:
        return map_legacy(parts[-1], parts[-2], parts[-3])
    if len(parts) == 2:
        return map_legacy(parts[-1], parts[-2])
    return []
