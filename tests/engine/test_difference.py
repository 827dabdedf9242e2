"""The difference coefficient, standard.md §3: fixture 1 and the laws it obeys."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junheng.engine import evaluate
from junheng.engine.difference import coefficients_by_group
from junheng.standards import load_standard
from tests import oracle
from tests.builders import primary_school, table

NATIONAL = load_standard("national-2017")

FIXTURE_1_STUDENTS = [45, 37, 89, 76, 55]
FIXTURE_1_BOOKS = [279.0, 137.0, 935.0, 160.0, 402.0]


def _cv(students: list[int], amounts: list[float], per: int = 1) -> tuple[float, float | None]:
    frame = pl.DataFrame({"g": [1] * len(students), "students": students, "r": amounts}).with_columns(
        (pl.col("r") * per / pl.col("students")).alias("v")
    )
    row = coefficients_by_group(frame, ["g"], [("X", "v", "r", per)]).row(0, named=True)
    return row["mean"], row["cv"]


def test_published_five_school_example_cv_is_0_515257() -> None:
    mean, cv = _cv(FIXTURE_1_STUDENTS, FIXTURE_1_BOOKS)
    assert mean == pytest.approx(6.334437, abs=5e-7)
    assert cv == pytest.approx(0.515257, abs=5e-7)
    assert round(cv or 0, 2) == 0.52


def test_published_example_is_not_the_unweighted_cv_0_488771() -> None:
    values = [b / p for b, p in zip(FIXTURE_1_BOOKS, FIXTURE_1_STUDENTS, strict=True)]
    mean = sum(values) / len(values)
    unweighted = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) / mean
    assert unweighted == pytest.approx(0.488771, abs=5e-7)
    _, cv = _cv(FIXTURE_1_STUDENTS, FIXTURE_1_BOOKS)
    assert cv is not None and abs(cv - unweighted) > 0.02


def test_fixture_1_through_the_whole_evaluation_as_teaching_area() -> None:
    schools = [
        primary_school(f"s{i}", students=p, teaching_aux_area_m2=b)
        for i, (p, b) in enumerate(zip(FIXTURE_1_STUDENTS, FIXTURE_1_BOOKS, strict=True))
    ]
    levels = evaluate(table(*schools), NATIONAL).levels
    l4 = levels.filter(pl.col("indicator") == "L4").row(0, named=True)
    assert l4["cv"] == pytest.approx(0.515257, abs=5e-7)
    assert l4["limit"] == 0.5
    assert l4["pass"] is False


def test_a_mean_of_zero_gives_no_cv_not_zero() -> None:
    mean, cv = _cv([100, 200], [0.0, 0.0], per=100)
    assert mean == 0
    assert cv is None


def test_no_backbone_teachers_anywhere_fails_the_indicator_with_an_undefined_cv() -> None:
    schools = [primary_school(f"s{i}", backbone_teachers_primary=0) for i in range(3)]
    l2 = evaluate(table(*schools), NATIONAL).levels.filter(pl.col("indicator") == "L2").row(0, named=True)
    assert l2["cv"] is None
    assert l2["pass"] is False


county = st.lists(
    st.tuples(st.integers(min_value=1, max_value=3000), st.floats(min_value=0.01, max_value=1e6)),
    min_size=1,
    max_size=40,
)


@given(county)
@settings(max_examples=200, deadline=None)
def test_engine_agrees_with_the_plain_python_oracle(schools: list[tuple[int, float]]) -> None:
    students = [p for p, _ in schools]
    amounts = [a for _, a in schools]
    _, cv = _cv(students, amounts, per=100)
    expected = oracle.weighted_cv(students, amounts, per_students=100)
    assert expected is not None and cv is not None
    assert cv == pytest.approx(expected, rel=1e-9, abs=1e-12)


@given(county, st.floats(min_value=1e-3, max_value=1e4))
@settings(max_examples=200, deadline=None)
def test_cv_does_not_change_when_every_resource_scales_by_a_constant(
    schools: list[tuple[int, float]], factor: float
) -> None:
    students = [p for p, _ in schools]
    _, before = _cv(students, [a for _, a in schools])
    _, after = _cv(students, [a * factor for _, a in schools])
    assert before is not None and after is not None
    assert after == pytest.approx(before, rel=1e-9, abs=1e-12)


@given(st.lists(st.integers(min_value=1, max_value=3000), min_size=1, max_size=40), st.floats(0.01, 1e4))
@settings(max_examples=200, deadline=None)
def test_cv_is_zero_when_every_school_has_the_same_value(students: list[int], value: float) -> None:
    _, cv = _cv(students, [value * p for p in students])
    assert cv == pytest.approx(0.0, abs=1e-12)


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=60), st.floats(min_value=0.01, max_value=1e4)),
        min_size=1,
        max_size=15,
    )
)
@settings(max_examples=200, deadline=None)
def test_cv_equals_the_plain_cv_of_students_carrying_their_schools_value(schools: list[tuple[int, float]]) -> None:
    students = [p for p, _ in schools]
    amounts = [a for _, a in schools]
    _, cv = _cv(students, amounts)
    population = [a / p for p, a in schools for _ in range(p)]
    assert cv == pytest.approx(oracle.population_cv(population), rel=1e-9, abs=1e-12)
