"""`evaluate --format table`: the Chinese terminal report, aligned in terminal cells."""

from __future__ import annotations

from typing import Any

import pytest

from junheng.engine import Evaluation, evaluate
from junheng.io.evaluation_table import display_width, grid, pad, render_table
from junheng.standards import load_standard
from tests.builders import junior_school, primary_school, table

NATIONAL = load_standard("national-2017")
BASIC = load_standard("basic-2012")


def records() -> list[dict[str, Any]]:
    """甲县 fails: P2 for too few indicators and below its floors, P3 below one floor only.

    乙县's only school has no backbone teacher (L2 mean 0, CV undefined); 丙县's sports-area CV is
    0.49984, within 0.0005 of the primary limit 0.50.
    """
    return [
        primary_school("P1", 500, county="甲县"),
        primary_school(
            "P2", 300, county="甲县", teachers_above_degree_primary=10, backbone_teachers_primary=0, multimedia_rooms=5
        ),
        primary_school("P3", 400, county="甲县", school_name="城西小学", sports_area_m2=2400.0),
        primary_school("S1", 30, county="甲县", school_name="特教学校", school_type="special"),
        junior_school("J1", 210, county="乙县", backbone_teachers_junior=0),
        primary_school("A", 300, county="丙县", sports_area_m2=7300.0),
        primary_school("B", 400, county="丙县", sports_area_m2=3500.0),
    ]


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return evaluate(table(*records()), NATIONAL)


@pytest.fixture(scope="module")
def report(evaluation: Evaluation) -> str:
    return render_table(evaluation)


def block(report: str, county: str) -> str:
    """The lines of one county's block."""
    (found,) = [b for b in report.split("=" * 80) if b.strip().startswith(county)]
    return found


def indicator_table(text: str, level: str) -> list[str]:
    """The header and the seven indicator rows under a 学段's heading."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{level}："))
    return lines[start + 1 : start + 2 + len(NATIONAL.indicators)]


def test_verdict_line_per_county(report: str) -> None:
    assert "甲县 2025 年 资源配置：未通过" in report
    assert "丙县 2025 年 资源配置：通过" in report


def test_counts_of_schools_students_and_failing_schools(report: str) -> None:
    jia = block(report, "甲县")
    assert "小学：学校 3 所，在校生 1,200 人，未达标学校 2 所" in jia
    assert "小学 每百名学生拥有县级以上骨干教师数 差异系数 0.577，超过限值 0.50" in jia
    assert "未达标学校 2 所；差异系数超过限值的指标 1 项；不参与计算学校 1 所" in jia


def test_shortfalls_in_natural_units(report: str) -> None:
    jia = block(report, "甲县")
    assert "还差 3 名县级以上骨干教师" in jia
    assert "还差 3 名高于规定学历教师；达到基本值还差 1 名高于规定学历教师" in jia
    assert "还差 600.00 ㎡ 体育运动场馆面积；达到基本值还差 150.00 ㎡ 体育运动场馆面积" in jia


def test_each_failing_school_explained_by_its_own_cause(report: str) -> None:
    jia = block(report, "甲县")
    p2 = jia[jia.index("P2 ") : jia.index("P3 ")]
    assert "未达标：7 项指标中仅 4 项达标，少于 6 项（再有 2 项达标即满足项数要求）；3 项低于基本值" in p2
    p3 = jia[jia.index("P3 城西小学") :]
    assert "未达标：1 项低于基本值（达标值的 85%）：生均体育运动场馆面积" in p3
    assert "少于 6 项" not in p3.split("\n\n")[0]
    assert "生均体育运动场馆面积 6.000 ㎡，达标值 7.5，低于基本值 6.375" in p3


def test_excluded_schools_with_reasons(report: str) -> None:
    assert "S1 特教学校（特殊教育学校）：特殊教育学校不参与资源配置评估" in block(report, "甲县")


def test_undefined_cv_is_said_never_printed_as_zero(report: str) -> None:
    yi = block(report, "乙县")
    (row,) = [line for line in indicator_table(yi, "初中") if "骨干教师" in line]
    assert "无定义" in row
    assert "均值为 0，差异系数无定义" in row
    assert "0.000  0.45" not in row
    assert "初中 每百名学生拥有县级以上骨干教师数 均值为 0，差异系数无定义" in yi


def test_cv_near_its_limit_is_flagged(report: str) -> None:
    (row,) = [line for line in indicator_table(block(report, "丙县"), "小学") if "体育运动场馆" in line]
    assert "0.500  0.50  达标" in row
    assert row.endswith("距限值不足 0.0005，请复核")


def test_cjk_columns_line_up_in_terminal_cells(report: str) -> None:
    rows = indicator_table(block(report, "甲县"), "小学")
    header, body = rows[0], rows[1:]

    def right_edge(line: str, cell: str) -> int:
        return display_width(line[: line.index(cell) + len(cell)])

    # Names of different lengths push the numbers by different numbers of characters, not cells.
    assert len({line.index("0.50") for line in body}) > 1
    assert {right_edge(line, "0.50") for line in body} == {right_edge(header, "限值")}
    verdicts = [line.index("未达标") if "未达标" in line else line.index("达标") for line in body]
    assert "未达标" in "".join(body)
    starts = {display_width(line[:at]) for line, at in zip(body, verdicts, strict=True)}
    assert starts == {display_width(header[: header.index("是否达标")])}


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("小学A1") == 6
    assert display_width("㎡") == 2
    assert display_width("（，）") == 6
    assert pad("小学", 6) == "小学  "
    assert pad("4.2", 6, right=True) == "   4.2"
    assert grid(["指标", "值"], [["小学", "1"], ["A", "10"]], [False, True]) == [
        "指标  值",
        "小学   1",
        "A     10",
    ]


def test_many_failing_schools_are_cut_off_with_a_count() -> None:
    failing = [
        primary_school(f"F{i:02d}", 100, county="丁县", backbone_teachers_primary=0, multimedia_rooms=0)
        for i in range(53)
    ]
    report = render_table(evaluate(table(*failing), NATIONAL))
    assert "未达标学校（按学段计 53 个）：" in report
    assert "F49 " in report
    assert "F50 " not in report
    assert "另有 3 个未达标学段未列出" in report
    assert len(render_table(evaluate(table(*failing), NATIONAL), max_listed=5).splitlines()) < len(report.splitlines())


def test_basic_2012_reports_the_composite_and_no_school_rule() -> None:
    def basic(record: dict[str, Any]) -> dict[str, Any]:
        level = "primary" if record["students_primary"] else "junior"
        students = record[f"students_{level}"]
        return {
            **record,
            "computers": students // 10,
            "books": students * 30,
            f"full_time_teachers_{level}": students // 15,
            f"mid_title_teachers_{level}": students // 40,
        }

    evaluation = evaluate(table(*(basic(r) for r in records())), BASIC)
    report = render_table(evaluation)
    assert evaluation.composites is not None
    (composite,) = evaluation.composites.filter(evaluation.composites["county"] == "甲县").rows(named=True)
    assert f"小学 综合差异系数 {composite['composite']:.3f}，未超过限值 0.65：达标" in report
    assert "未达标学校" not in report
    assert "限值  是否达标" not in report
