"""A school's figures read from the statistics, each with where it came from (issue 13 §3, §4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from junheng.schema import FIELDS_BY_KEY, Kind
from junheng.stats.grid import Found, Grid, Miss
from junheng.stats.layout import Layout, Term
from junheng.stats.problems import Problem


@dataclass(frozen=True, slots=True)
class Source:
    """One cell a figure was read from: file, sheet, cell, its row and column labels and its text as stored;
    `arithmetic` says what was done with it (“×10000（万元→元）”, “减去”)."""

    file: str
    sheet: str
    cell: str
    row_label: str
    column_label: str
    cell_text: str  # the cell as written
    arithmetic: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    """A field's value (None when the statistics do not give it) and the cells it was read from."""

    key: str
    value: Decimal | None
    sources: tuple[Source, ...]
    why_missing: str = ""


@dataclass
class School:
    """A school (or teaching point) as the statistics describe it."""

    file: str
    school_id: str
    school_name: str
    school_type: str | None
    county: str
    counted: bool = True
    figures: dict[str, Figure] = field(default_factory=dict)
    mapped: frozenset[str] = frozenset()  # the fields the layout that read it maps


@dataclass(frozen=True, slots=True)
class Located:
    """A term's cell in its sheet, or why it could not be found."""

    file: str
    sheet: str
    found: Found | Miss


def term_applies(term: Term, layout: Layout) -> bool:
    """Whether the term counts under the layout's settings (`when`)."""
    return term.when is None or bool(getattr(layout.settings, term.when))


def locate(file: str, sheet: str, grid: Grid, term: Term) -> Located:
    """The term's cell in a per-school table."""
    return Located(file, sheet, grid.find(term.row, term.column, term.block))


def evaluate_terms(key: str, parts: list[tuple[Term, Located]], layout: Layout, problems: list[Problem]) -> Figure:
    """The field's value: the sum of its terms' cells with their sign and scale. A label not found or text
    in a number cell is a problem; a not-applicable cell (`*`) or a blank the form leaves open is noted
    on the figure, which is then missing, never zero."""
    total = Decimal(0)
    sources: list[Source] = []
    why = ""
    for term, located in parts:
        found = located.found
        if isinstance(found, Miss):
            problems.append(Problem(located.file, located.sheet, found.cell, found.message))
            why = why or f"{located.sheet} 中{found.message}"
            continue
        source = Source(
            located.file,
            located.sheet,
            found.cell,
            found.row_label,
            found.column_label,
            found.cell_text,
            _arithmetic(term),
        )
        sources.append(source)
        value, reason, fatal = _value(found.cell_text, term, layout)
        if reason:
            problems.append(Problem(located.file, located.sheet, found.cell, reason, fatal=fatal))
            why = why or f"{located.sheet}!{found.cell}：{reason}"
            continue
        assert value is not None
        total += value * term.scale * term.sign
    if why:
        return Figure(key, None, tuple(sources), why)
    spec = FIELDS_BY_KEY[key]
    if spec.maximum is not None and total > Decimal(str(spec.maximum)) and sources:
        first = sources[-1]
        bound = f"{spec.maximum:,.0f}{spec.unit or ''}"
        message = f"{spec.label}读得 {total:,}，超过合理上限 {bound}；请核对数值和单位（如万元与元）"
        problems.append(Problem(first.file, first.sheet, first.cell, message))
        return Figure(key, None, tuple(sources), message)
    if spec.kind is Kind.INTEGER and total != total.to_integral_value():
        first = sources[0]
        message = f"{spec.label}应为整数，读得 {total}；请在统计表中改正后重新导入"
        problems.append(Problem(first.file, first.sheet, first.cell, message))
        return Figure(key, None, tuple(sources), message)
    return Figure(key, total, tuple(sources))


def _value(raw: str, term: Term, layout: Layout) -> tuple[Decimal | None, str, bool]:
    """The cell's number, or why there is none and whether that makes the figure unusable."""
    text = raw.replace(",", "").replace("，", "").strip()
    if text in layout.settings.not_applicable:
        return None, f"统计表中为“{text}”（不适用），未当作 0；请核实后补填", False
    if not text:
        if term.blank == "zero":
            return Decimal(0), "", False
        return None, "统计表中为空，未当作 0；请核实后补填", False
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"“{raw}”不是数字：此处应填数值；请在统计表中改正后重新导入", True
    if not value.is_finite() or value < 0:
        return None, f"“{raw}”不是有效的数值：此处应填不小于 0 的数；请在统计表中改正后重新导入", True
    return value, "", False


def _arithmetic(term: Term) -> str:
    steps = []
    if term.sign == -1:
        steps.append("减去")
    if term.scale != 1:
        unit = f"（{term.unit}→元）" if term.unit == "万元" else (f"（{term.unit}）" if term.unit else "")
        steps.append(f"×{term.scale}{unit}")
    return "".join(steps)
