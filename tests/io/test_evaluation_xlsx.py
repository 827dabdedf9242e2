"""`evaluate --format xlsx`: the workbook a bureau files, read back with openpyxl."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from junheng.engine import Evaluation, evaluate
from junheng.io import evaluation_xlsx
from junheng.io.evaluation_xlsx import write_evaluation_xlsx
from junheng.standards import load_standard
from tests import builders
from tests.builders import junior_school, primary_school, table, with_basic_2012_columns

NATIONAL = load_standard("national-2017")
BASIC = load_standard("basic-2012")
FIXED = ["县区", "年度", "学校标识码", "学校名称", "学校类型", "学段", "在校生数"]

# xlsxwriter stores numbers with 16 significant digits: the engine's double comes back within 1e-15.
SAME = 1e-15


def nine_year_school(school_id: str, **overrides: Any) -> dict[str, Any]:
    """A 九年一贯制 school of 166 + 210 students whose junior part misses L4 and L6 (5 of 7 meet)."""
    changes: dict[str, Any] = {
        "teachers_above_degree_primary": 8,
        "backbone_teachers_primary": 2,
        "pe_art_teachers_primary": 2,
        "teaching_aux_area_m2": 2000.0,
        "sports_area_m2": 4000.0,
        "equipment_value_yuan": 900000.0,
        "multimedia_rooms": 9,
    }
    return builders.nine_year_school(school_id, **(changes | overrides))


def records() -> list[dict[str, Any]]:
    return [
        primary_school("P1", 500, county="甲县", school_name="=1+1"),
        primary_school(
            "P2", 300, county="甲县", teachers_above_degree_primary=10, backbone_teachers_primary=0, multimedia_rooms=5
        ),
        nine_year_school("N1", county="甲县", school_name="九年一贯制学校"),
        primary_school("S1", 30, county="甲县", school_name="特教学校", school_type="special"),
        junior_school("J1", 210, county="乙县", backbone_teachers_junior=0),
    ]


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return evaluate(table(*records()), NATIONAL)


@pytest.fixture(scope="module")
def workbook(evaluation: Evaluation, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("xlsx") / "评估结果.xlsx"
    write_evaluation_xlsx(evaluation, path)
    return openpyxl.load_workbook(path)


def rows(sheet: Any, header_rows: int) -> list[dict[str, Any]]:
    """Data rows keyed by the column titles of the last header row; repeated titles get the group's name."""
    titles = [c.value for c in sheet[header_rows]]
    if header_rows == 2:
        group = ""
        groups = []
        for cell in sheet[1]:
            group = cell.value if cell.value is not None else group
            groups.append(group)
        titles = [f"{g}|{t}" if g else t for g, t in zip(groups, titles, strict=True)]
    return [dict(zip(titles, r, strict=True)) for r in sheet.iter_rows(min_row=header_rows + 1, values_only=True)]


def school_row(workbook: Any, school_id: str, level: str) -> dict[str, Any]:
    (found,) = [r for r in rows(workbook["学校指标"], 2) if r["学校标识码"] == school_id and r["学段"] == level]
    return found


def test_sheet_names(workbook: Any) -> None:
    assert workbook.sheetnames == [
        "县域结论",
        "学校指标",
        "差异系数-小学",
        "差异系数-初中",
        "未达标清单",
        "不参与计算学校",
    ]


def test_county_conclusions(workbook: Any) -> None:
    found = {r["县区"]: r for r in rows(workbook["县域结论"], 1)}
    assert found["甲县"]["结论"] == "未通过"
    assert found["甲县"]["年度"] == 2025
    assert (found["甲县"]["小学学校数"], found["甲县"]["小学在校生数"]) == (3, 500 + 300 + 166)
    assert (found["甲县"]["未达标学校数"], found["甲县"]["不参与计算学校数"]) == (2, 1)
    assert found["乙县"]["小学学校数"] is None
    assert "初中 每百名学生拥有县级以上骨干教师数 均值为 0，差异系数无定义" in found["乙县"]["未达标的差异系数"]


def test_school_sheet_has_grouped_headers(workbook: Any) -> None:
    sheet = workbook["学校指标"]
    titles = [c.value for c in sheet[2]]
    assert titles[:7] == FIXED
    assert titles[7:11] == ["基本值（85%）", "达标值", "实际值", "是否达标"]
    assert sheet.cell(1, 8).value == "每百名学生拥有高于规定学历教师数（人）"
    assert "H1:K1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.freeze_panes == "E3"


def test_floor_threshold_and_value_of_a_school(workbook: Any, evaluation: Evaluation) -> None:
    p2 = school_row(workbook, "P2", "小学")
    key = "每百名学生拥有高于规定学历教师数（人）"
    assert p2[f"{key}|基本值（85%）"] == 3.57
    assert p2[f"{key}|达标值"] == 4.2
    assert p2[f"{key}|实际值"] == pytest.approx(10 * 100 / 300, rel=SAME)
    assert p2[f"{key}|是否达标"] == "未达标"
    assert p2["学校达标情况|学校结论"] == "未达标"
    assert p2["学校达标情况|说明"].startswith(
        "未达标：7 项指标中仅 4 项达标，少于 6 项（再有 2 项达标即满足项数要求）；3 项低于基本值"
    )
    n1 = school_row(workbook, "N1", "初中")
    assert n1[f"{key}|基本值（85%）"] == 4.505
    assert n1["学校类型"] == "九年一贯制学校"
    assert n1["学校达标情况|说明"] == "未达标：7 项指标中仅 5 项达标，少于 6 项（再有 1 项达标即满足项数要求）"


def test_every_school_figure_is_the_engines(workbook: Any, evaluation: Evaluation) -> None:
    by_part = {(r["学校标识码"], r["学段"]): r for r in rows(workbook["学校指标"], 2)}
    assert len(by_part) == evaluation.schools.height
    levels = {"primary": "小学", "junior": "初中"}
    for part in evaluation.schools.iter_rows(named=True):
        row = by_part[(part["school_id"], levels[part["level"]])]
        assert row["在校生数"] == part["students"]
        assert row["学校达标情况|达标指标数"] == part["met_count"]
        for ind in NATIONAL.indicators:
            key = f"{ind.name}（{ind.value_unit}）"
            assert row[f"{key}|实际值"] == pytest.approx(part[f"v_{ind.id}"], rel=SAME)
            assert row[f"{key}|达标值"] == float(ind.thresholds[part["level"]])
            assert row[f"{key}|是否达标"] == ("达标" if part[f"meets_{ind.id}"] else "未达标")


def test_cv_sheet_stores_unrounded_cvs_shown_at_three_decimals(workbook: Any, evaluation: Evaluation) -> None:
    sheet = workbook["差异系数-小学"]
    (jia,) = rows(sheet, 2)
    for row in evaluation.levels.filter(pl.col("level") == "primary").iter_rows(named=True):
        name = NATIONAL.indicator(row["indicator"]).name
        assert jia[f"{name}|差异系数"] == pytest.approx(row["cv"], rel=SAME)
        assert jia[f"{name}|限值"] == 0.5
        assert jia[f"{name}|是否达标"] == ("达标" if row["pass"] else "未达标")
    assert jia["每百名学生拥有高于规定学历教师数|差异系数"] != round(
        jia["每百名学生拥有高于规定学历教师数|差异系数"], 3
    )
    assert sheet.cell(3, 6).number_format == "0.000"


def test_undefined_cv_says_so(workbook: Any) -> None:
    (yi,) = [r for r in rows(workbook["差异系数-初中"], 2) if r["县区"] == "乙县"]
    assert yi["每百名学生拥有县级以上骨干教师数|差异系数"] == "无定义"
    assert yi["每百名学生拥有县级以上骨干教师数|均值（人）"] == 0
    assert "每百名学生拥有县级以上骨干教师数：均值为 0，差异系数无定义" in yi["提示"]


def test_shortfall_list(workbook: Any, evaluation: Evaluation) -> None:
    listed = rows(workbook["未达标清单"], 1)
    assert len(listed) == evaluation.shortfalls().height
    (backbone,) = [r for r in listed if r["学校标识码"] == "P2" and r["指标"] == "每百名学生拥有县级以上骨干教师数"]
    assert backbone == {
        "县区": "甲县",
        "年度": 2025,
        "学校标识码": "P2",
        "学校名称": "P2小学",
        "学段": "小学",
        "指标": "每百名学生拥有县级以上骨干教师数",
        "实际值": 0,
        "达标值": 1,
        "基本值（85%）": 0.85,
        "低于基本值": "是",
        "学校结论": "未达标",
        "达到达标值还差": 3,
        "达到基本值还差": 3,
        "单位": "名",
        "说明": "还差 3 名县级以上骨干教师；达到基本值还差 3 名县级以上骨干教师",
    }
    (equipment,) = [r for r in listed if r["学校标识码"] == "N1" and r["指标"] == "生均教学仪器设备值"]
    assert equipment["达到基本值还差"] is None
    assert equipment["说明"] == "还差 2,272.73 元 教学仪器设备值"


def test_excluded_schools_with_reason(workbook: Any) -> None:
    assert rows(workbook["不参与计算学校"], 1) == [
        {
            "县区": "甲县",
            "年度": 2025,
            "学校标识码": "S1",
            "学校名称": "特教学校",
            "学校类型": "特殊教育学校",
            "原因": "特殊教育学校不参与资源配置评估",
        }
    ]


def test_failures_are_filled_red_and_headers_frozen(workbook: Any) -> None:
    sheet = workbook["学校指标"]
    rules = [rule for ranges in sheet.conditional_formatting for rule in ranges.rules]
    assert any(rule.formula == ['"未达标"'] for rule in rules)
    assert workbook["未达标清单"].freeze_panes == "C2"
    assert workbook["县域结论"].column_dimensions["A"].width > 0


def test_text_that_looks_like_a_formula_stays_text(workbook: Any) -> None:
    (cell,) = [row[3] for row in workbook["学校指标"].iter_rows(min_row=3) if row[2].value == "P1"]
    assert cell.value == "=1+1"
    assert cell.data_type == "s"


def test_basic_2012_has_values_and_composites_but_no_thresholds(tmp_path: Path) -> None:
    evaluation = evaluate(table(*(with_basic_2012_columns(r) for r in records())), BASIC)
    path = tmp_path / "basic.xlsx"
    write_evaluation_xlsx(evaluation, path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["县域结论", "学校指标", "差异系数-小学", "差异系数-初中", "不参与计算学校"]
    titles = [c.value for c in workbook["学校指标"][2]]
    assert titles == [*FIXED, *["实际值"] * len(BASIC.indicators)]
    assert evaluation.composites is not None
    (composite,) = evaluation.composites.filter(
        (pl.col("county") == "甲县") & (pl.col("level") == "primary")
    ).iter_rows(named=True)
    (jia,) = [r for r in rows(workbook["差异系数-小学"], 2) if r["县区"] == "甲县"]
    assert jia["综合差异系数|综合差异系数"] == pytest.approx(composite["composite"], rel=SAME)
    assert jia["综合差异系数|限值"] == 0.65
    assert "限值" not in [c.value for c in workbook["差异系数-小学"][2]][:-4]
    (summary,) = [r for r in rows(workbook["县域结论"], 1) if r["县区"] == "甲县"]
    assert summary["小学综合差异系数"] == pytest.approx(composite["composite"], rel=SAME)


def test_rows_beyond_excels_limit_continue_on_another_sheet(
    evaluation: Evaluation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evaluation_xlsx, "EXCEL_MAX_ROWS", 4)
    path = tmp_path / "split.xlsx"
    write_evaluation_xlsx(evaluation, path)
    workbook = openpyxl.load_workbook(path)
    parts = [s for s in workbook.sheetnames if s.startswith("学校指标")]
    assert parts == ["学校指标", "学校指标（2）", "学校指标（3）"]
    ids = [r["学校标识码"] for s in parts for r in rows(workbook[s], 2)]
    assert sorted(ids) == sorted(evaluation.schools["school_id"].to_list())
