"""The validated-catalogue cache: a hit equals a fresh load; any change or damage is a miss."""

from __future__ import annotations

import pickle
import shutil
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


def test_a_damaged_cache_file_is_a_miss(tree, tmp_path) -> None:
    cache = tmp_path / "cache"
    load_catalog_cached(cache, tree)
    (path,) = _cache_files(cache)
    path.write_bytes(b"\x80\x05garbage")
    assert load_catalog_cached(cache, tree).procedures
    assert pickle.loads(path.read_bytes()).procedures  # rewritten whole


def test_an_unwritable_cache_costs_nothing_but_time(tree, tmp_path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    assert load_catalog_cached(blocker, tree).procedures
