"""The self-evaluation report (自评报告) as one structure, built once from the assessment and the evaluation.

Every writer (Word, PDF, the Excel annex, the charts) renders this structure and computes nothing, so a
figure reads the same in every file, and the same as on the county's page: the items' figures are the
assessment's own strings (the core's `junheng.assessment`), the coefficients are worded by
`junheng.messages` as the page words them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from junheng import messages as msg
from junheng.assessment import Assessment, Dimension, State
from junheng.engine import Evaluation
from junheng.engine.indicators import value_column
from junheng.engine.rules import floor_column, meets_column
from junheng.numbers import Quantity, figure, number
from junheng.report.problems import LedgerEntry, Problem, reconcile

MET, AT_FLOOR, BELOW_FLOOR = "met", "floor", "below"
COMPLIANCE_WORDS = {MET: "达标", AT_FLOOR: "未达标但不低于基本值", BELOW_FLOOR: "低于基本值"}
CARRIED, NEW, CLOSED = "延续整改", "新发现", "已整改"


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table of text cells; `sheet` names it in the Excel annex (≤ 31 characters)."""

    title: str
    sheet: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    paragraphs: tuple[str, ...]
    tables: tuple[Table, ...]
    charts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CvPoint:
    """One difference coefficient for the chart: unrounded, with its limit (None when undefined), and its
    label as the report shows it (the standard's decimals and rounding rule, or 无定义)."""

    level: str
    indicator: str
    cv: float | None
    limit: float | None
    label: str


@dataclass(frozen=True, slots=True)
class SurveyGroup:
    """One respondent group of the survey (standard.md §7), as the survey's results give it."""

    label: str
    issued: int
    responses: int
    valid: int
    rate: Decimal | None
    return_rate: Decimal | None


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    county: str
    year: int
    standard: str
    standard_title: str
    state: State
    headline: str
    reasons: tuple[str, ...]
    sections: tuple[Section, ...]
    cvs: tuple[CvPoint, ...]
    indicators: tuple[str, ...]
    indicator_names: tuple[tuple[str, str], ...]  # (code, name), in the standard's order
    matrix: tuple[tuple[str, tuple[str, ...]], ...]
    survey: tuple[SurveyGroup, ...]
    survey_minimum: float | None
    ledger: tuple[LedgerEntry, ...]

    def tables(self) -> tuple[Table, ...]:
        """Every table of the report in order: the Excel annex's sheets."""
        return tuple(t for s in self.sections for t in s.tables)


CHART_CV, CHART_MATRIX, CHART_SURVEY = "cv", "matrix", "survey"


def report_title(county: str) -> str:
    return f"{county}义务教育优质均衡发展自评报告"


def build_report(
    *,
    assessment: Assessment,
    evaluation: Evaluation,
    survey: Sequence[SurveyGroup] = (),
    ledger: Sequence[LedgerEntry] = (),
) -> Report:
    """The report of a county's year: the assessment, one section per dimension, the vetoes, 问题清单 and 整改.

    `ledger` is the county's rectification ledger as stored before this year's report; the problems of
    this year are reconciled with it (`problems.reconcile`) without storing anything.
    """
    found = problems_of(assessment, evaluation)
    entries = reconcile(ledger, found, assessment.year).entries
    sections = [_summary(assessment)]
    for dimension in assessment.dimensions:
        sections.append(_dimension(dimension, evaluation, survey))
    sections.append(_vetoes(assessment))
    sections.append(_ledger(entries, assessment.year))
    return Report(
        title=report_title(assessment.county),
        county=assessment.county,
        year=assessment.year,
        standard=assessment.standard,
        standard_title=assessment.standard_title,
        indicator_names=tuple((ind.id, ind.name) for ind in evaluation.standard.indicators),
        state=assessment.state,
        headline=assessment.headline,
        reasons=assessment.reasons,
        sections=tuple(sections),
        cvs=_cv_points(evaluation),
        indicators=tuple(evaluation.standard.indicator_ids),
        matrix=_matrix(evaluation),
        survey=tuple(survey),
        survey_minimum=_survey_minimum(evaluation),
        ledger=entries,
    )


def problems_of(assessment: Assessment, evaluation: Evaluation) -> tuple[Problem, ...]:
    """问题清单: every indicator a failing school does not meet, and every coefficient, item and veto that fails.

    Pending items count: the county cannot pass while they stay pending. The school rule's item is
    given school by school and indicator by indicator instead of as one line.
    """
    found = [_school_problem(evaluation, row, ind) for row, ind in _failing_school_indicators(evaluation)]
    for dimension in assessment.dimensions:
        for item in dimension.items:
            if item.state is State.PASSED or (item.kind == "resources" and item.schools):
                continue
            reasons = "；".join(item.reasons) or str(item.state)
            found.append(Problem(f"item:{item.id}", f"{dimension.name} {item.id} {item.name}：{reasons}"))
    for veto in assessment.vetoes:
        if veto.check is not None and veto.check.applies:
            note = veto.check.note
            found.append(Problem(f"veto:{veto.key}", f"一票否决：{veto.label}" + (f"（{note}）" if note else "")))
    return tuple(found)


def _failing_school_indicators(evaluation: Evaluation) -> list[tuple[dict[str, object], str]]:
    if evaluation.standard.school_rule is None:
        return []
    return [
        (row, ind)
        for row in evaluation.schools.iter_rows(named=True)
        if row["pass"] is False
        for ind in evaluation.standard.indicator_ids
        if not row[meets_column(ind)]
    ]


def _school_problem(evaluation: Evaluation, row: dict[str, object], indicator_id: str) -> Problem:
    standard = evaluation.standard
    level = str(row["level"])
    value = row[value_column(indicator_id)]
    above = row[floor_column(indicator_id)]
    text = msg.indicator_miss_text(
        standard,
        level,
        standard.indicator(indicator_id),
        float(value) if isinstance(value, int | float) else None,
        above if isinstance(above, bool) else None,
    )
    school = f"{row['school_name']}（{msg.level_label(level)}）"
    return Problem(f"school:{row['school_id']}:{level}:{indicator_id}", f"{school} {text}")


def _summary(assessment: Assessment) -> Section:
    rows = [(d.name, str(d.state), d.counts) for d in assessment.dimensions]
    applying = [v.label for v in assessment.vetoes if v.applies]
    unchecked = [v.label for v in assessment.vetoes if v.applies is None]
    veto = "存在：" + "、".join(applying) if applying else f"未核查 {len(unchecked)} 项" if unchecked else "不存在"
    rows.append(("一票否决项", str(State.FAILED if applying else State.PENDING if unchecked else State.PASSED), veto))
    table = Table("评估结论", "评估结论", ("维度", "结果", "说明"), tuple(rows))
    paragraphs = [
        assessment.headline,
        f"评估依据：{assessment.standard_title}（{assessment.standard}）",
        f"{assessment.state}：{assessment.counts}。",
    ]
    if assessment.failures:
        paragraphs.append("未达标的项目：")
        paragraphs.extend(f"{n}. {r}" for n, r in enumerate(assessment.failures, 1))
    if assessment.pendings:
        paragraphs.append("待判定的项目（尚缺数据、认定或核查）：")
        paragraphs.extend(f"{n}. {r}" for n, r in enumerate(assessment.pendings, 1))
    return Section("一、评估结论", tuple(paragraphs), (table,))


_NUMBERS = "二三四五六七八九"


def _dimension(dimension: Dimension, evaluation: Evaluation, survey: Sequence[SurveyGroup]) -> Section:
    position = {"resources": 0, "guarantee": 1, "quality": 2, "recognition": 3}[dimension.key]
    title = f"{_NUMBERS[position]}、{dimension.name}"
    rows = tuple(
        (
            item.id,
            item.name,
            check.label,
            check.figure,
            check.threshold,
            str(check.state),
        )
        for item in dimension.items
        for check in item.checks
    )
    items = Table(f"{dimension.name}评估项", dimension.name, ("评估项", "名称", "检查", "数据", "标准", "结果"), rows)
    paragraphs = (f"{dimension.name}：{dimension.state}（{dimension.counts}）。",)
    if dimension.key == "resources":
        tables = (items, *_resource_tables(evaluation))
        return Section(title, paragraphs, tables, (CHART_CV, CHART_MATRIX))
    if dimension.key == "recognition":
        return Section(title, paragraphs, (items, _survey_table(survey)), (CHART_SURVEY,) if survey else ())
    return Section(title, paragraphs, (items,))


def _resource_tables(evaluation: Evaluation) -> tuple[Table, ...]:
    standard = evaluation.standard
    cv_rows = []
    for row in evaluation.levels.iter_rows(named=True):
        indicator = standard.indicator(row["indicator"])
        limit = standard.cv_limits.get(row["level"])
        cv_rows.append(
            (
                msg.level_label(row["level"]),
                f"{indicator.id} {indicator.name}",
                number(row["schools"], Quantity.COUNT),
                number(row["students"], Quantity.COUNT),
                number(row["mean"], Quantity.VALUE),
                msg.cv_number(row["cv"], standard),
                msg.NOT_APPLICABLE if limit is None else str(limit),
                msg.met_word(row["pass"]),
            )
        )
    header = (msg.LEVEL, msg.INDICATOR, "学校数", msg.STUDENTS, msg.MEAN, msg.CV, msg.LIMIT, msg.IS_MET)
    cvs = Table("差异系数", msg.CV, header, tuple(cv_rows))
    school_rows = []
    for row in evaluation.schools.iter_rows(named=True):
        values = []
        for ind in standard.indicators:
            threshold = ind.threshold(row["level"])
            values.append(msg.value_text(ind, row[value_column(ind.id)], threshold).strip())
        judged = "pass" in row and row["pass"] is not None
        school_rows.append(
            (
                str(row["school_name"]),
                msg.level_label(row["level"]),
                number(row["students"], Quantity.COUNT),
                *values,
                msg.met_word(row["pass"]) if judged else msg.NOT_APPLICABLE,
            )
        )
    schools = Table(
        "各校指标值",
        "各校指标值",
        ("学校", msg.LEVEL, msg.STUDENTS, *standard.indicator_ids, "学校达标"),
        tuple(school_rows),
    )
    return cvs, schools


def _cv_points(evaluation: Evaluation) -> tuple[CvPoint, ...]:
    return tuple(
        CvPoint(
            msg.level_label(row["level"]),
            row["indicator"],
            row["cv"],
            row["limit"],
            msg.cv_number(row["cv"], evaluation.standard),
        )
        for row in evaluation.levels.iter_rows(named=True)
    )


def _matrix(evaluation: Evaluation) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each school part's state per indicator: met, below threshold but at or above the floor, below floor."""
    if evaluation.standard.school_rule is None:
        return ()
    ids = evaluation.standard.indicator_ids
    return tuple(
        (
            f"{row['school_name']}（{msg.level_label(row['level'])}）",
            tuple(MET if row[meets_column(i)] else AT_FLOOR if row[floor_column(i)] else BELOW_FLOOR for i in ids),
        )
        for row in evaluation.schools.iter_rows(named=True)
    )


def _survey_minimum(evaluation: Evaluation) -> float | None:
    settings = evaluation.standard.recognition
    return None if settings is None else float(settings.min_rate)


def percent(value: Decimal | float | None) -> str:
    """A rate as the survey page shows it: 87.50%, or — without one."""
    return figure(value, Quantity.RATE)


def _survey_table(survey: Sequence[SurveyGroup]) -> Table:
    rows = tuple(
        (
            g.label,
            number(g.issued, Quantity.COUNT),
            number(g.responses, Quantity.COUNT),
            number(g.valid, Quantity.COUNT),
            percent(g.return_rate),
            percent(g.rate),
        )
        for g in survey
    )
    header = ("调查对象", "发放", "回收", "有效答卷", "有效回收率", "认可度")
    return Table("社会认可度调查（分对象）", "社会认可度调查", header, rows)


def _vetoes(assessment: Assessment) -> Section:
    rows = tuple(
        (
            v.label,
            "未核查" if v.applies is None else "存在（一票否决）" if v.applies else "不存在",
            (v.check.note if v.check else "") or msg.NOT_APPLICABLE,
        )
        for v in assessment.vetoes
    )
    table = Table("一票否决项核查", "一票否决项", ("否决项", "核查结果", "说明"), rows)
    return Section("六、一票否决项", (), (table,))


def _ledger(entries: Sequence[LedgerEntry], year: int) -> Section:
    open_rows = [e for e in entries if e.closed_year is None]
    closed_rows = [e for e in entries if e.closed_year == year]
    problems = Table(
        "问题清单",
        "问题清单",
        ("序号", "问题", "首次发现年度", "整改状态"),
        tuple(
            (str(n), e.text, str(e.year_found), CARRIED if e.year_found < year else NEW)
            for n, e in enumerate(open_rows, 1)
        ),
    )
    closed = Table(
        "本年度已整改的问题",
        "已整改问题",
        ("序号", "问题", "首次发现年度", "整改完成年度"),
        tuple((str(n), e.text, str(e.year_found), str(e.closed_year)) for n, e in enumerate(closed_rows, 1)),
    )
    paragraphs = (
        f"本年度问题 {len(open_rows)} 项，其中延续整改 {sum(e.year_found < year for e in open_rows)} 项；"
        f"上年度问题本年度已整改 {len(closed_rows)} 项。",
    )
    return Section("七、问题清单与整改", paragraphs, (problems, closed))
