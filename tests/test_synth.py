"""Synthetic school data: deterministic, in the data file's shape, obeying its rules, and realistic enough to matter."""

from __future__ import annotations

import polars as pl
import pytest

from junheng.engine import evaluate
from junheng.schema import FIELDS, SCHOOL_TYPE_LEVELS, Kind, polars_schema
from junheng.standards import load_standard
from junheng.synth import SCOPES, brought_up, synthesize

NATIONAL = load_standard("national-2017")
LEVELS = ("primary", "junior", "senior")
PER_LEVEL = ("classes", "teachers_above_degree", "backbone_teachers", "pe_art_teachers", "max_class_size",
             "full_time_teachers", "mid_title_teachers")  # fmt: skip


@pytest.fixture(scope="module")
def national() -> pl.DataFrame:
    scope = SCOPES["national"]
    return synthesize(counties=scope.counties, schools_per_county=scope.schools_per_county, seed=1)


@pytest.fixture(scope="module")
def province() -> pl.DataFrame:
    scope = SCOPES["province"]
    return synthesize(
        counties=scope.counties, schools_per_county=scope.schools_per_county, years=(2023, 2024, 2025), seed=2
    )


def test_the_same_seed_gives_the_same_table_and_another_seed_another() -> None:
    first = synthesize(counties=3, years=(2024, 2025), seed=11)
    assert first.equals(synthesize(counties=3, years=(2024, 2025), seed=11))
    assert not first.equals(synthesize(counties=3, years=(2024, 2025), seed=12))


def test_the_table_has_the_readers_columns_and_dtypes_without_row(province: pl.DataFrame) -> None:
    assert province.schema == pl.Schema(polars_schema())


def test_required_fields_are_filled_and_counts_are_non_negative(province: pl.DataFrame) -> None:
    required = [f.key for f in FIELDS if f.always_required or f.key in NATIONAL.required_columns()]
    assert province.select(pl.col(required).null_count()).sum_horizontal().item() == 0
    numeric = [f.key for f in FIELDS if f.kind in (Kind.INTEGER, Kind.NUMBER)]
    assert province.select(pl.min_horizontal(pl.col(numeric).min())).item() >= 0


def test_students_only_in_the_levels_a_school_type_offers_and_in_each_a_spanning_school_has(
    province: pl.DataFrame,
) -> None:
    for school_type, offered in SCHOOL_TYPE_LEVELS.items():
        of_type = province.filter(pl.col("school_type") == school_type)
        assert of_type.height > 0, school_type
        for level in LEVELS:
            students = of_type[f"students_{level}"]
            if level not in offered:
                assert students.max() == 0, (school_type, level)
            elif school_type != "special":
                assert (students > 0).all(), (school_type, level)  # a 九年一贯制 school has both parts


def test_no_teachers_classes_or_class_sizes_in_a_level_without_students(province: pl.DataFrame) -> None:
    for level in ("primary", "junior"):
        empty = province.filter(pl.col(f"students_{level}") == 0)
        for stem in PER_LEVEL:
            assert empty[f"{stem}_{level}"].max() == 0, (stem, level)
        staffed = province.filter(pl.col(f"students_{level}") > 0)
        assert (staffed[f"full_time_teachers_{level}"] >= 1).all()
        assert (staffed[f"full_time_teachers_{level}"] >= staffed[f"teachers_above_degree_{level}"]).all()
        assert (staffed[f"max_class_size_{level}"] <= staffed[f"students_{level}"]).all()


def test_school_ids_are_ten_digits_unique_per_year_and_the_same_schools_every_year(province: pl.DataFrame) -> None:
    assert province["school_id"].str.contains(r"^\d{10}$").all()
    assert province.group_by("year").agg(pl.col("school_id").is_duplicated().any())["school_id"].not_().all()
    ids = province.group_by("year").agg(pl.col("school_id").sort())["school_id"].to_list()
    assert ids[0] == ids[1] == ids[2]


def test_names_are_chinese_county_and_school_names(province: pl.DataFrame) -> None:
    assert province["county"].str.contains(r"^\p{Han}{2}[区市县]$").all()
    assert province["county_code"].str.contains(r"^\d{6}$").all()
    assert province["school_name"].str.contains(r"^\p{Han}+(小学|中学|学校|教学点)$").all()
    one_year = province.filter(pl.col("year") == 2025)
    assert one_year.select(pl.struct("county", "school_name").is_unique().all()).item()
    teaching_points = one_year.filter(pl.col("school_type") == "teaching_point")["school_name"]
    assert teaching_points.str.contains(r"村(第\p{Han}+)?教学点$").all()


def test_the_type_mix_is_roughly_the_national_one(national: pl.DataFrame) -> None:
    share = dict(national["school_type"].value_counts(normalize=True).iter_rows())
    assert 0.62 < share["primary"] + share["teaching_point"] < 0.76
    assert 0.18 < share["junior"] < 0.28
    assert 0.03 < share["nine_year"] < 0.08
    assert 0.005 < share["complete_middle"] + share["twelve_year"] < 0.03
    assert 0.003 < share["special"] < 0.02
    points = national.filter(pl.col("school_type") == "teaching_point")["area_type"].value_counts(normalize=True)
    assert dict(points.iter_rows()).get("urban", 0.0) == 0.0


def test_school_sizes_follow_area_and_type(national: pl.DataFrame) -> None:
    primary = national.filter(pl.col("school_type") == "primary")
    median = dict(primary.group_by("area_type").agg(pl.col("students_primary").median()).iter_rows())
    assert median["rural"] < 300 < median["town"] < 1500 < median["urban"] < 3000
    points = national.filter(pl.col("school_type") == "teaching_point")["students_primary"]
    assert points.min() >= 4 and points.max() <= 90 and points.median() < 50  # type: ignore[operator]


def test_the_national_preset_has_207000_schools_in_2900_counties_of_varied_size(national: pl.DataFrame) -> None:
    assert national.height == 207_000
    sizes = national.group_by("county").len()["len"]
    assert sizes.len() == 2_900
    assert sizes.min() < 30 and sizes.max() > 250  # type: ignore[operator]
    assert sizes.std() / sizes.mean() > 0.4  # type: ignore[operator]


def test_the_county_preset_is_one_county_of_70_to_120_schools() -> None:
    scope = SCOPES["county"]
    table = synthesize(counties=scope.counties, schools_per_county=scope.schools_per_county, seed=3)
    assert table["county"].n_unique() == 1
    assert 70 <= table.height <= 120


def test_enrolment_drifts_a_little_and_resources_grow_from_year_to_year(province: pl.DataFrame) -> None:
    by_year = [province.filter(pl.col("year") == year).sort("school_id") for year in (2023, 2024)]
    before, after = by_year
    big = before["students_primary"] >= 200
    ratio = after["students_primary"].filter(big) / before["students_primary"].filter(big)
    assert ratio.min() >= 0.94 and ratio.max() <= 1.06  # type: ignore[operator]
    assert (ratio != 1).mean() > 0.9  # type: ignore[operator]
    assert (after["equipment_value_yuan"] >= before["equipment_value_yuan"]).all()
    assert after["teaching_aux_area_m2"].sum() > before["teaching_aux_area_m2"].sum()
    assert (after["school_name"] == before["school_name"]).all()


def test_most_schools_pass_national_2017_but_a_minority_fail_and_some_counties_fail_cvs(
    province: pl.DataFrame,
) -> None:
    evaluation = evaluate(province, NATIONAL)
    failing = 1 - evaluation.schools["pass"].mean()  # type: ignore[operator]
    assert 0.03 < failing < 0.3
    cv_failing = evaluation.counties["failing_indicators"] > 0
    assert 0 < cv_failing.mean() < 0.5  # type: ignore[operator]
    assert 0 < evaluation.counties["pass"].sum() < evaluation.counties.height
    small_points = evaluation.excluded.filter(pl.col("school_type") == "teaching_point")
    assert small_points.height > 0


def test_rural_schools_lack_backbone_teachers_and_urban_schools_sports_grounds(province: pl.DataFrame) -> None:
    parts = evaluate(province, NATIONAL).schools.join(
        province.select("year", "school_id", "area_type"), on=["year", "school_id"]
    )
    rates = parts.group_by("area_type").agg(
        (~pl.col("meets_L2")).mean().alias("L2"), (~pl.col("meets_L5")).mean().alias("L5")
    )
    by_area = {row["area_type"]: row for row in rates.iter_rows(named=True)}
    assert by_area["rural"]["L2"] > by_area["urban"]["L2"]
    assert by_area["urban"]["L5"] > by_area["rural"]["L5"]


def test_the_optional_columns_let_basic_2012_evaluate_too(province: pl.DataFrame) -> None:
    composites = evaluate(province, load_standard("basic-2012")).composites
    assert composites is not None
    assert composites["composite"].null_count() == 0
    assert composites.height == province.select("county", "year").n_unique() * 2


def test_a_brought_up_county_passes_and_nothing_else_changes() -> None:
    table = synthesize(counties=3, schools_per_county=40, years=(2024, 2025), seed=7)
    county = table["county"][0]
    before = evaluate(table.filter(pl.col("year") == 2025), NATIONAL).counties
    assert not before.filter(pl.col("county") == county)["pass"][0]
    raised = brought_up(table, county, NATIONAL)
    assert raised.schema == table.schema
    after = evaluate(raised.filter(pl.col("year") == 2025), NATIONAL).counties
    assert after.filter(pl.col("county") == county)["pass"][0]
    chosen = (pl.col("county") == county) & (pl.col("year") == 2025)
    assert raised.filter(~chosen).equals(table.filter(~chosen))
    resources = [c for c in table.columns if table[c].dtype.is_numeric() and not c.startswith(("students", "year"))]
    new, old = raised.filter(chosen).select(resources), table.filter(chosen).select(resources)
    assert all(((new[c] >= old[c]) | old[c].is_null()).all() for c in resources)
    assert (
        raised.filter(chosen)
        .select(pl.selectors.starts_with("students"))
        .equals(table.filter(chosen).select(pl.selectors.starts_with("students")))
    )
