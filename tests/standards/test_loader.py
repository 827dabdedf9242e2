"""Standards as data, standard.md §10: every built-in file loads; a variant overrides only what differs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from junheng.standards import Rounding, StandardError, builtin_standard_names, load_standard


def test_the_shipped_standards() -> None:
    assert set(builtin_standard_names()) >= {"national-2017", "basic-2012", "hebei-2017", "guangxi-2017"}


@pytest.mark.parametrize("name", builtin_standard_names())
def test_every_shipped_standard_loads(name: str) -> None:
    standard = load_standard(name)
    assert standard.name == name
    assert standard.indicators


def test_national_2017_has_the_published_thresholds_and_limits() -> None:
    standard = load_standard("national-2017")
    assert [str(i.thresholds["primary"]) for i in standard.indicators] == [
        "4.2",
        "1.0",
        "0.9",
        "4.5",
        "7.5",
        "2000",
        "2.3",
    ]
    assert [str(i.thresholds["junior"]) for i in standard.indicators] == [
        "5.3",
        "1.0",
        "0.9",
        "5.8",
        "10.2",
        "2500",
        "2.4",
    ]
    assert standard.cv_limits == {"primary": Decimal("0.50"), "junior": Decimal("0.45")}
    assert standard.school_rule is not None and standard.school_rule.min_met == 6


def test_guangxi_differs_from_national_only_in_g14_at_80_percent() -> None:
    national, guangxi = load_standard("national-2017"), load_standard("guangxi-2017")
    assert guangxi.parent == "national-2017"
    assert guangxi.guarantee["G14"].min_rate == Decimal("0.80")
    assert national.guarantee["G14"].min_rate == Decimal("0.50")
    assert guangxi.indicators == national.indicators
    assert guangxi.guarantee["G13"] == national.guarantee["G13"]


def test_hebei_confirms_the_teaching_point_cut_off_of_50() -> None:
    hebei = load_standard("hebei-2017")
    assert hebei.teaching_point_min_students == 50
    assert hebei.statuses["scope.teaching_point_min_students"] == "C"


def test_basic_2012_has_eight_indicators_and_a_composite_limit() -> None:
    basic = load_standard("basic-2012")
    assert basic.indicator_ids == tuple(f"B{i}" for i in range(1, 9))
    assert basic.school_rule is None
    assert basic.composite is not None
    assert basic.composite.limits == {"primary": Decimal("0.65"), "junior": Decimal("0.55")}
    assert "books" in basic.required_columns() and "backbone_teachers_primary" not in basic.required_columns()


def test_a_bureau_can_load_its_own_variant_file(tmp_path: Path) -> None:
    own = tmp_path / "my-county.toml"
    own.write_text(
        'name = "my-county"\nparent = "national-2017"\n[difference]\nlimits = { primary = "0.40" }\n', encoding="utf-8"
    )
    standard = load_standard(own)
    assert standard.cv_limits == {"primary": Decimal("0.40"), "junior": Decimal("0.45")}
    assert standard.parent == "national-2017"


def test_an_unknown_standard_names_the_known_ones() -> None:
    with pytest.raises(StandardError, match="national-2017"):
        load_standard("nowhere-2099")


def test_a_malformed_standard_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n", encoding="utf-8")
    with pytest.raises(StandardError, match="格式错误"):
        load_standard(bad)


def test_a_threshold_that_is_not_a_number_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "bad"\nparent = "national-2017"\n[indicators.L1]\nthresholds = { primary = "四点二" }\n',
        encoding="utf-8",
    )
    with pytest.raises(StandardError, match="应为数值"):
        load_standard(bad)


def test_a_parent_cycle_is_reported(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(f'name = "a"\nparent = "{b}"\n', encoding="utf-8")
    b.write_text(f'name = "b"\nparent = "{a}"\n', encoding="utf-8")
    with pytest.raises(StandardError, match="循环"):
        load_standard(a)


def test_a_standard_missing_a_levels_threshold_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "bad"\nparent = "national-2017"\nlevels = ["primary", "junior", "senior"]\n', encoding="utf-8"
    )
    with pytest.raises(StandardError, match="缺少学段"):
        load_standard(bad)


def test_a_standard_with_a_limit_for_only_some_levels_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "bad"\nparent = "national-2017"\nlevels = ["primary"]\n[difference]\nlimits = { junior = "0.4" }\n',
        encoding="utf-8",
    )
    with pytest.raises(StandardError, match="每个学段"):
        load_standard(bad)


@pytest.mark.parametrize("name", ["national-2017", "basic-2012"])
def test_the_shipped_standards_round_half_up_as_the_published_tables_do(name: str) -> None:
    assert load_standard(name).rounding is Rounding.HALF_UP


def test_a_variant_may_round_half_to_even(tmp_path: Path) -> None:
    own = tmp_path / "even.toml"
    own.write_text('name = "even"\nparent = "basic-2012"\n[difference]\nrounding = "half_even"\n', encoding="utf-8")
    assert load_standard(own).rounding is Rounding.HALF_EVEN


def test_an_unknown_rounding_rule_names_the_known_ones(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nparent = "national-2017"\n[difference]\nrounding = "up"\n', encoding="utf-8")
    with pytest.raises(StandardError) as caught:
        load_standard(bad)
    assert caught.value.message == (
        "difference.rounding 应为以下之一：half_up（四舍五入）、half_even（四舍六入五成双）；实际为 'up'"
    )
