import unicodedata

import pytest
import yaml

from kiosk_app.core.text import Text
from kiosk_app.resources import resource_path

LISTS = ["ethnic_groups", "nationalities", "relationships", "sexes", "cccd_province_codes"]


def load(name):
    return yaml.safe_load(resource_path("lists", f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", LISTS)
def test_list_is_well_formed(name):
    doc = load(name)
    source = doc["source"]
    for key in ("title", "ref", "retrieved", "licence"):
        assert isinstance(source.get(key), str) and source[key].strip(), (name, key)
    assert str(source["retrieved"]) == "2026-11-23"
    assert isinstance(doc["version"], str)
    values = [item["value"] for item in doc["items"]]
    assert all(isinstance(v, str) and v for v in values), name  # e.g. NO must not become False
    assert len(values) == len(set(values)), name
    for item in doc["items"]:
        label = Text.of(item["label"])
        assert label.vi and label.en
        assert item["label"]["vi"] == unicodedata.normalize("NFC", item["label"]["vi"])


def test_ethnic_groups():
    items = load("ethnic_groups")["items"]
    assert len(items) == 54
    assert [i["value"] for i in items] == [f"{n:02d}" for n in range(1, 55)]
    by_code = {i["value"]: i["label"]["vi"] for i in items}
    assert by_code["01"] == "Kinh"
    assert by_code["04"] == "Hoa"
    assert by_code["54"] == "Rơ-măm"


def test_nationalities():
    items = load("nationalities")["items"]
    assert items[0]["value"] == "VN" and items[0]["label"]["vi"] == "Việt Nam"
    by_code = {i["value"]: i["label"] for i in items}
    for code in ("NO", "KR", "KP", "LA", "KH", "US", "CN", "JP", "FR", "VA", "PS"):
        assert code in by_code, code
    assert by_code["KR"]["vi"] == "Hàn Quốc"
    assert by_code["LA"]["vi"] == "Lào"
    assert len(items) >= 195  # every UN member and the two observer states at least


def test_sexes_and_relationships():
    assert [i["value"] for i in load("sexes")["items"]] == ["nam", "nu"]
    rel = {i["value"] for i in load("relationships")["items"]}
    assert {
        "cha",
        "me",
        "ong",
        "ba",
        "anh",
        "chi",
        "em",
        "con",
        "chau",
        "vo",
        "chong",
        "nguoi_giam_ho",
        "khac",
    } <= rel


def test_cccd_province_codes():
    items = load("cccd_province_codes")["items"]
    assert len(items) == 63
    by_code = {i["value"]: i["label"]["vi"] for i in items}
    assert by_code["001"] == "Hà Nội" and by_code["096"] == "Cà Mau"
    assert by_code["046"] == "Thừa Thiên Huế"
