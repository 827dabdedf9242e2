"""`evaluate --format json`: exactly the object of contracts.md §2, figures as the engine computed them."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import pytest

from junheng.engine import Evaluation, evaluate
from junheng.io.evaluation_json import dumps, evaluation_to_json
from junheng.standards import load_standard
from tests import builders
from tests.builders import junior_school, primary_school, table, with_basic_2012_columns

NATIONAL = load_standard("national-2017")
BASIC = load_standard("basic-2012")

COUNTY_KEYS = {"county", "year", "pass", "levels", "schools", "excluded"}
LEVEL_KEYS = {"schools", "students", "indicators"}
INDICATOR_KEYS = {"mean", "cv", "limit", "pass"}
SCHOOL_KEYS = {"school_id", "level", "students", "values", "meets", "pass"}


def nine_year_school(school_id: str, **overrides: Any) -> dict[str, Any]:
    """A 九年一贯制 school of 166 + 210 students whose junior part misses L4 and L6 (5 of 7 meet)."""
    changes: dict[str, Any] = {
        "teachers_above_degree_primary": 8,
        "backbone_teachers_primary": 2,
        "pe_art_teachers_primary": 2,
        "teaching_aux_area_m2": 2000.0,
        "sports_area_m2": 4000.0,
        "equipment_value_yuan": 900000.0,
        "multimedia_rooms": 9,
    }
    return builders.nine_year_school(school_id, **(changes | overrides))


def records() -> list[dict[str, Any]]:
    """甲县: a split school, a failing primary school and two excluded schools; 乙县: one junior school
    without backbone teachers, so that its L2 mean is 0."""
    return [
        primary_school("P1", 500, county="甲县"),
        primary_school(
            "P2", 300, county="甲县", teachers_above_degree_primary=10, backbone_teachers_primary=0, multimedia_rooms=5
        ),
        nine_year_school("N1", county="甲县"),
        primary_school("S1", 30, county="甲县", school_type="special"),
        primary_school("T1", 20, county="甲县", school_type="teaching_point"),
        junior_school("J1", 210, county="乙县", backbone_teachers_junior=0),
    ]


@pytest.fixture(scope="module")
def national() -> Evaluation:
    return evaluate(table(*records()), NATIONAL)


@pytest.fixture(scope="module")
def document(national: Evaluation) -> dict[str, Any]:
    return evaluation_to_json(national)


def county(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [c for c in document["counties"] if c["county"] == name]
    assert len(found) == 1
    return found[0]


def test_keys_are_exactly_those_of_the_contract(document: dict[str, Any]) -> None:
    assert set(document) == {"standard", "counties"}
    assert document["standard"] == "national-2017"
    for found in document["counties"]:
        assert set(found) == COUNTY_KEYS
        for level in found["levels"].values():
            assert set(level) == LEVEL_KEYS
            assert list(level["indicators"]) == list(NATIONAL.indicator_ids)
            for indicator in level["indicators"].values():
                assert set(indicator) == INDICATOR_KEYS
        for school in found["schools"]:
            assert set(school) == SCHOOL_KEYS
            assert list(school["values"]) == list(NATIONAL.indicator_ids)
            assert list(school["meets"]) == list(NATIONAL.indicator_ids)
        for excluded in found["excluded"]:
            assert set(excluded) == {"school_id", "reason"}


def test_counties_in_the_engines_order_with_its_verdict(document: dict[str, Any], national: Evaluation) -> None:
    assert [(c["county"], c["year"], c["pass"]) for c in document["counties"]] == national.counties.select(
        "county", "year", "pass"
    ).rows()
    assert county(document, "甲县")["pass"] is False


def test_levels_only_for_the_xueduan_present_in_the_standards_order(document: dict[str, Any]) -> None:
    assert list(county(document, "甲县")["levels"]) == ["primary", "junior"]
    assert list(county(document, "乙县")["levels"]) == ["junior"]


def test_level_figures_are_the_engines_unrounded(document: dict[str, Any], national: Evaluation) -> None:
    for row in national.levels.iter_rows(named=True):
        level = county(document, row["county"])["levels"][row["level"]]
        assert (level["schools"], level["students"]) == (row["schools"], row["students"])
        assert level["indicators"][row["indicator"]] == {
            "mean": row["mean"],
            "cv": row["cv"],
            "limit": row["limit"],
            "pass": row["pass"],
        }
    primary = county(document, "甲县")["levels"]["primary"]
    assert (primary["schools"], primary["students"]) == (3, 500 + 300 + 166)
    assert primary["indicators"]["L1"]["mean"] == pytest.approx((25 + 10 + 8) * 100 / 966, rel=1e-15)
    assert primary["indicators"]["L1"]["limit"] == 0.5


def test_counts_are_integers_and_figures_floats(document: dict[str, Any]) -> None:
    found = county(document, "甲县")
    assert type(found["year"]) is int
    assert type(found["levels"]["primary"]["schools"]) is int
    assert type(found["levels"]["primary"]["students"]) is int
    assert type(found["schools"][0]["students"]) is int
    assert type(found["schools"][0]["values"]["L1"]) is float
    assert type(found["levels"]["primary"]["indicators"]["L5"]["mean"]) is float


def test_cv_is_null_where_the_mean_is_0(document: dict[str, Any]) -> None:
    backbone = county(document, "乙县")["levels"]["junior"]["indicators"]["L2"]
    assert backbone == {"mean": 0.0, "cv": None, "limit": 0.45, "pass": False}


def test_school_values_meets_and_pass_are_the_engines(document: dict[str, Any], national: Evaluation) -> None:
    ids = NATIONAL.indicator_ids
    expected = [
        {
            "school_id": row["school_id"],
            "level": row["level"],
            "students": row["students"],
            "values": {i: row[f"v_{i}"] for i in ids},
            "meets": {i: row[f"meets_{i}"] for i in ids},
            "pass": row["pass"],
        }
        for row in national.schools.filter(pl.col("county") == "甲县").iter_rows(named=True)
    ]
    assert county(document, "甲县")["schools"] == expected


def test_a_failing_schools_values_unrounded(document: dict[str, Any]) -> None:
    (p2,) = [s for s in county(document, "甲县")["schools"] if s["school_id"] == "P2"]
    assert p2["values"]["L1"] == 10 * 100 / 300
    assert p2["values"]["L2"] == 0.0
    assert p2["meets"]["L1"] is False
    assert p2["meets"]["L3"] is True
    assert p2["pass"] is False


def test_a_split_school_appears_once_per_xueduan(document: dict[str, Any]) -> None:
    schools = county(document, "甲县")["schools"]
    parts = [(s["level"], s["students"]) for s in schools if s["school_id"] == "N1"]
    assert sorted(parts) == [("junior", 210), ("primary", 166)]
    assert [s["school_id"] for s in schools].count("P1") == 1


def test_excluded_schools_with_their_reason(document: dict[str, Any]) -> None:
    assert county(document, "甲县")["excluded"] == [
        {"school_id": "S1", "reason": "特殊教育学校不参与资源配置评估"},
        {"school_id": "T1", "reason": "教学点在校生 20 人，少于 50 人，不参与计算"},
    ]
    assert county(document, "乙县")["excluded"] == []


def test_basic_2012_has_no_school_rule_and_a_composite_per_level() -> None:
    evaluation = evaluate(table(*(with_basic_2012_columns(r) for r in records())), BASIC)
    document = evaluation_to_json(evaluation)
    assert document["standard"] == "basic-2012"
    found = county(document, "甲县")
    for school in found["schools"]:
        assert set(school) == SCHOOL_KEYS
        assert school["meets"] == {}
        assert school["pass"] is None
        assert list(school["values"]) == list(BASIC.indicator_ids)
    assert evaluation.composites is not None
    for level_name, level in found["levels"].items():
        assert set(level) == {*LEVEL_KEYS, "composite"}
        for indicator in level["indicators"].values():
            assert indicator["limit"] is None
            assert indicator["pass"] is None
        (row,) = evaluation.composites.filter((pl.col("county") == "甲县") & (pl.col("level") == level_name)).iter_rows(
            named=True
        )
        assert level["composite"] == {"cv": row["composite"], "limit": row["limit"], "pass": row["pass"]}
    assert found["levels"]["primary"]["composite"]["limit"] == 0.65
    assert found["levels"]["junior"]["composite"]["limit"] == 0.55


def test_dumps_is_the_object_as_text_with_chinese_unescaped(national: Evaluation) -> None:
    text = dumps(national)
    assert "甲县" in text
    assert "\\u" not in text
    assert json.loads(text) == evaluation_to_json(national)


def test_text_in_ids_and_reasons_is_escaped() -> None:
    odd = 'P"1\\甲\n'
    evaluation = evaluate(
        table(primary_school(odd, 100, county='县"引号"'), primary_school("S1", 30, school_type="special")), NATIONAL
    )
    document = json.loads(dumps(evaluation))
    assert document["counties"][0]["county"] == '县"引号"'
    assert document["counties"][0]["schools"][0]["school_id"] == odd


def test_a_county_without_schools_in_scope_has_empty_levels_and_schools() -> None:
    evaluation = evaluate(table(primary_school("S1", 30, school_type="special")), NATIONAL)
    (found,) = evaluation_to_json(evaluation)["counties"]
    assert found["pass"] is False
    assert found["levels"] == {}
    assert found["schools"] == []
    assert [e["school_id"] for e in found["excluded"]] == ["S1"]
