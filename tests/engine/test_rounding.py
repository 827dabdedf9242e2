"""Rounding by the standard's rule on decimals (issue 10): basic-2012's composite is 四舍五入 as published.

Polars' `round` on floats rounded the composite 0.5505 (stored as 0.550499999…) down to 0.550, which
passes the junior limit of 0.55; on paper, and in Excel's ROUND, it is 0.551 and fails.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from junheng.engine.evaluation import composite_coefficients
from junheng.engine.rounding import rounded_decimal, rounded_units
from junheng.messages import cv_number
from junheng.standards import Rounding, Standard, load_standard
from tests import oracle

BASIC = load_standard("basic-2012")
NATIONAL = load_standard("national-2017")
# eight CVs at 3 decimals whose mean is exactly 0.5505: (4 × 0.550 + 4 × 0.551) ÷ 8
HALF_WAY = [0.550] * 4 + [0.551] * 4


def _composite(cvs: list[float], level: str = "junior", standard: Standard = BASIC) -> dict[str, object]:
    levels = pl.DataFrame(
        {
            "county": ["甲县"] * len(cvs),
            "year": [2025] * len(cvs),
            "level": [level] * len(cvs),
            "indicator": [f"B{i}" for i in range(1, len(cvs) + 1)],
            "cv": cvs,
        }
    )
    result = composite_coefficients(levels, standard)
    assert result is not None
    return result.row(0, named=True)


def test_the_issues_composite_of_0_5505_is_0_551_and_fails_the_junior_limit_of_0_55() -> None:
    composite = _composite(HALF_WAY)
    assert composite["composite"] == 0.551
    assert composite["pass"] is False


def test_a_variant_that_rounds_half_to_even_gets_0_550_and_passes(tmp_path: Path) -> None:
    own = tmp_path / "even.toml"
    own.write_text('name = "even"\nparent = "basic-2012"\n[difference]\nrounding = "half_even"\n', encoding="utf-8")
    composite = _composite(HALF_WAY, standard=load_standard(own))
    assert composite["composite"] == 0.550
    assert composite["pass"] is True


def test_each_cv_is_rounded_half_up_before_the_mean() -> None:
    # 0.0005 is stored as 0.000500000000000000010…, 0.0015 as 0.00149999999999999996…: both are halves,
    # 0.001 and 0.002, so the mean is (4 × 1 + 4 × 2) ÷ 8 = 1.5 thousandths, 0.002 (binary rounding: 0.001)
    assert _composite([0.0005] * 4 + [0.0015] * 4)["composite"] == 0.002


def test_a_cv_at_0_5505_is_shown_as_0_551() -> None:
    assert f"{0.5505:.3f}" == "0.550"  # what the binary value gives
    assert cv_number(0.5505, NATIONAL) == "0.551"
    assert cv_number(0.4995, NATIONAL) == "0.500"
    assert cv_number(None, NATIONAL) == "无定义"


# CVs as a county's figures give them: up to 6 decimals, between 0 and 2
six_decimals = st.integers(min_value=0, max_value=2_000_000).map(lambda k: k / 1_000_000)


@settings(max_examples=40, deadline=None)
@given(
    counties=st.lists(st.lists(six_decimals, min_size=1, max_size=8), min_size=1, max_size=25),
    rule=st.sampled_from(list(Rounding)),
)
def test_the_composite_agrees_with_rounding_on_paper(counties: list[list[float]], rule: Rounding) -> None:
    levels = pl.DataFrame(
        [(f"县{c}", 2025, "junior", f"B{i}", cv) for c, cvs in enumerate(counties) for i, cv in enumerate(cvs)],
        schema=["county", "year", "level", "indicator", "cv"],
        orient="row",
    )
    result = composite_coefficients(levels, dataclasses.replace(BASIC, rounding=rule))
    assert result is not None
    expected = [float(oracle.composite(cvs, rule.decimal_mode)) for cvs in counties]
    assert result["composite"].to_list() == expected


@settings(max_examples=120, deadline=None)
@given(
    value=st.one_of(six_decimals, st.integers(min_value=0, max_value=10**9).map(lambda k: k / 10**9)),
    decimals=st.integers(min_value=0, max_value=4),
    rule=st.sampled_from(list(Rounding)),
)
def test_a_figure_rounds_as_its_written_decimal_does(value: float, decimals: int, rule: Rounding) -> None:
    expected = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=rule.decimal_mode)
    assert rounded_decimal(value, decimals, rule) == expected
    units = pl.select(rounded_units(pl.lit(value, dtype=pl.Float64), decimals, rule)).item()
    assert units == int(expected.scaleb(decimals))
