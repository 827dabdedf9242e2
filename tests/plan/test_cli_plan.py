"""`junheng plan` per contracts.md §3: the JSON shape, unit costs from COSTS.csv, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from junheng.cli import main
from junheng.plan import CostsError, costs_from_csv, default_unit_costs
from junheng.standards import load_standard
from tests.io.builders import PRIMARY_SCHOOL, write_schools

BASE = default_unit_costs(load_standard("national-2017"))


def _short_school(folder: Path) -> Path:
    return write_schools(folder, {**PRIMARY_SCHOOL, "教学及辅助用房面积": "1"})


def test_the_defaults_are_standard_md_section_9s_building_costs() -> None:
    assert (BASE["build_teaching_area"], BASE["build_sports_area"], BASE["buy_equipment"]) == (3001.0, 491.0, 1.0)


def test_a_costs_file_overrides_the_defaults() -> None:
    costs = costs_from_csv("kind,unit_cost_yuan\nbuild_teaching_area,2500\n", "c.csv", BASE)
    assert costs["build_teaching_area"] == 2500.0 and costs["hire_teacher"] == BASE["hire_teacher"]


def test_bad_cost_rows_are_named_by_row_and_column_in_chinese() -> None:
    text = "kind,unit_cost_yuan\nbuild_teaching_area,2500\nbuild_palace,1\nhire_teacher,很贵\nbuy_equipment,-3\n"
    with pytest.raises(CostsError) as caught:
        costs_from_csv(text, "c.csv", BASE)
    assert caught.value.lines() == [
        f"c.csv:3:kind: 未知的行动类型“build_palace”；应为以下之一：{'、'.join(BASE.yuan)}",
        "c.csv:4:unit_cost_yuan: 单价应为不小于 0 的数（元），实际为“很贵”",
        "c.csv:5:unit_cost_yuan: 单价应为不小于 0 的数（元），实际为“-3”",
    ]


def test_the_json_is_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(_short_school(tmp_path)), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["counties"]
    [county] = document["counties"]
    assert list(county) == ["county", "year", "status", "gap", "total_cost", "actions", "after", "reason", "search"]
    assert county["status"] == "optimal"
    assert county["search"]["stopped"] == "proved_optimal" and county["search"]["source"] == "milp"
    [action] = county["actions"]
    assert list(action) == ["kind", "quantity", "cost", "changes"]
    assert action["kind"] == "build_teaching_area" and action["cost"] == action["quantity"] * 3001
    assert list(action["changes"][0]) == ["school_id", "column", "delta"]
    assert action["changes"][0]["column"] == "teaching_aux_area_m2"
    assert county["after"]["pass"] is True
    assert list(county["after"]) == ["county", "year", "pass", "levels", "schools", "excluded"]


def test_the_table_and_the_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _short_school(tmp_path)
    assert main(["plan", str(path)]) == 0
    out = capsys.readouterr().out
    assert "达标规划：最优" in out and "新建教学及辅助用房" in out and "差异系数（规划前 → 规划后" in out
    workbook = tmp_path / "plan.xlsx"
    assert main(["plan", str(path), "--format", "xlsx", "--out", str(workbook)]) == 0
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["措施", "汇总"]
    assert book["措施"].cell(2, 7).value == "teaching_aux_area_m2"


def test_invalid_input_exits_2_with_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_schools(tmp_path, {**PRIMARY_SCHOOL, "小学在校生数": "很多"})
    assert main(["plan", str(path)]) == 2
    assert f"{path}:2:小学在校生数:" in capsys.readouterr().err


def test_a_bad_costs_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    costs = tmp_path / "costs.csv"
    costs.write_text("kind,unit_cost_yuan\nbuild_palace,1\n", encoding="utf-8")
    assert main(["plan", str(_short_school(tmp_path)), "--costs", str(costs)]) == 2
    assert f"{costs}:2:kind: 未知的行动类型“build_palace”" in capsys.readouterr().err


def test_a_standard_without_a_school_rule_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(_short_school(tmp_path)), "--standard", "basic-2012"]) == 2
    assert "没有学校达标规则" in capsys.readouterr().err


def test_the_cli_gives_each_county_the_plan_pages_20_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `junheng plan` and the plan page are one planner with one default: 20 s per county (issue 14 §4).
    assert main(["plan", str(_short_school(tmp_path)), "--format", "json"]) == 0
    [county] = json.loads(capsys.readouterr().out)["counties"]
    assert county["search"]["time_limit"] == 20.0
