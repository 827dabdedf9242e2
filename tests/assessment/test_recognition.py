"""The survey's arithmetic by hand, standard.md §7: the sample plan and the recognition rate."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from junheng.assessment.recognition import RecognitionSettings, Tally, pooled, recognition, sample_plan
from junheng.standards import load_standard

# The survey's respondent groups, parents first (web/survey/models.Group).
GROUPS = ("parents", "students", "teachers", "principals", "deputies", "cppcc", "residents")
# 50 满意 + 35 比较满意 counted; 10 基本满意 + 5 不满意 not; 20 不了解.
SPREAD = {"满意": 50, "比较满意": 35, "基本满意": 10, "不满意": 5, "不了解": 20}


@pytest.fixture
def settings_2017() -> RecognitionSettings:
    return RecognitionSettings.from_standard(load_standard("national-2017"))


def test_settings_come_from_the_standard(settings_2017: RecognitionSettings) -> None:
    assert settings_2017.counted_options == {"满意", "比较满意"}
    assert settings_2017.unknown_option == "不了解"
    assert settings_2017.min_rate == Decimal("0.85")


def test_300000_residents_give_450_raised_to_the_floor_600_with_300_parents(
    settings_2017: RecognitionSettings,
) -> None:
    plan = sample_plan(300_000, GROUPS, settings_2017)
    assert plan.by_population == 450
    assert plan.total == 600
    assert dict(plan.per_group) == {
        "parents": 300,
        "students": 50,
        "teachers": 50,
        "principals": 50,
        "deputies": 50,
        "cppcc": 50,
        "residents": 50,
    }


def test_a_large_county_samples_by_population_rounding_up(settings_2017: RecognitionSettings) -> None:
    # 1,000,001 × 1.5‰ = 1500.0015 → 1501; parents ⌈750.5⌉ = 751; 750 left for six groups = 125 each.
    plan = sample_plan(1_000_001, GROUPS, settings_2017)
    assert (plan.by_population, plan.total) == (1501, 1501)
    per_group = dict(plan.per_group)
    assert per_group["parents"] == 751
    assert sum(per_group.values()) == 1501
    assert {per_group[g] for g in GROUPS if g != "parents"} == {125}


def test_a_remainder_goes_to_the_first_groups(settings_2017: RecognitionSettings) -> None:
    # 1,004,000 × 1.5‰ = 1506; parents 753; 753 = 6 × 125 + 3 → students, teachers, principals get 126.
    per_group = dict(sample_plan(1_004_000, GROUPS, settings_2017).per_group)
    assert [per_group[g] for g in GROUPS] == [753, 126, 126, 126, 125, 125, 125]


def test_rate_leaves_unknown_out_of_the_denominator(settings_2017: RecognitionSettings) -> None:
    # 不了解 leaves: 85 ÷ 100 = 0.85, exactly the line, passes.
    tally = Tally(issued=140, responses=120, answers=SPREAD)
    result = recognition(tally, settings_2017)
    assert (result.counted, result.valid) == (85, 100)
    assert result.rate == Decimal("0.85")
    assert result.rate_met
    assert result.return_rate == Decimal(120) / Decimal(140)
    assert result.return_rate_met and result.passed


def test_rate_keeps_unknown_in_the_denominator_when_the_standard_says_so(
    settings_2017: RecognitionSettings,
) -> None:
    keeping = replace(settings_2017, unknown_leaves_denominator=False)
    tally = Tally(issued=10, responses=10, answers=SPREAD)
    result = recognition(tally, keeping)
    assert result.valid == 120
    assert result.rate == Decimal(85) / Decimal(120)
    assert not result.rate_met


def test_just_below_the_line_fails_and_a_low_return_rate_fails_the_survey(
    settings_2017: RecognitionSettings,
) -> None:
    result = recognition(Tally(issued=1000, responses=699, answers={"满意": 84, "不满意": 16}), settings_2017)
    assert result.rate == Decimal("0.84") and not result.rate_met
    assert not result.return_rate_met  # 69.9 % < 70 %
    assert not result.passed


def test_nothing_to_divide_by_gives_no_rate(settings_2017: RecognitionSettings) -> None:
    result = recognition(Tally(issued=0, responses=0, answers={"不了解": 3}), settings_2017)
    assert result.rate is None and result.return_rate is None
    assert not result.passed


def test_overall_pools_answers_across_groups(settings_2017: RecognitionSettings) -> None:
    parents = Tally(issued=10, responses=8, answers={"满意": 18, "不满意": 2})
    teachers = Tally(issued=5, responses=5, answers={"比较满意": 3, "基本满意": 7, "不了解": 5})
    result = recognition(pooled([parents, teachers]), settings_2017)
    assert (result.issued, result.responses, result.counted, result.valid) == (15, 13, 21, 30)
    assert result.rate == Decimal("0.7")
