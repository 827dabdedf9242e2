"""Every figure has bounds (schema.FIELDS' `maximum`), refused at entry; no writer emits NaN or infinity."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from junheng.engine import evaluate
from junheng.io.evaluation_json import dumps
from junheng.io.evaluation_xlsx import SUMMARY_SHEET, write_evaluation_xlsx
from junheng.io.reader import read_school_file
from junheng.schema import FIELDS, NUMERIC_KINDS
from junheng.standards import Standard
from tests.builders import primary_school, table
from tests.io.builders import only_issue, write_schools


def test_every_figure_has_finite_bounds() -> None:
    unbounded = [f.key for f in FIELDS if f.kind in NUMERIC_KINDS and f.key != "year" and f.maximum is None]
    assert unbounded == []


def test_a_figure_of_1e308_is_an_error_at_its_row_and_column(tmp_path: Path, national: Standard) -> None:
    issue = only_issue(write_schools(tmp_path, {}, {"教学仪器设备值": "1e308"}), national)

    assert (issue.row, issue.column, issue.value) == (3, "教学仪器设备值", "1e308")
    assert issue.message == ("“1e308”超出教学仪器设备值的合理范围：应在 0 至 10,000,000,000 元 之间；请核对数值和单位")


@pytest.mark.parametrize(
    ("header", "largest"),
    [("小学在校生数", "50000"), ("教学及辅助用房面积", "10000000"), ("网络多媒体教室数", "5000")],
)
def test_the_largest_figure_is_accepted_and_one_more_refused(
    tmp_path: Path, national: Standard, header: str, largest: str
) -> None:
    read_school_file(write_schools(tmp_path, {header: largest}, name="largest.csv"), national)
    issue = only_issue(write_schools(tmp_path, {header: str(int(largest) + 1)}, name="over.csv"), national)

    assert (issue.column, issue.value) == (header, str(int(largest) + 1))
    assert f"超出{header}的合理范围：应在 0 至 {int(largest):,}" in issue.message


def test_a_bound_in_wan_yuan_is_stated_in_the_columns_unit(tmp_path: Path, national: Standard) -> None:
    path = write_schools(
        tmp_path,
        {"教学仪器设备值": "120"},
        {"教学仪器设备值": "2000000"},
        rename={"教学仪器设备值": "教学仪器设备值（万元）"},
    )

    issue = only_issue(path, national)

    assert issue.message == (
        "“2000000”超出教学仪器设备值的合理范围：应在 0 至 10,000,000,000 元 之间"
        "（本列“教学仪器设备值（万元）”即 0 至 1,000,000）；请核对数值和单位"
    )


def _with_undefined_cv(national: Standard) -> object:
    evaluation = evaluate(table(primary_school("a"), primary_school("b", students=200)), national)
    levels = evaluation.levels.with_columns(pl.lit(float("nan")).alias("cv"), pl.lit(float("inf")).alias("mean"))
    return dataclasses.replace(evaluation, levels=levels)


def test_the_json_of_an_undefined_figure_is_null(national: Standard) -> None:
    document = json.loads(dumps(_with_undefined_cv(national)))  # type: ignore[arg-type]

    indicator = document["counties"][0]["levels"]["primary"]["indicators"]["L1"]
    assert (indicator["mean"], indicator["cv"]) == (None, None)


def test_the_workbook_of_an_undefined_figure_has_an_empty_cell(tmp_path: Path, national: Standard) -> None:
    path = tmp_path / "evaluation.xlsx"

    write_evaluation_xlsx(_with_undefined_cv(national), path)  # type: ignore[arg-type]

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SUMMARY_SHEET).to_python()
    assert not any(isinstance(cell, float) and cell != cell for row in rows for cell in row)
