"""Reading a per-school statistics workbook: one sheet per table, named by its code (statistics-report.md §3 A, B)."""

from __future__ import annotations

import re

from junheng.schema import FIELDS_BY_KEY, SCHOOL_TYPE_LEVELS
from junheng.stats.figures import Figure, Located, School, evaluate_terms, locate, term_applies
from junheng.stats.grid import Miss, normalise
from junheng.stats.layout import Layout, Term
from junheng.stats.problems import Problem
from junheng.stats.sources import Sheet, Workbook
from junheng.stats.tables import canonical_code, sheet_table


def tables_of(workbook: Workbook) -> dict[str, Sheet]:
    """The workbook's table sheets by canonical code (the first sheet of a code wins)."""
    tables: dict[str, Sheet] = {}
    for sheet in workbook.sheets:
        found = sheet_table(sheet)
        if found is not None:
            tables.setdefault(found[0], sheet)
    return tables


def read_school(workbook: Workbook, layout: Layout, problems: list[Problem]) -> School | None:
    """The school a per-school workbook describes, with every field the layout maps; None (with problems)
    when the workbook does not say which school it is."""
    tables = tables_of(workbook)
    identity = layout.identity
    form = tables.get(canonical_code(identity.table))
    if form is None:
        problems.append(Problem(workbook.file, None, None, f"缺少基本情况表 {identity.table}：无法确定是哪所学校"))
        return None
    values: dict[str, str] = {}
    for key in ("school_name", "school_id", "school_type", "county"):
        labels = getattr(identity, key)
        if identity.mode == "below":
            found = form.grid.find_below(labels, identity.skip)
        else:
            found = form.grid.find(labels, identity.column)
        if isinstance(found, Miss) or not found.cell_text:
            why = found.message if isinstance(found, Miss) else f"“{labels[0]}”一项为空"
            # the county may be given on the command line instead: checked once every school is read
            problems.append(Problem(workbook.file, form.name, found.cell, why, fatal=key != "county"))
            continue
        values[key] = found.cell_text
    school_type = _school_type(workbook, layout, values.get("school_type", ""), form, problems)
    if "school_id" not in values or "school_name" not in values:
        return None
    school = School(workbook.file, values["school_id"], values["school_name"], school_type, values.get("county", ""))
    school.counted = school_type != "teaching_point"
    if school_type is None:
        return school  # which tables it must fill is unknown; its 办学类型 is the problem reported
    levels = SCHOOL_TYPE_LEVELS.get(school_type or "", ())
    missing_tables: set[str] = set()
    for key, terms in layout.fields.items():
        level = FIELDS_BY_KEY[key].level
        if level is not None and level not in levels:
            continue
        parts: list[tuple[Term, Located]] = []
        absent = ""
        for term in terms:
            if not term_applies(term, layout):
                continue
            assert term.table is not None
            sheet = tables.get(canonical_code(term.table))
            if sheet is None:
                absent = term.table
                break
            parts.append((term, locate(workbook.file, sheet.name, sheet.grid, term)))
        if absent:
            if absent not in missing_tables:
                missing_tables.add(absent)
                problems.append(Problem(workbook.file, None, None, f"缺少表 {absent}（本校应填报此表）"))
            school.figures[key] = Figure(key, None, (), f"工作簿中没有表 {absent}")
            continue
        school.figures[key] = evaluate_terms(key, parts, layout, problems)
    return school


def _school_type(workbook: Workbook, layout: Layout, written: str, form: Sheet, problems: list[Problem]) -> str | None:
    """The school type from the sheet names' suffix (教基3112_九年一贯制学校), else the form's 办学类型."""
    types = {normalise(label): key for label, key in layout.school_types.items()}
    for sheet in workbook.sheets:
        found = sheet_table(sheet)
        if found is not None and found[1] in types:
            return types[found[1]]
    label = normalise(re.sub(r"^\d+", "", written))
    if label in types:
        return types[label]
    if written:
        shown = "、".join(layout.school_types)
        problems.append(Problem(workbook.file, form.name, None, f"办学类型“{written}”无法识别；可识别：{shown}"))
    return None
