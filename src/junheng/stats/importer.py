"""Reading a county's statistics workbooks into the data file's records, with provenance and what is missing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from junheng.schema import FIELDS, FIELDS_BY_KEY, SCHOOL_TYPE_LEVELS, Kind
from junheng.stats.figures import Figure, School
from junheng.stats.grid import normalise
from junheng.stats.layout import IDENTITY_KEYS, Layout, builtin_layout_names, load_layout
from junheng.stats.per_school import read_school, tables_of
from junheng.stats.problems import Problem
from junheng.stats.sources import Workbook
from junheng.stats.tables import code_prefix
from junheng.stats.wide import is_wide, read_wide

_SCHOOL_YEAR = re.compile(r"(\d{4})\s*/\s*\d{4}\s*学年")
_COVER_ROWS = 20


@dataclass
class StatsImport:
    """What the workbooks hold: the schools (teaching points among them), the year, and every problem."""

    schools: list[School] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    year: int | None = None

    @property
    def stopping(self) -> list[Problem]:
        """The problems that leave a figure unusable: with any, nothing should be stored."""
        return [problem for problem in self.problems if problem.fatal]


def import_workbooks(
    workbooks: list[Workbook],
    *,
    layout: Layout | None = None,
    year: int | None = None,
    county: str | None = None,
) -> StatsImport:
    """Read every workbook with `layout` (else the built-in layout of the codes its sheets carry) and merge
    the schools found, a school found in several files (一贯制 in each 学段's wide file) once; `county`,
    when given, names every school's county."""
    result = StatsImport(year=year)
    by_id: dict[str, School] = {}
    for workbook in workbooks:
        if year is None:
            _check_year(result, workbook)
        chosen = layout or _layout_for(workbook, result.problems)
        if chosen is None:
            continue
        mapped = frozenset(chosen.fields) | frozenset(chosen.wide.fields if chosen.wide else ())
        for school in _schools(workbook, chosen, result.problems):
            school.mapped = mapped
            school.county = county or school.county
            _merge(by_id, school, result.problems)
    if result.year is None and workbooks:
        message = "无法从封面或标题确定统计年度（如“2020/2021 学年初”）；请用 --year 指定"
        result.problems.append(Problem(workbooks[0].file, None, None, message))
    result.schools = [_absent_levels_zero(school) for school in by_id.values()]
    for school in result.schools:
        if not school.county:
            message = f"无法确定{school.school_name}所在的县区（统计表中没有或为空）；请用 --county 指定"
            result.problems.append(Problem(school.file, None, None, message))
    result.problems = list(dict.fromkeys(result.problems))
    return result


def _schools(workbook: Workbook, layout: Layout, problems: list[Problem]) -> list[School]:
    if not tables_of(workbook):
        wide = [sheet for sheet in workbook.sheets if is_wide(sheet, layout)]
        if wide:
            return [school for sheet in wide for school in read_wide(workbook, sheet, layout, problems)]
    school = read_school(workbook, layout, problems)
    return [] if school is None else [school]


@cache
def _builtin_by_prefix() -> dict[str, Layout]:
    layouts = [load_layout(name) for name in builtin_layout_names()]
    return {layout.code_prefix: layout for layout in reversed(layouts)}


def _layout_for(workbook: Workbook, problems: list[Problem]) -> Layout | None:
    """The built-in layout of the generation whose table codes the workbook carries (基础基 or 教基)."""
    codes = list(tables_of(workbook))
    if not codes:
        header = " ".join(cell for sheet in workbook.sheets for row in sheet.grid.rows[:8] for cell in row)
        codes = re.findall(r"基础基\d+|教基\d+", header)
    if not codes:
        message = "找不到统计表的表号（基础基NNN 或 教基NNNN）：工作表名或标题中应有表号；或用 --layout 指定格式"
        problems.append(Problem(workbook.file, None, None, message))
        return None
    return _builtin_by_prefix().get(code_prefix(codes[0]))


def _check_year(result: StatsImport, workbook: Workbook) -> None:
    """The import's year from the first workbook that says it; a workbook of another year is a problem."""
    found = _school_year(workbook)
    if found is None:
        return
    if result.year is None:
        result.year = found
    elif found != result.year:
        message = f"此工作簿为 {found} 学年初的统计，而其他工作簿为 {result.year} 学年初；请分年度分别导入"
        result.problems.append(Problem(workbook.file, None, None, message))


def _school_year(workbook: Workbook) -> int | None:
    for sheet in workbook.sheets:
        for row in sheet.grid.rows[:_COVER_ROWS]:
            for cell in dict.fromkeys(row):
                match = _SCHOOL_YEAR.search(normalise(cell)) if cell else None
                if match:
                    return int(match.group(1))
    return None


def _merge(by_id: dict[str, School], school: School, problems: list[Problem]) -> None:
    """Add a school, or its figures to the same school found in another file; a whole-school figure the
    files give differently is a problem."""
    known = by_id.get(school.school_id)
    if known is None:
        by_id[school.school_id] = school
        return
    for key, figure in school.figures.items():
        held = known.figures.get(key)
        if held is None or (held.value is None and figure.value is not None):
            known.figures[key] = figure
        elif figure.value is not None and held.value != figure.value and figure.sources:
            source = figure.sources[0]
            label = FIELDS_BY_KEY[key].label
            message = (
                f"{school.school_name}的{label}为 {figure.value}，而 {held.sources[0].file} 中为 {held.value}；请核对"
            )
            problems.append(Problem(source.file, source.sheet, source.cell, message))


def _absent_levels_zero(school: School) -> School:
    """The per-学段 counts the statistics hold, for a 学段 the school does not have: 0 (contracts.md §1)."""
    if school.school_type is None:
        return school
    levels = SCHOOL_TYPE_LEVELS[school.school_type]
    for spec in FIELDS:
        if spec.key in school.mapped and spec.level is not None and spec.level not in levels:
            school.figures.setdefault(spec.key, Figure(spec.key, Decimal(0), ()))
    return school


def to_fill(school: School) -> list[tuple[str, str]]:
    """The data file's fields the statistics did not give for the school, with why (待补填), in field order;
    a 学段's fields only for a school that has the 学段."""
    levels = SCHOOL_TYPE_LEVELS.get(school.school_type or "", ())
    out = []
    for spec in FIELDS:
        figure = school.figures.get(spec.key)
        if spec.key in IDENTITY_KEYS or (spec.level is not None and spec.level not in levels):
            continue
        if figure is None:
            out.append((spec.key, "统计报表中没有这一项，请另行填报"))
        elif figure.value is None:
            out.append((spec.key, figure.why_missing))
    return out


def record(school: School, year: int | None) -> dict[str, object]:
    """The school as a data-file record keyed by field key (contracts.md §1); missing figures null."""
    out: dict[str, object] = {
        "year": year,
        "county": school.county,
        "school_id": school.school_id,
        "school_name": school.school_name,
        "school_type": school.school_type,
    }
    for key, figure in school.figures.items():
        out[key] = _typed(figure, FIELDS_BY_KEY[key].kind)
    return out


def _typed(figure: Figure, kind: Kind) -> int | float | None:
    if figure.value is None:
        return None
    return int(figure.value) if kind is Kind.INTEGER else float(figure.value)
