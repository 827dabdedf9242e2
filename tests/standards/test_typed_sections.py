"""The whole standard typed at load (issue 11 §1): every table of the file is checked when it is read.

A bad value or an unknown key fails at load with the file and the dotted key, in Chinese, never later
in a computation; the shipped standards' typed sections say what their TOML says.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from junheng.levels import Level
from junheng.standards import StandardError, builtin_standard_names, load_standard

SRC = Path(__file__).resolve().parents[2] / "src" / "junheng"


def _toml(name: str) -> dict[str, Any]:
    text = resources.files("junheng.standards").joinpath("data", f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _merged_toml(name: str) -> dict[str, Any]:
    data = _toml(name)
    return _merge(_merged_toml(str(data["parent"])), data) if "parent" in data else data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _variant(tmp_path: Path, body: str, parent: str = "national-2017") -> Path:
    path = tmp_path / "本县标准.toml"
    path.write_text(f'name = "my-county"\nparent = "{parent}"\n{body}', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "key", "why"),
    [
        ('[places.warning]\nred = "1,00"\n', "places.warning.red", "应为数值"),
        ('[recognition]\nmin_rate = "x"\n', "recognition.min_rate", "应为数值"),
        ('[recognition]\nmin_rate = "1.5"\n', "recognition.min_rate", "应不大于 1"),
        ('[guarantee.G14]\nmin_rat = "0.80"\n', "guarantee.G14.min_rat", "未知的设置"),
        ('[recognitoin]\nmin_rate = "0.90"\n', "recognitoin", "未知的设置"),
        ("[class_size]\nclosing_snapshot = 3\n", "class_size.closing_snapshot", "未知的设置"),
        ('[class_size]\nclosing_snapshots = "两次"\n', "class_size.closing_snapshots", "应为整数"),
        ('[plan.unit_costs]\nhire_teacher = "-1"\n', "plan.unit_costs.hire_teacher", "应不小于 0"),
        ("[plan.projection]\ngrades = { primary = 5, junior = 4 }\n", "plan.projection.grades", "未知的设置"),
        ('[guarantee.G9]\nkind = "survey"\n', "guarantee.G9.kind", "应为以下之一"),
        ('[recognition]\nunknown_option_leaves_denominator = "是"\n', "recognition", "true 或 false"),
        ('[split]\nweights = { primary = "1", junior = "1.1", senor = "1.32" }\n', "split.weights", "senor"),
        (
            '[scope]\nteaching_point_min_students_status = "Q"\n',
            "scope.teaching_point_min_students_status",
            "C、S 或 U",
        ),
        ('[veto]\nitems = [{ key = "x", lable = "y" }]\n', "veto.items.第1项.lable", "未知的设置"),
        ('nmae = "x"\n', "nmae", "未知的设置"),
    ],
)
def test_a_bad_value_or_an_unknown_key_fails_at_load_naming_the_file_and_the_key(
    tmp_path: Path, body: str, key: str, why: str
) -> None:
    path = _variant(tmp_path, body)
    with pytest.raises(StandardError) as caught:
        load_standard(path)
    assert caught.value.source == str(path)
    assert key in caught.value.message
    assert why in caught.value.message


def test_the_red_warning_written_with_a_comma_names_the_key_and_the_value(tmp_path: Path) -> None:
    with pytest.raises(StandardError) as caught:
        load_standard(_variant(tmp_path, '[places.warning]\nred = "1,00"\n'))
    assert caught.value.message == "places.warning.red 应为数值（如 \"0.85\"），实际为 '1,00'"


def test_a_check_naming_a_setting_its_item_does_not_have_fails_at_load(tmp_path: Path) -> None:
    body = (
        '[guarantee.G9]\nchecks = [{ label = "培训完成率", numerator = "teachers_completed_360_hours", '
        'denominator = "teachers_due_360_hours", at_least = "min_rat" }]\n'
    )
    with pytest.raises(StandardError, match=r"guarantee\.G9.*min_rat"):
        load_standard(_variant(tmp_path, body))


def test_a_check_reading_a_figure_the_county_is_not_asked_for_fails_at_load(tmp_path: Path) -> None:
    body = (
        '[guarantee.G9]\nchecks = [{ label = "培训完成率", numerator = "trained", '
        'denominator = "teachers_due_360_hours", at_least = "min_rate" }]\n'
    )
    with pytest.raises(StandardError, match=r"guarantee\.G9\.checks\.第1项.*“trained”不在 \[county_figures\]"):
        load_standard(_variant(tmp_path, body))


def test_a_class_size_target_naming_an_unknown_band_fails_at_load(tmp_path: Path) -> None:
    body = '[class_size]\ntargets = [{ key = "large", label = "大班额", bands = ["huge"], max_share = "0.05" }]\n'
    with pytest.raises(StandardError, match="huge"):
        load_standard(_variant(tmp_path, body))


@pytest.mark.parametrize(
    ("body", "key"),
    [('[guarantee.G16]\nmin_rate = "0.5"\n', "guarantee.G16"), ('[indicators.L8]\nname = "x"\n', "indicators.L8")],
)
def test_a_variant_may_not_add_an_item_its_parent_does_not_know(tmp_path: Path, body: str, key: str) -> None:
    path = _variant(tmp_path, body)
    with pytest.raises(StandardError) as caught:
        load_standard(path)
    assert caught.value.source == str(path)
    assert caught.value.message.startswith(f"上级标准 national-2017 没有 {key}（已有：")


def test_a_variant_overriding_one_setting_keeps_the_rest_of_its_parent(tmp_path: Path) -> None:
    own = load_standard(_variant(tmp_path, '[places.warning]\nred = "1.10"\n[recognition]\nmin_rate = "0.90"\n'))
    national = load_standard("national-2017")
    assert own.places is not None and national.places is not None
    assert own.places.warning.red == Decimal("1.10")
    assert own.places.warning.yellow == national.places.warning.yellow
    assert own.recognition is not None and own.recognition.min_rate == Decimal("0.90")
    assert own.guarantee == national.guarantee


def test_an_error_in_a_variants_chain_names_the_file_that_holds_the_key(tmp_path: Path) -> None:
    middle = tmp_path / "市标准.toml"
    middle.write_text('name = "city"\nparent = "national-2017"\n[places.warning]\nred = "1,00"\n', encoding="utf-8")
    own = tmp_path / "县标准.toml"
    own.write_text(f'name = "county"\nparent = "{middle}"\n[recognition]\nmin_rate = "0.90"\n', encoding="utf-8")
    with pytest.raises(StandardError) as caught:
        load_standard(own)
    assert caught.value.source == str(middle)
    assert "places.warning.red" in caught.value.message


@pytest.mark.parametrize("name", builtin_standard_names())
def test_every_shipped_standard_types_its_items_and_figures_as_its_file_says(name: str) -> None:
    standard, data = load_standard(name), _merged_toml(name)
    for section in ("guarantee", "quality"):
        items = data.get(section, {})
        assert {i: (it.name, it.kind) for i, it in standard.items(section).items()} == {
            i: (it["name"], it["kind"]) for i, it in items.items()
        }
    assert {k: f.label for k, f in standard.county_figures.items()} == {
        k: f["label"] for k, f in data.get("county_figures", {}).items()
    }
    assert [v.key for v in standard.veto] == [v["key"] for v in data.get("veto", {}).get("items", [])]
    assert standard.levels == tuple(Level(lv) for lv in data["levels"])


def test_national_2017_items_are_typed() -> None:
    national, data = load_standard("national-2017"), _toml("national-2017")
    g3, g5, g13 = national.guarantee["G3"], national.guarantee["G5"], national.guarantee["G13"]
    assert (g3.kind, g3.classes_per_room, g3.music_room_min_m2, g3.art_room_min_m2) == (
        "school_data",
        12,
        Decimal("96"),
        Decimal("90"),
    )
    assert g5.max_class_size == {Level.PRIMARY: 45, Level.JUNIOR: 50}
    assert g13.setting("min_rate.junior") == Decimal("0.95")
    assert [c.at_least for c in g13.checks] == [c["at_least"] for c in data["guarantee"]["G13"]["checks"]]
    assert national.quality["Q9"].max_difference_rate == Decimal("0.15")
    assert national.quality["Q9"].checks[1].bound == ("<", "max_difference_rate")
    assert national.guarantee["G1"].kind == "judgement"
    assert national.county_figures["performance_pay_fully_set"].kind == "flag"
    assert national.county_figures["teacher_average_pay"].unit == "元"


def test_national_2017_recognition_class_size_places_and_plan_are_typed() -> None:
    national, data = load_standard("national-2017"), _toml("national-2017")
    recognition = national.recognition
    assert recognition is not None
    assert recognition.min_rate == Decimal(data["recognition"]["min_rate"]) == Decimal("0.85")
    assert recognition.min_valid_return_rate == Decimal("0.70")
    assert recognition.options == tuple(data["recognition"]["options"])
    assert recognition.min_sample == 600
    class_size = national.class_size
    assert class_size is not None
    assert [b.key for b in class_size.bands] == [b["key"] for b in data["class_size"]["bands"]]
    assert class_size.bands[-1].max is None
    assert class_size.limits == {Level.PRIMARY: 45, Level.JUNIOR: 50}
    assert class_size.targets[0].max_share == Decimal("0.05")
    assert class_size.closing_snapshots == 2
    places = national.places
    assert places is not None
    assert (places.warning.red, places.warning.yellow) == (Decimal("1.00"), Decimal("0.90"))
    assert places.pupils_per_1000_people == {Level.PRIMARY: Decimal("110"), Level.JUNIOR: Decimal("55")}
    assert (places.entry_age, places.horizon_years) == (6, 5)
    plan = national.plan
    assert plan.unit_costs == {kind: Decimal(cost) for kind, cost in data["plan"]["unit_costs"].items()}
    assert plan.recurring == ("hire_teacher", "transfer_teacher")
    assert plan.rotation.same_township is False
    assert plan.projection.progression_rate == Decimal("1.0")
    assert national.statuses["places.warning"] == "U"
    assert national.statuses["difference"] == "C"


def test_variants_change_only_their_items() -> None:
    national, anhui, guangxi = (load_standard(n) for n in ("national-2017", "anhui-2017", "guangxi-2017"))
    assert anhui.guarantee["G11"].checks[1].denominator == "teachers_eligible_for_rotation"
    assert anhui.guarantee["G11"].min_backbone_share == national.guarantee["G11"].min_backbone_share
    assert guangxi.guarantee["G14"].min_rate == Decimal("0.80")
    assert guangxi.recognition == national.recognition


def test_basic_2012_has_no_items_survey_or_ledgers() -> None:
    basic = load_standard("basic-2012")
    assert (basic.guarantee, basic.quality, basic.veto) == ({}, {}, ())
    assert (basic.recognition, basic.class_size, basic.places) == (None, None, None)


def test_nothing_outside_standards_reads_the_raw_toml() -> None:
    readers = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        if "standards" not in path.relative_to(SRC).parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\.raw\b", line)
    ]
    assert readers == []
