"""School places (issue 6 part 3): hand-worked capacity, demand, gap, warnings and the county figure."""

from __future__ import annotations

import polars as pl
import pytest

from junheng.engine import places
from junheng.standards import load_standard

RULES = places.PlacesRules.of(load_standard("national-2017"))
CATCHMENTS = pl.DataFrame({"catchment": ["城东", "城西"], "level": ["primary", "junior"]})


def _capacities(rows: list[tuple[str, int, str | None, str, int, int | None]]) -> pl.DataFrame:
    schema = {
        "school": pl.String,
        "year": pl.Int64,
        "catchment": pl.String,
        "level": pl.String,
        "design_classes": pl.Int64,
        "class_size": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_the_settings_are_the_examples_of_the_issue() -> None:
    assert (RULES.red, RULES.yellow) == (1.0, 0.9)
    assert RULES.people_per_household == 3
    assert RULES.pupils_per_1000_people == {"primary": 110, "junior": 55}
    assert RULES.norm_per_1000_residents == {"primary": 80, "junior": 40}
    assert RULES.class_size == {"primary": 45, "junior": 50}


def test_capacity_is_design_classes_times_the_standard_class_size() -> None:
    table = places.capacity(
        _capacities(
            [
                ("A", 2025, "城东", "primary", 24, None),
                ("B", 2025, "城西", "junior", 12, None),
                ("C", 2025, "城东", "primary", 10, 40),
            ]
        ),
        RULES,
    )
    assert table["places"].to_list() == [24 * 45, 12 * 50, 10 * 40]


def test_a_school_keeps_its_places_until_new_ones_are_recorded() -> None:
    caps = _capacities([("A", 2024, "城东", "primary", 20, None), ("A", 2026, "城东", "primary", 24, None)])
    table = places.places_in(caps, [2024, 2025, 2026], RULES)
    assert table["places"].to_list() == [900, 900, 1080]


def test_housing_1000_households_give_330_primary_and_165_junior_pupils() -> None:
    deliveries = pl.DataFrame({"catchment": ["城东"], "year": [2025], "households": [1000]})
    table = places.housing_demand(deliveries, [2024, 2025, 2026], RULES).sort("year", "level")
    assert table.rows() == [
        ("城东", 2025, "junior", 165.0),
        ("城东", 2025, "primary", 330.0),
        ("城东", 2026, "junior", 165.0),
        ("城东", 2026, "primary", 330.0),
    ]


def test_births_six_years_earlier_enter_grade_one_and_the_two_series_stay_apart() -> None:
    rows = [("城东", y, "户籍", 100 + y - 2014) for y in range(2014, 2020)]
    rows += [("城东", y, "常住", 200) for y in range(2014, 2020)]
    births = pl.DataFrame(rows, schema=["catchment", "year", "series", "births"], orient="row")
    registered = places.births_demand(births, "户籍", RULES).filter(pl.col("level") == "primary")
    resident = places.births_demand(births, "常住", RULES).filter(pl.col("level") == "primary")
    # Grade 1 in 2025 = births of 2019 (105); grades 1–6 = births of 2019 … 2014.
    assert registered.rows() == [("城东", 2025, "primary", float(sum(range(100, 106))), 105.0)]
    assert resident.rows() == [("城东", 2025, "primary", 1200.0, 200.0)]
    # Only 2025 has all six primary cohorts known: no figure rather than a wrong one for other years.
    # Junior (grades 7–9) in 2028 = births of 2016, 2015, 2014; grade 7 = births twelve years earlier.
    junior = places.births_demand(births, "户籍", RULES).filter(pl.col("level") == "junior").sort("year")
    assert junior["year"].to_list() == [2028, 2029, 2030, 2031]
    assert junior.row(0) == ("城东", 2028, "junior", 303.0, 102.0)


def _gap(places_n: int, demand: float) -> dict[str, object]:
    keys = {"catchment": ["城东"], "year": [2025], "level": ["primary"]}
    table = places.gaps(
        CATCHMENTS,
        pl.DataFrame(keys | {"places": [places_n]}),
        pl.DataFrame(keys | {"demand": [demand]}),
        pl.DataFrame(keys | {"housing": [0.0]}),
        RULES,
    )
    return table.row(0, named=True)


@pytest.mark.parametrize(
    ("demand", "level"),
    [(899.0, "green"), (900.0, "yellow"), (999.0, "yellow"), (1000.0, "red"), (1200.0, "red")],
)
def test_warning_boundaries_exactly_90_percent_is_yellow_exactly_100_percent_red(demand: float, level: str) -> None:
    assert _gap(1000, demand)["warning"] == level


def test_gap_adds_housing_to_the_base_demand() -> None:
    keys = {"catchment": ["城东"], "year": [2025], "level": ["primary"]}
    row = places.gaps(
        CATCHMENTS,
        pl.DataFrame(keys | {"places": [1080]}),
        pl.DataFrame(keys | {"demand": [700.0]}),
        pl.DataFrame(keys | {"housing": [330.0]}),
        RULES,
    ).row(0, named=True)
    assert (row["demand"], row["gap"], row["warning"]) == (1030.0, 50.0, "yellow")


def test_no_places_but_some_demand_is_red() -> None:
    assert _gap(0, 10.0)["warning"] == "red"


def test_places_per_1000_residents_against_the_norm() -> None:
    caps = _capacities([("A", 2025, "城东", "primary", 36, None), ("B", 2025, "城西", "junior", 15, None)])
    residents = pl.DataFrame({"year": [2025], "residents": [20000]})
    table = places.places_per_1000_residents(caps, residents, RULES)
    # 36 × 45 = 1,620 primary places ÷ 20 = 81 ≥ 80; 15 × 50 = 750 junior ÷ 20 = 37.5 < 40.
    assert table.select("level", "per_1000", "norm", "meets").rows() == [
        ("junior", 37.5, 40.0, False),
        ("primary", 81.0, 80.0, True),
    ]
