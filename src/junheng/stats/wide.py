"""Reading a county's wide export: one row per school under multi-row merged headers, one file per 学段
(statistics-report.md §3 C). A per-学段 field comes from its own 学段's file; whole-school ones from any."""

from __future__ import annotations

import re

from junheng.schema import FIELDS_BY_KEY
from junheng.stats.figures import Figure, Located, School, evaluate_terms, term_applies
from junheng.stats.grid import Found, Grid, Miss, cell_name, normalise
from junheng.stats.layout import Layout, Term, Wide
from junheng.stats.problems import Problem
from junheng.stats.sources import Sheet, Workbook

_TITLE_ROWS = 3


def is_wide(sheet: Sheet, layout: Layout) -> bool:
    """Whether the sheet is a wide export the layout can read: its header names the school-name column."""
    if layout.wide is None:
        return False
    path = layout.wide.identity.school_name
    end = sheet.grid.header_end(path)
    return end is not None and isinstance(sheet.grid.find_column(path, end), int)


def file_level(workbook: Workbook, sheet: Sheet, wide: Wide) -> str | None:
    """The 学段 a wide file holds, by a word of its file name, else of its title rows (小学, 初中, 高中)."""
    name = re.split(r"[\\/!]", workbook.file)[-1]
    title = "".join(cell for row in sheet.grid.rows[:_TITLE_ROWS] for cell in dict.fromkeys(row))
    for text in (name, title):
        for word, level in wide.levels.items():
            if word in text:
                return level
    return None


def read_wide(workbook: Workbook, sheet: Sheet, layout: Layout, problems: list[Problem]) -> list[School]:
    """Every school row of a wide sheet, with the fields of the file's 学段 and the whole-school ones."""
    wide = layout.wide
    assert wide is not None
    level = file_level(workbook, sheet, wide)
    if level is None:
        words = "、".join(wide.levels)
        problems.append(
            Problem(workbook.file, sheet.name, None, f"无法判断此文件是哪个学段：文件名或标题中应含{words}之一")
        )
        return []
    grid = sheet.grid
    end = grid.header_end(wide.identity.school_name)
    assert end is not None
    identity = {}
    for key in ("school_name", "school_id", "school_type", "county", "counted"):
        column = grid.find_column(getattr(wide.identity, key), end)
        if isinstance(column, Miss):
            problems.append(Problem(workbook.file, sheet.name, None, column.message))
            return []
        identity[key] = column
    columns: dict[str, list[tuple[Term, int | Miss]]] = {}
    for key, terms in wide.fields.items():
        field_level = FIELDS_BY_KEY[key].level
        if field_level is not None and field_level != level:
            continue
        columns[key] = [(t, grid.find_column(t.column, end)) for t in terms if term_applies(t, layout)]
        for _, column in columns[key]:
            if isinstance(column, Miss):
                problems.append(Problem(workbook.file, sheet.name, None, column.message))
    types = {normalise(label): key for label, key in layout.school_types.items()}
    schools = []
    for row in range(end, len(grid.rows)):
        name = grid.text(row, identity["school_name"])
        if not name:
            continue
        type_text = grid.text(row, identity["school_type"])
        school = School(
            workbook.file,
            grid.text(row, identity["school_id"]) or name,
            name,
            types.get(normalise(re.sub(r"^\d+", "", type_text))),
            grid.text(row, identity["county"]),
            counted=grid.text(row, identity["counted"]) not in wide.not_counted,
        )
        if school.school_type is None:
            cell = cell_name(row, identity["school_type"])
            problems.append(Problem(workbook.file, sheet.name, cell, f"办学类型“{type_text}”无法识别"))
        if not school.counted:
            school.school_type = "teaching_point"
        for key, found in columns.items():
            if any(isinstance(column, Miss) for _, column in found):
                school.figures[key] = Figure(key, None, (), "宽表中找不到对应的列")
                continue
            parts = [
                (term, Located(workbook.file, sheet.name, _cell(grid, row, column, end, name)))
                for term, column in found
            ]
            school.figures[key] = evaluate_terms(key, parts, layout, problems)
        schools.append(school)
    return schools


def _cell(grid: Grid, row: int, column: int | Miss, end: int, school: str) -> Found:
    assert isinstance(column, int)
    return Found(row, column, school, " → ".join(grid.header_path(column, end)), grid.text(row, column))
