"""The county verdict, standard.md §2–§3 and §8: every school passes and every coefficient is within its limit."""

from __future__ import annotations

import polars as pl
import pytest

from junheng.engine import evaluate
from junheng.engine.evaluation import composite_coefficients
from junheng.standards import load_standard
from tests.builders import junior_school, nine_year_school, primary_school, table

NATIONAL = load_standard("national-2017")
BASIC = load_standard("basic-2012")


def _county(evaluation_counties: pl.DataFrame, county: str = "例县", year: int = 2025) -> dict[str, object]:
    return evaluation_counties.filter((pl.col("county") == county) & (pl.col("year") == year)).row(0, named=True)


def test_a_county_where_every_school_passes_and_every_cv_is_within_its_limit_passes() -> None:
    evaluation = evaluate(table(primary_school("a"), primary_school("b", students=300), junior_school("c")), NATIONAL)
    county = _county(evaluation.counties)
    assert county["pass"] is True
    assert county["failing_schools"] == 0
    assert sorted(evaluation.levels["level"].unique().to_list()) == ["junior", "primary"]


def test_one_failing_school_fails_the_county() -> None:
    failing = primary_school("b", teaching_aux_area_m2=300.0)  # 3.0 ㎡ < floor 3.825
    county = _county(evaluate(table(primary_school("a"), failing), NATIONAL).counties)
    assert county["pass"] is False
    assert county["failing_schools"] == 1


def test_a_cv_above_its_limit_fails_the_county_even_when_every_school_passes() -> None:
    rich = primary_school("rich", students=100, sports_area_m2=100 * 40.0)  # 40 ㎡ against 7.5 ㎡ elsewhere
    evaluation = evaluate(table(primary_school("a"), primary_school("b"), rich), NATIONAL)
    l5 = evaluation.levels.filter(pl.col("indicator") == "L5").row(0, named=True)
    assert l5["cv"] > 0.5
    assert l5["pass"] is False
    county = _county(evaluation.counties)
    assert county["failing_schools"] == 0
    assert county["failing_indicators"] == 1
    assert county["pass"] is False


def test_a_cv_exactly_at_its_limit_passes_and_is_flagged_for_review() -> None:
    # two schools of 100 students with 9 and 3 ㎡ each: mean 6, S = 3, CV = 0.5 exactly
    schools = [primary_school("a", teaching_aux_area_m2=900.0), primary_school("b", teaching_aux_area_m2=300.0)]
    l4 = evaluate(table(*schools), NATIONAL).levels.filter(pl.col("indicator") == "L4").row(0, named=True)
    assert l4["cv"] == 0.5
    assert l4["pass"] is True
    assert l4["near_limit"] is True


def test_each_county_and_year_is_judged_on_its_own() -> None:
    records = [
        primary_school("a"),
        primary_school("b", teaching_aux_area_m2=300.0),
        primary_school("a", year=2026),
        primary_school("x", county="邻县"),
    ]
    counties = evaluate(table(*records), NATIONAL).counties
    assert counties.height == 3
    assert _county(counties)["pass"] is False
    assert _county(counties, year=2026)["pass"] is True
    assert _county(counties, county="邻县")["pass"] is True


def test_a_county_with_no_school_in_scope_does_not_pass() -> None:
    evaluation = evaluate(table(primary_school("sp", school_type="special")), NATIONAL)
    assert _county(evaluation.counties)["pass"] is False
    assert evaluation.levels.height == 0


def _published(cvs: list[float], level: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "county": ["区"] * 8,
            "year": [2012] * 8,
            "level": [level] * 8,
            "indicator": [f"B{i}" for i in range(1, 9)],
            "cv": cvs,
        }
    )


@pytest.mark.parametrize(
    ("name", "level", "cvs", "composite"),
    [
        ("长春南关区 小学", "primary", [0.393, 0.578, 0.372, 0.246, 0.208, 0.311, 0.311, 0.455], 0.359),
        ("长春南关区 初中", "junior", [0.433, 0.464, 0.334, 0.318, 0.433, 0.362, 0.368, 0.335], 0.381),
        ("合肥庐阳区 小学", "primary", [0.881, 1.299, 0.977, 0.379, 0.170, 0.334, 0.286, 0.408], 0.592),
    ],
)
def test_published_basic_balance_composites(name: str, level: str, cvs: list[float], composite: float) -> None:
    result = composite_coefficients(_published(cvs, level), BASIC)
    assert result is not None
    assert result["composite"].item() == composite, name
    assert result["pass"].item() is True


def test_the_composite_rounds_each_cv_to_3_decimals_before_averaging() -> None:
    # five CVs of 0.00051 round to 0.001 each: (5 × 0.001) ÷ 8 = 0.000625 → 0.001,
    # where averaging first would give 0.00255 ÷ 8 = 0.00031875 → 0.000
    result = composite_coefficients(_published([0.00051] * 5 + [0.0] * 3, "primary"), BASIC)
    assert result is not None
    assert result["composite"].item() == 0.001


def test_basic_2012_judges_the_county_on_the_composite() -> None:
    def basic(record: dict[str, object]) -> dict[str, object]:
        n = int(record["students_primary"])  # type: ignore[call-overload]
        return {
            **record,
            "computers": n // 10,
            "books": 30 * n,
            "full_time_teachers_primary": n // 18,
            "mid_title_teachers_primary": n // 40,
        }

    evaluation = evaluate(table(basic(primary_school("a")), basic(primary_school("b", students=400))), BASIC)
    assert evaluation.composites is not None
    assert evaluation.composites["composite"].item() < 0.65
    assert evaluation.schools["pass"].is_null().all()
    assert _county(evaluation.counties)["pass"] is True


def test_a_cv_that_floating_point_puts_a_hair_above_its_limit_still_passes() -> None:
    # 1,600 and 4,800 ㎡ for 300 students each: CV = 0.5 exactly, 0.5000000000000001 in binary arithmetic
    schools = [
        primary_school("a", students=300, sports_area_m2=1600.0),
        primary_school("b", students=300, sports_area_m2=4800.0),
    ]
    l5 = evaluate(table(*schools), NATIONAL).levels.filter(pl.col("indicator") == "L5").row(0, named=True)
    assert l5["cv"] == pytest.approx(0.5, abs=1e-15)
    assert l5["pass"] is True


def test_failing_schools_counts_a_school_once_even_when_both_its_parts_fail() -> None:
    county = _county(
        evaluate(table(primary_school("a"), nine_year_school(teaching_aux_area_m2=10.0)), NATIONAL).counties
    )
    assert county["failing_schools"] == 1
    assert county["schools"] == 2
    assert county["students"] == 100 + 166 + 210


def test_levels_come_in_the_standards_order_primary_first() -> None:
    levels = evaluate(table(junior_school("j"), primary_school("p")), NATIONAL).levels
    assert levels["level"].unique(maintain_order=True).to_list() == ["primary", "junior"]
    assert levels["indicator"].to_list()[:7] == [f"L{i}" for i in range(1, 8)]


def test_basic_2012_has_no_shortfalls_but_a_frame_with_the_documented_columns() -> None:
    shortfalls = evaluate(table(primary_school("a")), BASIC).shortfalls()
    assert shortfalls.height == 0
    assert shortfalls.columns[:3] == ["county", "year", "school_id"]
    assert "to_threshold" in shortfalls.columns
