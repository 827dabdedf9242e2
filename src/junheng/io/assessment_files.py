"""The files `junheng assess` reads beside the school data file (docs/contracts.md §5), CSV or XLSX with a
header row naming the columns:

- figures: `figure,value[,county,year]`, one county figure per row (`figure` is the standard's key or
  its Chinese label; `value` a number ≥ 0, or 是/否 for a yes/no figure);
- decisions: `item,decision[,note,county,year]`, a judgement item (G1, Q3…) decided 达标/未达标, or a veto
  item (by key or label) checked 存在/不存在;
- survey: `issued,responses` and one column per answer of the standard's scale (非常满意…不了解), one
  row per respondent group (`group`, optional) with `county,year` optional; the groups are pooled.

`county` and `year` left out (or blank) mean every county-year of the data file. Every problem is
reported at once as `FILE:ROW:COLUMN: 说明`, like the school data file's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from junheng.assessment import Decision, Tally, VetoCheck, entries
from junheng.io.errors import DataFileError, DataIssue
from junheng.io.reader import read_labelled
from junheng.standards import Standard

Key = tuple[str | None, int | None]  # (county, year); None: every county, or every year
WHERE = ("county", "year")
V = TypeVar("V")


@dataclass(slots=True)
class Entered:
    """What the files give for each (county, year) key; `for_` picks what applies to one county-year."""

    figures: dict[Key, dict[str, int | float | bool]] = field(default_factory=dict)
    decisions: dict[Key, dict[str, Decision]] = field(default_factory=dict)
    vetoes: dict[Key, dict[str, VetoCheck]] = field(default_factory=dict)
    survey: dict[Key, list[Tally]] = field(default_factory=dict)

    def figures_for(self, county: str, year: int) -> dict[str, int | float | bool]:
        return _merged(self.figures, county, year)

    def decisions_for(self, county: str, year: int) -> dict[str, Decision]:
        return _merged(self.decisions, county, year)

    def vetoes_for(self, county: str, year: int) -> dict[str, VetoCheck]:
        return _merged(self.vetoes, county, year)

    def survey_for(self, county: str, year: int) -> Tally | None:
        """Every group's row that applies to the county-year, pooled; None when the file has none."""
        rows = [t for key in _keys(county, year) for t in self.survey.get(key, [])]
        if not rows:
            return None
        answers: dict[str, int] = {}
        for tally in rows:
            for option, n in tally.answers.items():
                answers[option] = answers.get(option, 0) + n
        return Tally(sum(t.issued for t in rows), sum(t.responses for t in rows), answers)


def _keys(county: str, year: int) -> tuple[Key, ...]:
    """The general keys first, so that a row for the county-year itself wins over one for every county."""
    return ((None, None), (county, None), (None, year), (county, year))


def _merged(found: Mapping[Key, dict[str, V]], county: str, year: int) -> dict[str, V]:
    out: dict[str, V] = {}
    for key in _keys(county, year):
        out |= found.get(key, {})
    return out


def read_figures(path: Path, standard: Standard, into: Entered) -> None:
    """The county figures of `path` into `into.figures`; DataFileError listing every bad row."""
    file = path.name
    by_label = {f.label: key for key, f in standard.county_figures.items()}
    issues: list[DataIssue] = []
    for row, cells in read_labelled(path, file, ("figure", "value"), WHERE):
        name, value = cells["figure"] or "", cells["value"]
        key = name if name in standard.county_figures else by_label.get(name)
        where = _where(file, row, cells, issues)
        if key is None:
            issues.append(DataIssue(file, row, "figure", f"“{name}”不是标准 {standard.name} 的县级数据项", name))
            continue
        spec = standard.county_figures[key]
        if value is None:
            continue  # blank: not entered
        parsed = entries.figure(spec.kind, value)
        if parsed is None:
            wanted = "“是”或“否”" if spec.kind == "flag" else "不小于 0 的数值"
            issues.append(DataIssue(file, row, "value", f"{spec.label}：“{value}”无效，应为{wanted}", value))
        elif where is not None:
            into.figures.setdefault(where, {})[key] = parsed
    if issues:
        raise DataFileError(issues)


def read_decisions(path: Path, standard: Standard, into: Entered) -> None:
    """Judgements and veto checks of `path` into `into.decisions` and `into.vetoes`."""
    file = path.name
    judged = {
        item_id: item.name
        for section in ("guarantee", "quality")
        for item_id, item in standard.items(section).items()
        if item.kind == "judgement"
    }
    vetoes = {v.key: v.key for v in standard.veto} | {v.label: v.key for v in standard.veto}
    issues: list[DataIssue] = []
    for row, cells in read_labelled(path, file, ("item", "decision"), ("note", *WHERE)):
        name, said, note = cells["item"] or "", cells["decision"] or "", cells["note"] or ""
        where = _where(file, row, cells, issues)
        if name in judged:
            passed = entries.decision(said)
            if passed is None:
                issues.append(
                    DataIssue(file, row, "decision", f"{name} 的认定应为“达标”或“未达标”，实际为“{said}”", said)
                )
            elif where is not None:
                into.decisions.setdefault(where, {})[name] = Decision(passed, note, decided_by=file)
        elif name in vetoes:
            applies = entries.applies(said)
            if applies is None:
                message = f"一票否决项“{name}”的核查结果应为“存在”或“不存在”，实际为“{said}”"
                issues.append(DataIssue(file, row, "decision", message, said))
            elif where is not None:
                into.vetoes.setdefault(where, {})[vetoes[name]] = VetoCheck(applies, note, checked_by=file)
        else:
            known = "、".join(judged) or "无"
            message = f"“{name}”不是需要认定的评估项或一票否决项；可认定的评估项有 {known}"
            issues.append(DataIssue(file, row, "item", message, name))
    if issues:
        raise DataFileError(issues)


def read_survey(path: Path, standard: Standard, into: Entered) -> None:
    """Each respondent group's links issued, valid responses and answers by option into `into.survey`."""
    file = path.name
    if standard.recognition is None:
        raise DataFileError([DataIssue(file, None, None, f"标准 {standard.name} 没有社会认可度调查的设置")])
    options = standard.recognition.options
    issues: list[DataIssue] = []
    for row, cells in read_labelled(path, file, ("issued", "responses"), ("group", *options, *WHERE)):
        counts: dict[str, int] = {}
        for column in ("issued", "responses", *options):
            text = cells[column]
            number = entries.amount(text) if text is not None else 0
            if not isinstance(number, int):
                issues.append(DataIssue(file, row, column, f"应为不小于 0 的整数，实际为“{text}”", text))
            else:
                counts[column] = number
        where = _where(file, row, cells, issues)
        if len(counts) < 2 + len(options) or where is None:
            continue
        if counts["responses"] > counts["issued"]:
            message = f"有效回收 {counts['responses']} 份，多于发放的 {counts['issued']} 份"
            issues.append(DataIssue(file, row, "responses", message, str(counts["responses"])))
            continue
        answers = {option: counts[option] for option in options}
        into.survey.setdefault(where, []).append(Tally(counts["issued"], counts["responses"], answers))
    if issues:
        raise DataFileError(issues)


def _where(file: str, row: int, cells: Mapping[str, str | None], issues: list[DataIssue]) -> Key | None:
    county, year = cells.get("county") or None, cells.get("year") or None
    if year is None:
        return county, None
    number = entries.amount(year)
    if not isinstance(number, int) or not 1900 <= number <= 2100:
        issues.append(DataIssue(file, row, "year", f"年度应为四位整数，实际为“{year}”", year))
        return None
    return county, number


def unknown_keys(entered: Entered, known: Iterable[tuple[str, int]]) -> list[str]:
    """The counties and years the files name that the data file does not hold (a typing slip, most often)."""
    pairs = set(known)
    counties, years = {c for c, _ in pairs}, {y for _, y in pairs}
    named = {*entered.figures, *entered.decisions, *entered.vetoes, *entered.survey}
    slips = []
    for county, year in sorted(named, key=str):
        if county is not None and county not in counties:
            slips.append(f"县区“{county}”不在学校数据文件中")
        elif year is not None and year not in years:
            slips.append(f"{year} 年度不在学校数据文件中")
    return slips
