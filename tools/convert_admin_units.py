"""Convert the data of the PyPI package ``vietnam-provinces`` into resources/admin_units/.

The package needs Python >= 3.12, so it is never imported: its wheel is unzipped and its data
read as text (the current units from ``data/nested-divisions.json``; the pre-2025 units and the
old -> new ward table from its generated Python modules, parsed with ``ast`` — never executed).

Usage::

    python tools/convert_admin_units.py path/to/vietnam_provinces-X.Y.Z-py3-none-any.whl

Writes provinces.csv, communes.csv, legacy_provinces.csv, legacy_wards.csv.gz and
version.yaml into resources/admin_units/ (the README there is written by hand).
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import gzip
import io
import json
import sys
import unicodedata
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "resources" / "admin_units"


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s).strip()


def read(zf: zipfile.ZipFile, name: str) -> str:
    return zf.read(f"vietnam_provinces/{name}").decode("utf-8")


def dict_assignment(source: str, target: str) -> ast.Dict:
    """The dict literal assigned to module-level name ``target``."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            names = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(n, ast.Name) and n.id == target for n in names):
                assert isinstance(node.value, ast.Dict), target
                return node.value
    raise SystemExit(f"{target} not found")


def arg(node: ast.expr) -> object:
    """Value of a call argument: a literal, or an enum member like ProvinceCode.P_01 -> 1."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Attribute):
        member = node.attr
        if member[:2] in ("P_", "D_", "W_"):
            return int(member[2:])
        return member  # VietNamDivisionType.X: kept as the name, unused
    raise ValueError(ast.dump(node))


def calls(source: str, target: str) -> dict[int, list[object]]:
    """``{key: [call args]}`` for a dict of constructor calls such as ``1: Province(...)``."""
    out: dict[int, list[object]] = {}
    mapping = dict_assignment(source, target)
    for key, value in zip(mapping.keys, mapping.values, strict=True):
        assert isinstance(key, ast.Constant) and isinstance(value, ast.Call)
        out[key.value] = [arg(a) for a in value.args]
    return out


def ward_conversion(source: str) -> dict[int, tuple[bool, list[int]]]:
    """``{old ward code: (partly merged, [new ward codes])}`` from OLD_TO_NEW."""
    out: dict[int, tuple[bool, list[int]]] = {}
    mapping = dict_assignment(source, "OLD_TO_NEW")
    for key, value in zip(mapping.keys, mapping.values, strict=True):
        old_ref, new_refs = value.args  # OldToNewEntry(OldWardRef(...), (NewWardRef(...), ...))
        partly = bool(ast.literal_eval(old_ref.args[3]))
        news = [ast.literal_eval(ref.args[0]) for ref in new_refs.elts]
        out[key.value] = (partly, news)
    return out


def province_conversion(source: str) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    mapping = dict_assignment(source, "OLD_TO_NEW")
    for key, value in zip(mapping.keys, mapping.values, strict=True):
        _, new_refs = value.args
        out[key.value] = [ast.literal_eval(ref.args[0]) for ref in new_refs.elts]
    return out


def write_csv(path: Path, header: list[str], rows: list[list[object]], gz: bool = False) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    if gz:
        # mtime=0 keeps the file byte-identical between runs, so git sees no spurious change.
        path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    else:
        path.write_bytes(data)


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        init = read(zf, "__init__.py")
        nested = json.loads(read(zf, "data/nested-divisions.json"))
        legacy = read(zf, "legacy/_lookup.py")
        wards_conv = ward_conversion(read(zf, "_ward_conversion_2025.py"))
        prov_conv = province_conversion(read(zf, "_province_conversion_2025.py"))
    meta = {}
    for line in init.splitlines():
        if line.startswith(("__version__", "__data_version__")):
            name, _, value = line.partition("=")
            meta[name.strip()] = ast.literal_eval(value.strip())

    provinces, communes = [], []
    for p in nested:
        provinces.append([f"{p['code']:02d}", nfc(p["name"]), p["division_type"], p["phone_code"]])
        for w in p["wards"]:
            communes.append(
                [f"{w['code']:05d}", nfc(w["name"]), w["division_type"], f"{p['code']:02d}"]
            )
    communes.sort()
    write_csv(OUT / "provinces.csv", ["code", "name", "type", "phone_code"], provinces)
    write_csv(OUT / "communes.csv", ["code", "name", "type", "province_code"], communes)

    old_p = calls(legacy, "PROVINCE_MAPPING")  # name, code, type, codename, phone
    old_d = calls(legacy, "DISTRICT_MAPPING")  # name, code, type, codename, province code
    old_w = calls(legacy, "WARD_MAPPING")  # name, code, type, codename, district code
    write_csv(
        OUT / "legacy_provinces.csv",
        ["code", "name", "new_province_codes"],
        [
            [f"{c:02d}", nfc(v[0]), " ".join(f"{n:02d}" for n in prov_conv.get(c, []))]
            for c, v in sorted(old_p.items())
        ],
    )
    rows = []
    for code, (name, _c, _t, _cn, dcode) in sorted(old_w.items()):
        dname, *_, pcode = old_d[dcode]
        partly, news = wards_conv.get(code, (False, []))
        rows.append(
            [
                f"{code:05d}",
                nfc(name),
                f"{dcode:03d}",
                nfc(dname),
                f"{pcode:02d}",
                " ".join(f"{n:05d}" for n in news),
                int(partly),
            ]
        )
    write_csv(
        OUT / "legacy_wards.csv.gz",
        [
            "code",
            "name",
            "district_code",
            "district_name",
            "province_code",
            "new_commune_codes",
            "partly",
        ],
        rows,
        gz=True,
    )
    unmapped = sum(1 for r in rows if not r[5])
    (OUT / "version.yaml").write_text(
        "# Written by tools/convert_admin_units.py; do not edit by hand.\n"
        f'package: "vietnam-provinces {meta["__version__"]}"\n'
        f'data_version: "{meta["__data_version__"]}"\n'
        f'converted: "{dt.date.today().isoformat()}"\n'
        f"provinces: {len(provinces)}\n"
        f"communes: {len(communes)}\n"
        f"legacy_wards: {len(rows)}\n"
        f"legacy_wards_unmapped: {unmapped}\n",
        encoding="utf-8",
    )
    print(
        f"{len(provinces)} provinces, {len(communes)} communes, {len(rows)} legacy wards "
        f"({unmapped} without a new commune) -> {OUT}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
