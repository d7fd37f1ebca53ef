"""The validated-catalogue cache: a hit equals a fresh load; any change or damage is a miss."""

from __future__ import annotations

import copy
import pickle
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk_app.core import catalog_cache
from kiosk_app.core.catalog import CatalogError, load_catalog
from kiosk_app.core.catalog_cache import cache_key, load_catalog_cached
from kiosk_app.resources import resource_path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "res"
    for name in ("procedures", "forms", "lists"):
        shutil.copytree(resource_path(name), root / name)
    return root


def _cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalog-*.pickle"))


def test_hit_equals_a_fresh_load_and_skips_parsing(tree, tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    first = load_catalog_cached(cache, tree)
    assert len(_cache_files(cache)) == 1
    calls = []
    monkeypatch.setattr(catalog_cache, "load_catalog", lambda root=None: calls.append(root))
    second = load_catalog_cached(cache, tree)
    assert calls == []  # served from the cache
    fresh = load_catalog(tree)
    assert sorted(second.procedures) == sorted(fresh.procedures) == sorted(first.procedures)
    for code, proc in fresh.procedures.items():
        cached = second.procedures[code]
        assert cached.name == proc.name and cached.documents == proc.documents
        example = proc.example_submission()
        assert cached.form.normalize(example["answers"]) == proc.form.normalize(example["answers"])
        assert cached.required_documents(example["answers"]) == proc.required_documents(
            example["answers"]
        )


def test_an_edited_form_is_validated_again(tree, tmp_path) -> None:
    cache = tmp_path / "cache"
    load_catalog_cached(cache, tree)
    key = cache_key(tree)
    form = next((tree / "forms").glob("*.yaml"))
    form.write_text(form.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_key(tree) != key
    load_catalog_cached(cache, tree)
    assert len(_cache_files(cache)) == 1  # the stale entry was replaced, not kept
    form.write_text("fields: [", encoding="utf-8")
    with pytest.raises(CatalogError):
        load_catalog_cached(cache, tree)  # a broken catalogue is never served from the cache


def test_a_damaged_cache_file_is_a_miss(tree, tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    load_catalog_cached(cache, tree)
    (path,) = _cache_files(cache)
    path.write_bytes(b"\x80\x05garbage")
    assert load_catalog_cached(cache, tree).procedures
    monkeypatch.setattr(catalog_cache, "load_catalog", _no_load)
    assert load_catalog_cached(cache, tree).procedures  # rewritten whole: now a hit


def _no_load(root=None):
    raise AssertionError("validated again although the cache holds this catalogue")


def test_an_unwritable_cache_costs_nothing_but_time(tree, tmp_path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    assert load_catalog_cached(blocker, tree).procedures


# ---------------------------------------------------------------- split file: lazy parts


def _warm(tree: Path, cache: Path):
    load_catalog_cached(cache, tree)
    return load_catalog_cached(cache, tree)


def test_a_hit_lists_procedures_without_the_form_engine(tree, tmp_path) -> None:
    cache = tmp_path / "cache"
    load_catalog_cached(cache, tree)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kiosk_app.core.catalog_cache import load_catalog_cached\n"
        f"c = load_catalog_cached(Path({str(cache)!r}), Path({str(tree)!r}))\n"
        "names = [p.name.vi for ps in c.by_field().values() for p in ps]\n"
        "assert len(names) == len(c.procedures) > 0 and c.search('khai sinh')\n"
        "assert all(p.processing_time.describe('vi') for p in c.procedures.values())\n"
        "heavy = ('kiosk_app.core.forms', 'kiosk_app.core.expr', 'kiosk_app.core.catalog_check',"
        " 'kiosk_app.core.catalog_load', 'kiosk_app.core.catalog_parts', 'yaml')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
        "c.get('1.001193').form\n"
        "print('kiosk_app.core.forms' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded_before, forms_after = out.stdout.splitlines()
    assert loaded_before == ""  # nothing of the form engine (or yaml) to list procedures
    assert forms_after == "True"  # the form is there when asked for


def test_deferred_parts_load_on_first_use_and_equal_a_fresh_load(tree, tmp_path) -> None:
    cached = _warm(tree, tmp_path / "cache")
    fresh = load_catalog(tree)
    for code, proc in cached.procedures.items():
        assert "_deferred" in vars(proc) and "form" not in vars(proc)
        assert proc.fee == fresh.procedures[code].fee
        assert proc.cases == fresh.procedures[code].cases
        assert "form" not in vars(proc)  # each part group loads on its own
        assert proc.form is not None and "form" in vars(proc)
        assert proc == fresh.procedures[code]
    # Procedures sharing a form file share one form object, as after a fresh load.
    by_form: dict[str, set[int]] = {}
    for proc in cached.procedures.values():
        by_form.setdefault(proc.form_id, set()).add(id(proc.form))
    assert all(len(ids) == 1 for ids in by_form.values())


def test_deferred_parts_are_loaded_once_across_threads(tree, tmp_path) -> None:
    cached = _warm(tree, tmp_path / "cache")
    procs = list(cached.procedures.values())
    seen: list[tuple[str, int, int]] = []
    barrier = threading.Barrier(8)

    def read() -> None:
        barrier.wait()
        for p in procs:
            seen.append((p.code, id(p.form), id(p.documents)))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 * len(procs)
    assert len(set(seen)) == len(procs)  # every thread saw the same objects


def test_a_lazy_procedure_pickles_and_copies_whole(tree, tmp_path) -> None:
    cached = _warm(tree, tmp_path / "cache")
    proc = cached.get("1.001193")
    clone = pickle.loads(pickle.dumps(proc))
    assert "_deferred" not in vars(clone) and clone == proc
    assert "_deferred" not in vars(copy.deepcopy(cached.get("2.000884")))


def test_a_damaged_part_is_validated_afresh(tree, tmp_path, monkeypatch) -> None:
    cached = _warm(tree, tmp_path / "cache")
    proc = cached.get("1.001193")
    deferred = vars(proc)["_deferred"]
    deferred._parts[proc.code] = b"\x80\x05garbage"
    deferred._forms[deferred._form_of[proc.code]] = b"garbage"
    fresh = load_catalog(tree).get("1.001193")
    assert proc.documents == fresh.documents
    example = fresh.example_submission()
    assert proc.form.normalize(example["answers"]) == fresh.form.normalize(example["answers"])


def test_an_invalid_catalogue_refuses_even_with_a_warm_cache(tree, tmp_path) -> None:
    cache = tmp_path / "cache"
    _warm(tree, cache)
    proc_file = next(p for p in (tree / "procedures").glob("*.yaml") if p.name != "catalog.yaml")
    proc_file.write_text("code: [", encoding="utf-8")
    with pytest.raises(CatalogError) as cached_err:
        load_catalog_cached(cache, tree)
    with pytest.raises(CatalogError) as fresh_err:
        load_catalog(tree)
    assert cached_err.value.problems == fresh_err.value.problems


# ---------------------------------------------------------------- parsed YAML


def test_yaml_cache_hit_equals_a_parse_and_edits_are_parsed_again(tmp_path, monkeypatch) -> None:
    from kiosk_app.core.catalog_cache import load_yaml_cached
    from kiosk_app.resources import load_yaml

    src = tmp_path / "data.yaml"
    src.write_text("a: 1\nday: 2025-01-01\nname: {vi: Tết, en: Tet}\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_yaml_cached(src, cache)
    assert first == load_yaml(src.read_text(encoding="utf-8"))
    assert len(list(cache.glob("yaml-*.pickle"))) == 1
    import kiosk_app.resources as resources

    monkeypatch.setattr(resources, "load_yaml", _no_load)
    second = load_yaml_cached(src, cache)
    assert second == first and second is not first  # from the cache, a new object
    monkeypatch.undo()
    src.write_text("a: 2\n", encoding="utf-8")
    assert load_yaml_cached(src, cache) == {"a": 2}
    assert len(list(cache.glob("yaml-*.pickle"))) == 1  # the stale entry was replaced


def test_yaml_cache_never_keeps_a_broken_file(tmp_path) -> None:
    import yaml

    from kiosk_app.core.catalog_cache import load_yaml_cached, yaml_error

    src = tmp_path / "bad.yaml"
    src.write_text("a: [", encoding="utf-8")
    cache = tmp_path / "cache"
    with pytest.raises(yaml.YAMLError):
        load_yaml_cached(src, cache)
    assert yaml_error() is yaml.YAMLError
    assert not list(cache.glob("yaml-*.pickle"))
    with pytest.raises(FileNotFoundError):
        load_yaml_cached(tmp_path / "missing.yaml", cache)
