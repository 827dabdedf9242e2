"""The county's whole assessment, standard.md §1, from plain inputs: three states, never pending as failing."""

from __future__ import annotations

from importlib import resources

import polars as pl
import pytest

from junheng.assessment import Decision, State, Tally, VetoCheck, assess
from junheng.assessment.states import combined
from junheng.io.assessment_json import assessment_to_json
from junheng.io.reader import read_school_file
from junheng.standards import load_standard

NATIONAL = load_standard("national-2017")


@pytest.fixture(scope="module")
def sample() -> pl.DataFrame:
    with resources.as_file(resources.files("junheng.samples") / "sample-county.csv") as path:
        return read_school_file(path, NATIONAL)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([State.PASSED, State.PASSED], State.PASSED),
        ([State.PASSED, State.PENDING], State.PENDING),
        ([State.PENDING, State.FAILED, State.PASSED], State.FAILED),
        ([], State.PENDING),
    ],
)
def test_a_failure_wins_then_pending_then_passing(parts: list[State], expected: State) -> None:
    assert combined(parts) is expected


def test_with_nothing_entered_only_what_the_school_data_shows_fails(sample: pl.DataFrame) -> None:
    found = assess(sample, NATIONAL, county="示范县", year=2025)
    states = {d.key: d.state for d in found.dimensions}
    assert states == {
        "resources": State.FAILED,
        "guarantee": State.FAILED,  # G3–G5 from the schools' data
        "quality": State.PENDING,  # nothing entered: pending, not failing
        "recognition": State.PENDING,
    }
    assert found.dimension("quality").counts == "9 项待判定"
    assert all(v.state is State.PENDING and v.word == "未核查" for v in found.vetoes)
    assert found.state is State.FAILED
    assert found.counts == "4 项未达标，28 项待判定"
    assert (found.failed_count, found.pending_count) == (4, 28)  # 22 items and 6 unchecked veto items
    assert (assessment_to_json(found)["failed"], assessment_to_json(found)["pending"]) == (4, 28)
    assert found.reasons[: len(found.failures)] == found.failures  # what fails comes first


def test_entered_figures_decisions_vetoes_and_survey_each_decide_their_item(sample: pl.DataFrame) -> None:
    found = assess(
        sample,
        NATIONAL,
        county="示范县",
        year=2025,
        figures={"quota_places_allocated_to_junior_schools": 60, "quality_high_school_places": 100},
        decisions={"Q3": Decision(True, "章程齐全"), "Q8": Decision(False, "作业量超标")},
        vetoes={"falsified_data": VetoCheck(True, "虚报在校生数")},
        survey=Tally(100, 90, {"满意": 80, "比较满意": 8, "不满意": 2, "不了解": 10}),
    )
    items = {i.id: i for d in found.dimensions for i in d.items}
    assert (items["G14"].state, items["G14"].checks[0].value, items["G14"].checks[0].bound) == (State.PASSED, 0.6, 0.5)
    assert items["Q3"].state is State.PASSED and items["Q3"].decision == Decision(True, "章程齐全")
    assert items["Q8"].reasons == ("认定未达标：作业量超标",)
    # 不了解 leaves the denominator: 88 ÷ 90; 90 of 100 links returned.
    rate, returned = items["S1"].checks
    assert (rate.value, rate.state, returned.value, returned.state) == (88 / 90, State.PASSED, 0.9, State.PASSED)
    assert found.failures[0] == "一票否决：弄虚作假（虚报在校生数）"
    assert found.state is State.FAILED


def _rounded(document: object) -> object:
    """The document with every float to 12 places: a coefficient summed in another order differs in its
    last bits (the states and the shown figures do not)."""
    if isinstance(document, dict):
        return {k: _rounded(v) for k, v in document.items()}
    if isinstance(document, list):
        return [_rounded(v) for v in document]
    return round(document, 12) if isinstance(document, float) else document


def test_the_same_county_in_any_frame_shape_gives_the_same_assessment(sample: pl.DataFrame) -> None:
    fresh = _rounded(assessment_to_json(assess(sample, NATIONAL, county="示范县", year=2025)))
    other = sample.with_columns(pl.lit("乙县").alias("county"))
    shapes = {
        "reversed": sample.reverse(),
        "sliced": pl.concat([sample.head(3), sample.slice(3)]),
        "filtered from two counties": pl.concat([other, sample]).filter(pl.col("county") == "示范县"),
        "row-indexed": sample.with_row_index("n").drop("n"),
        "tail of a stack": pl.concat([other, sample]).tail(sample.height),
    }
    for name, frame in shapes.items():
        assert _rounded(assessment_to_json(assess(frame, NATIONAL, county="示范县", year=2025))) == fresh, name


def test_a_county_that_enters_everything_passing_passes(sample: pl.DataFrame) -> None:
    """The resource dimension of the sample fails; a pending item never turns a failure into a pass."""
    found = assess(
        sample, NATIONAL, county="示范县", year=2025, vetoes={v.key: VetoCheck(False) for v in NATIONAL.veto}
    )
    assert all(v.state is State.PASSED for v in found.vetoes)
    assert found.state is State.FAILED and not found.passed
