"""How a figure is written, per kind of quantity (issue 12 §6): separators, fixed decimals, units, —."""

from __future__ import annotations

import ast
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from junheng import numbers
from junheng.numbers import FORMS, Quantity, figure, number
from junheng.standards import Rounding, load_standard

NATIONAL = load_standard("national-2017")


@pytest.mark.parametrize(
    ("value", "kind", "unit", "text"),
    [
        (7176, Quantity.COUNT, "人", "7,176 人"),
        (312, Quantity.COUNT, "所", "312 所"),
        (0, Quantity.COUNT, "间", "0 间"),
        (-150, Quantity.COUNT, "个", "-150 个"),
        (3315.714, Quantity.MONEY, None, "3,315.71 元"),
        (52000, Quantity.MONEY, None, "52,000.00 元"),
        (1234.5, Quantity.AREA, None, "1,234.50 ㎡"),
        (3.3333333, Quantity.VALUE, "人", "3.333 人"),
        (17.5, Quantity.AVERAGE, "人", "17.5 人"),
        (0.125, Quantity.SHARE, None, "12.5%"),
        (Decimal("0.857142"), Quantity.RATE, None, "85.71%"),
        (1, Quantity.RATE, None, "100.00%"),
        (0.4375, Quantity.COEFFICIENT, None, "0.438"),
        (0.02345, Quantity.INDEX, None, "0.0235"),
        (87.25, Quantity.SCORE, None, "87.3 分"),
    ],
)
def test_each_kind_has_its_decimals_separators_and_unit(
    value: float | Decimal, kind: Quantity, unit: str | None, text: str
) -> None:
    assert figure(value, kind, unit) == text


@pytest.mark.parametrize("kind", list(Quantity))
@pytest.mark.parametrize("missing", [None, float("nan"), float("inf"), float("-inf"), Decimal("NaN")])
def test_nothing_to_show_is_a_dash_without_unit(kind: Quantity, missing: float | Decimal | None) -> None:
    assert figure(missing, kind, "人") == "—"
    assert number(missing, kind) == "—"


def test_a_number_is_the_figure_without_its_unit_for_a_cell_under_a_titled_column() -> None:
    assert number(7176, Quantity.COUNT) == "7,176"
    assert number(3315.714, Quantity.MONEY) == "3,315.71"
    assert number(0.125, Quantity.SHARE) == "12.5"


def test_a_huge_figure_keeps_every_digit() -> None:
    assert figure(123_456_789_012.345, Quantity.MONEY) == "123,456,789,012.35 元"
    assert figure(10**15, Quantity.COUNT, "人") == "1,000,000,000,000,000 人"


def test_a_negative_figure_that_rounds_to_zero_has_no_minus_sign() -> None:
    assert number(-0.0004, Quantity.VALUE) == "0.000"
    assert number(-0.004, Quantity.MONEY) == "0.00"
    assert number(-0.0051, Quantity.MONEY) == "-0.01"


def test_halves_round_up_on_the_written_figure_not_its_binary_value() -> None:
    # 2.675 is stored as 2.67499999…; 四舍五入 on the figure a person reads gives 2.68, as Excel's ROUND.
    assert number(2.675, Quantity.MONEY) == "2.68"
    assert number(1.0005, Quantity.VALUE) == "1.001"
    assert number(0.0625, Quantity.SHARE) == "6.3"
    assert number(-2.5, Quantity.COUNT) == "-3"


def test_a_coefficient_takes_its_standards_decimals_and_rounding() -> None:
    """standard.md §3: the published tables round 0.5505 四舍五入 to 0.551."""
    assert numbers.coefficient(0.5505, NATIONAL) == "0.551"
    assert numbers.coefficient(0.33, NATIONAL) == "0.330"
    half_even = replace(NATIONAL, rounding=Rounding.HALF_EVEN)
    assert numbers.coefficient(0.5505, half_even) == "0.550"
    four = replace(NATIONAL, report_decimals=4)
    assert numbers.coefficient(0.55055, four) == "0.5506"
    assert numbers.coefficient(None, NATIONAL) == "—"


def test_the_default_coefficient_decimals_are_the_bundled_standards() -> None:
    for name in ("national-2017", "basic-2012"):
        standard = load_standard(name)
        assert (standard.report_decimals, standard.rounding) == (FORMS[Quantity.COEFFICIENT].decimals, Rounding.HALF_UP)


@pytest.mark.parametrize(
    ("unit", "kind"), [("㎡", Quantity.AREA), ("元", Quantity.MONEY), ("人", Quantity.COUNT), ("", Quantity.COUNT)]
)
def test_a_figure_given_in_a_unit_is_written_as_its_kind(unit: str, kind: Quantity) -> None:
    assert numbers.quantity_of(unit) is kind


@pytest.mark.parametrize(
    ("value", "text"), [("2000", "2,000"), ("1.0", "1.0"), ("0.50", "0.50"), ("12500.5", "12,500.5")]
)
def test_a_standards_figure_keeps_the_decimals_it_is_written_with(value: str, text: str) -> None:
    assert numbers.standard_figure(Decimal(value)) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(420, "㎡", "420.00"), (52000, "元", "52,000.00"), (3, "名", "3"), (2.5, "间", "2.5"), (1234.0, "名", "1,234")],
)
def test_a_resource_is_written_by_its_unit(value: float, unit: str, text: str) -> None:
    assert numbers.amount(value, unit) == text


def test_the_formatter_is_pure_so_the_report_and_the_command_line_write_figures_as_the_pages_do() -> None:
    imported: list[str] = []
    for node in ast.walk(ast.parse(Path(numbers.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    assert "junheng.standards" in imported
    assert [name for name in imported if name.startswith(("django", "junheng.web", "junheng.io"))] == []
