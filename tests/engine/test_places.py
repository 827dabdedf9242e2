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


def test_the_county_row_uses_the_county_births_and_every_schools_places_hand_worked() -> None:
    """County births 1,000 a year for 2014–2019 → 6,000 primary pupils in 2025 (the catchment's own births
    are not added); places 24 × 45 (城东) + 100 × 45 (no catchment) = 5,580; housing 1,000 households in
    城东 → 330 pupils; demand 6,330 ≥ 100 % of 5,580 → red, a gap of −750."""
    rows = [(None, y, "户籍", 1000) for y in range(2014, 2020)] + [("城东", y, "户籍", 400) for y in range(2014, 2020)]
    births = pl.DataFrame(rows, schema=["catchment", "year", "series", "births"], orient="row")
    base = places.births_demand(births, "户籍", RULES)
    caps = _capacities([("A", 2025, "城东", "primary", 24, None), ("B", 2025, None, "primary", 100, None)])
    supply = places.places_in(caps, [2025], RULES)
    deliveries = pl.DataFrame({"catchment": ["城东"], "year": [2025], "households": [1000]})
    housing = places.housing_demand(deliveries, [2025], RULES)
    county = places.county_gaps(supply, base, housing, RULES).filter(pl.col("level") == "primary")
    assert county.select("catchment", "year", "places", "base", "housing", "demand", "gap", "warning").rows() == [
        (None, 2025, 5580, 6000.0, 330.0, 6330.0, -750.0, "red")
    ]
    # The catchment row still uses its own births: 6 × 400 = 2,400 + 330 against 1,080.
    east = places.gaps(CATCHMENTS, supply, base, housing, RULES).filter(pl.col("catchment") == "城东")
    assert east.select("year", "places", "base", "demand", "warning").rows() == [(2025, 1080, 2400.0, 2730.0, "red")]


def test_the_county_row_is_green_below_90_percent_and_absent_without_county_births() -> None:
    rows = [(None, y, "常住", 100) for y in range(2014, 2020)]
    births = pl.DataFrame(rows, schema=["catchment", "year", "series", "births"], orient="row")
    caps = _capacities([("A", 2025, "城东", "primary", 24, None)])
    supply = places.places_in(caps, [2025], RULES)
    housing = places.housing_demand(
        pl.DataFrame(schema={"catchment": pl.String, "year": pl.Int64, "households": pl.Int64}), [2025], RULES
    )
    county = places.county_gaps(supply, places.births_demand(births, "常住", RULES), housing, RULES)
    # 600 pupils against 1,080 places: 55.6 % → green, 480 places to spare.
    assert county.filter(pl.col("level") == "primary").select("demand", "gap", "warning").rows() == [
        (600.0, 480.0, "green")
    ]
    assert places.county_gaps(supply, places.births_demand(births, "户籍", RULES), housing, RULES).is_empty()


def test_a_year_before_any_capacity_has_unknown_places_not_zero() -> None:
    rows = [(None, y, "户籍", 100) for y in range(2014, 2020)] + [("城东", y, "户籍", 100) for y in range(2014, 2020)]
    births = pl.DataFrame(rows, schema=["catchment", "year", "series", "births"], orient="row")
    base = places.births_demand(births, "户籍", RULES)
    caps = _capacities([("A", 2026, "城东", "primary", 24, None)])  # first recorded for 2026
    supply = places.places_in(caps, [2025, 2026], RULES)
    housing = places.housing_demand(
        pl.DataFrame(schema={"catchment": pl.String, "year": pl.Int64, "households": pl.Int64}), [2025], RULES
    )
    east = places.gaps(CATCHMENTS, supply, base, housing, RULES).filter(pl.col("year") == 2025).row(0, named=True)
    assert (east["places"], east["demand"], east["gap"], east["warning"]) == (None, 600.0, None, None)
    county = places.county_gaps(supply, base, housing, RULES).filter(pl.col("level") == "primary").row(0, named=True)
    assert (county["places"], county["gap"], county["warning"]) == (None, None, None)


def test_a_catchment_without_schools_has_no_places_and_its_pupils_make_it_red() -> None:
    catchments = pl.DataFrame({"catchment": ["城东", "城北"], "level": ["primary", "primary"]})
    births = pl.DataFrame(
        [("城北", y, "户籍", 10) for y in range(2014, 2020)],
        schema=["catchment", "year", "series", "births"],
        orient="row",
    )
    supply = places.places_in(_capacities([("A", 2025, "城东", "primary", 24, None)]), [2025], RULES)
    empty = pl.DataFrame(schema={"catchment": pl.String, "year": pl.Int64, "level": pl.String, "housing": pl.Float64})
    table = places.gaps(catchments, supply, places.births_demand(births, "户籍", RULES), empty, RULES)
    assert table.select("catchment", "places", "demand", "gap", "warning").rows() == [
        ("城东", 1080, None, None, None),  # no births for 城东: no demand, no warning
        ("城北", 0, 60.0, -60.0, "red"),
    ]


def test_places_per_1000_residents_shows_a_year_without_residents_as_unknown() -> None:
    caps = _capacities([("A", 2025, "城东", "primary", 36, None)])
    residents = pl.DataFrame({"year": [2024, 2026], "residents": [20000, 0]})
    table = places.places_per_1000_residents(caps, residents, RULES).filter(pl.col("level") == "primary")
    assert table.select("year", "places", "residents", "per_1000", "meets").rows() == [
        (2024, None, 20000, None, None),  # residents but no places recorded yet
        (2025, 1620, None, None, None),  # places but no residents
        (2026, 1620, 0, None, None),  # no residents counted: no figure rather than a division by zero
    ]
