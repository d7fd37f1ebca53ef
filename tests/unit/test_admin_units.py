import gzip
import shutil

import pytest

from kiosk_app.core import admin_units as au
from kiosk_app.resources import resource_path


def test_counts_match_the_official_figures():
    assert len(au.provinces()) == 34
    assert len(au.communes()) == 3321
    assert sum(len(au.communes(p.code)) for p in au.provinces()) == 3321


def test_codes_are_zero_padded_strings():
    assert all(len(p.code) == 2 and p.code.isdigit() for p in au.provinces())
    assert all(len(c.code) == 5 and c.code.isdigit() for c in au.communes())
    assert au.province("01").name == "Thành phố Hà Nội"
    assert au.province(1) == au.province("01")


def test_nam_dong_hue():
    c = au.commune("20179")
    assert c is not None
    assert (c.name, c.type, c.province_code) == ("Xã Nam Đông", "xã", "46")
    assert au.province(c.province_code).name == "Thành phố Huế"
    assert c in au.communes("46")
    assert au.commune(20179) == c


def test_unknown_codes_give_none_or_empty():
    assert au.commune("99999") is None
    assert au.province("99") is None
    assert au.communes("99") == []


def test_search_folds_diacritics_and_d():
    assert au.search_units("dak lak")[0].name == "Tỉnh Đắk Lắk"
    assert au.search_units("ĐẮK LẮK")[0].code == "66"
    found = au.search_units("nam dong")
    assert any(u.code == "20179" for u in found)
    assert au.search_units("Nam Đông")[0].code == "20179"  # exact spelling ranks first
    assert au.search_units("") == []
    assert au.search_units("zzzz") == []


def test_search_type_word_optional():
    assert au.search_units("Xã Nam Đông")[0].code == "20179"
    assert au.search_units("hue")[0].code == "46"


def test_map_legacy_old_hue_address():
    # Xã Hương Xuân, Huyện Phú Lộc, Tỉnh Thừa Thiên Huế → Xã Nam Đông (20179).
    for args in [
        ("Thừa Thiên Huế", "Huyện Phú Lộc", "Xã Hương Xuân"),
        ("thua thien hue", "phu loc", "huong xuan"),
        ("46", "H. Phú Lộc", "X. Hương Xuân"),
    ]:
        assert [c.code for c in au.map_legacy(*args)] == ["20179"], args


def test_map_legacy_split_ward_gives_every_new_commune():
    # Phường Cống Vị (Ba Đình, Hà Nội) was divided between Ngọc Hà and Giảng Võ.
    codes = [c.code for c in au.map_legacy("Hà Nội", "Quận Ba Đình", "Phường Cống Vị")]
    assert codes == ["00008", "00025"]


def test_map_legacy_ambiguous_district_resolved_by_ward():
    # Hà Tĩnh had both Thị xã Kỳ Anh and Huyện Kỳ Anh; the ward decides.
    assert [c.name for c in au.map_legacy("Hà Tĩnh", "Kỳ Anh", "Kỳ Hoa")] == ["Xã Kỳ Hoa"]


def test_map_legacy_ward_name_that_starts_like_a_type_word():
    # "Quan Hoa" is a ward name, not "Quận Hoa".
    assert au.map_legacy("Hà Nội", "Cầu Giấy", "Quan Hoa")
    assert au.map_legacy("TP.HCM", "Quận 1", "Phường Bến Nghé")[0].province_code == "79"


def test_map_legacy_numbers_and_district_only():
    assert au.map_legacy("Hồ Chí Minh", "Quận 3", "Phường 01") == au.map_legacy(
        "Hồ Chí Minh", "Quận 3", "Phường 1"
    )
    whole = au.map_legacy("Thừa Thiên Huế", "Phú Lộc")
    assert au.commune("20179") in whole and len(whole) > 1
    assert au.map_legacy("Thừa Thiên Huế") == []
    assert au.map_legacy("Không có tỉnh này", "x", "y") == []


def test_legacy_provinces():
    assert au.legacy_province_codes("Bà Rịa Vũng Tàu") == ["77"]
    assert au.legacy_province_codes("Tỉnh Bà Rịa - Vũng Tàu") == ["77"]
    assert au.legacy_province_codes("Đắk Nông") == ["67"]


def test_data_version_names_the_package():
    assert au.data_version().startswith("vietnam-provinces ")


def _copy_units(tmp_path):
    dst = tmp_path / "admin_units"
    shutil.copytree(resource_path("admin_units"), dst)
    return dst


def test_duplicate_code_is_reported_with_file_and_row(tmp_path):
    root = _copy_units(tmp_path)
    path = root / "communes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[1])  # repeat the first data row at the end
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(au.AdminUnitsDataError) as exc:
        au._load(root)
    assert exc.value.file == "communes.csv"
    assert exc.value.row == len(lines)
    assert "duplicate" in exc.value.problem


def test_commune_of_unknown_province_is_reported(tmp_path):
    root = _copy_units(tmp_path)
    path = root / "communes.csv"
    path.write_text(path.read_text(encoding="utf-8") + "99998,Xã Ảo,xã,77\n", encoding="utf-8")
    with pytest.raises(au.AdminUnitsDataError, match=r"communes.csv, row \d+: province_code"):
        au._load(root)


def test_mapping_to_unknown_commune_is_reported(tmp_path):
    root = _copy_units(tmp_path)
    path = root / "legacy_wards.csv.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    text += "99999,Xã Ảo,999,Huyện Ảo,46,77777,0\n"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    with pytest.raises(au.AdminUnitsDataError, match="unknown new commune '77777'"):
        au._load(root)


def test_map_legacy_address_reads_an_old_one_line_address() -> None:
    from kiosk_app.core.admin_units import map_legacy_address

    found = map_legacy_address("thôn 3, Xã Hương Xuân, Huyện Phú Lộc, Thừa Thiên Huế")
    assert [c.code for c in found] == ["20179"]
    assert map_legacy_address("") == []
    assert map_legacy_address("somewhere, Nowhere, Atlantis") == []
