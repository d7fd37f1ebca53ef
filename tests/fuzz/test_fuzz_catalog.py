"""Fuzzing a catalogue bundle on disk (what the province sends, unpacked by the sync client
into ``<data>/catalog/<version>/`` and opened by ``bootstrap.province_catalog_root``).

A copy of the shipped procedures/ and forms/ has one file edited per example — its YAML data
changed structurally, its bytes mutated, or replaced by a hostile document (anchor bombs,
self-containing structures, deep nesting, path traversal in form and block ids, bad dates,
non-UTF-8). Loading it the way the desk does (:func:`load_catalog_cached`) gives a Catalog
or a CatalogError listing problems — never another exception, never minutes of work.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kiosk_app.core.catalog import Catalog, CatalogError
from kiosk_app.core.catalog_cache import load_catalog_cached
from kiosk_app.resources import resource_root
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.mutate import mutated

FILES = [
    "procedures/catalog.yaml",
    "procedures/khai_sinh.yaml",
    "procedures/khai_tu.yaml",
    "forms/to_khai_khai_sinh.yaml",
    "forms/blocks/person.yaml",
]
_ORIGINAL = {name: (resource_root() / name).read_bytes() for name in FILES}
_DATA = {name: yaml.safe_load(text) for name, text in _ORIGINAL.items()}

_LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
    for i in range(7)
)
KHAI_SINH = _ORIGINAL["procedures/khai_sinh.yaml"].decode()
HOSTILE = {
    "laughs": _LAUGHS,
    "laughs_in_a_field": KHAI_SINH + "notes: " + _LAUGHS.replace("\n", " ")[:0] + "x\n" + _LAUGHS,
    "self_list": "code: &a [*a]\n",
    "self_map": "&a {code: *a}\n",
    "deep_list": "code: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep_map": "code: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
    "form_traversal": KHAI_SINH.replace("form: to_khai_khai_sinh", "form: ../../../../etc/hosts"),
    "template_traversal": KHAI_SINH.replace(
        "template: to_khai_khai_sinh", "template: ../procedures/catalog"
    ),
    "bad_date": KHAI_SINH + "\nx_date: 2025-13-45\n",
    "bad_int_tag": "code: !!int x\n",
    "nul": "code: \x00\n",
    "not_utf8": "\udcff".encode("utf-8", "surrogateescape").decode("latin-1"),
    "binary_tag": KHAI_SINH.replace('code: "1.001193"', "code: !!binary AAAA"),
    "set_tag": KHAI_SINH.replace('code: "1.001193"', "code: !!set {a: null}"),
}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("bundle")
    for part in ("procedures", "forms"):
        shutil.copytree(resource_root() / part, root / part)
    yield root


def _load(root: Path, cache: Path) -> Catalog | None:
    try:
        return load_catalog_cached(cache, root)
    except CatalogError as exc:
        assert str(exc)
        return None


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(FILES))
    how = draw(st.sampled_from(["structure", "bytes", "hostile"]))
    if how == "structure":
        data = draw(mutated(_DATA[name]))
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        return name, text.encode("utf-8", "surrogatepass")
    if how == "bytes":
        raw = bytearray(_ORIGINAL[name])
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(raw) - 1))
            raw[i] = draw(st.sampled_from(b"\x00\xff:-[]{}&*!|>'\"\n #%@`"))
        return name, bytes(raw)
    key = draw(st.sampled_from(sorted(HOSTILE)))
    return "procedures/khai_sinh.yaml", HOSTILE[key].encode("utf-8", "surrogatepass")


def _check(bundle: Path, tmp_path_factory: Any, name: str, content: bytes) -> None:
    target = bundle / name
    target.write_bytes(content)
    try:
        _load(bundle, tmp_path_factory.mktemp("cache"))
    finally:
        target.write_bytes(_ORIGINAL[name])


def test_the_copy_loads(bundle: Path, tmp_path: Path) -> None:
    assert _load(bundle, tmp_path) is not None


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_documents(bundle: Path, tmp_path_factory: Any, key: str) -> None:
    """Regressions: anchor bombs took 34 s, self-containing and deeply nested documents raised
    RecursionError, "2025-13-45" raised ValueError, "../" in a form id read outside forms/."""
    target = bundle / "procedures/khai_sinh.yaml"
    target.write_bytes(HOSTILE[key].encode("utf-8", "surrogatepass"))
    try:
        with pytest.raises(CatalogError) as err:
            load_catalog_cached(tmp_path_factory.mktemp("cache"), bundle)
    finally:
        target.write_bytes(_ORIGINAL["procedures/khai_sinh.yaml"])
    if "traversal" in key:
        assert "a form id has only a-z, 0-9 and _" in str(err.value)


def test_block_name_cannot_leave_the_bundle(bundle: Path, tmp_path: Path) -> None:
    """Regression: a person field's ``block: ../../x`` opened ``forms/blocks/../../x.yaml``."""
    outside = bundle / "evil.yaml"
    outside.write_text("id: evil\nfields: [{id: a, type: text, label: {vi: a, en: a}}]\n")
    form = bundle / "forms/to_khai_khai_sinh.yaml"
    original = form.read_text(encoding="utf-8")
    text = original.replace("type: person", "type: person\n        block: ../../evil", 1)
    assert text != original
    form.write_text(text, encoding="utf-8")
    try:
        with pytest.raises(CatalogError, match="unknown block '../../evil'"):
            load_catalog_cached(tmp_path, bundle)
    finally:
        form.write_text(original, encoding="utf-8")
        outside.unlink()


@fuzz_settings(60, deadline_ms=5000)
@given(edits())
def test_edited_bundle(bundle: Path, tmp_path_factory: Any, edit: tuple[str, bytes]) -> None:
    _check(bundle, tmp_path_factory, *edit)


@pytest.mark.parametrize("key", ["self_list", "deep_map", "bad_date"])
def test_a_damaged_province_bundle_does_not_stop_the_desk(tmp_path: Path, key: str) -> None:
    """The bundle the sync client installed is opened at start (bootstrap's
    province_catalog_root); one that no longer loads falls back to the shipped catalogue.
    Regression: RecursionError / ValueError went past that fallback and open_kiosk failed."""
    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
    from kiosk_app.store import sync_state

    configure_office(tmp_path, DEMO_TEST_OFFICE)
    bundle = tmp_path / "catalog" / "v9"
    for part in ("procedures", "forms"):
        shutil.copytree(resource_root() / part, bundle / part)
    (bundle / "procedures/khai_sinh.yaml").write_text(HOSTILE[key], encoding="utf-8")
    (bundle / ".sha256").write_text("0" * 64)
    k = open_kiosk(tmp_path)
    try:
        with k.store.write() as db:
            sync_state.put_meta(db, {"catalog.available": {"version": "v9"}})
    finally:
        k.close()
    k = open_kiosk(tmp_path)
    try:
        assert k.catalog.get("1.001193") is not None  # the shipped one
    finally:
        k.close()
