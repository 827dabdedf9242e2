"""`junheng stats-import`: statistics workbooks of each shape and generation → a data file `evaluate` reads."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from junheng.cli import main
from junheng.io.datafile_writer import write_school_file
from junheng.io.reader import read_school_file
from junheng.schema import FIELDS, school_table
from junheng.standards import load_standard
from tests.stats.wide_workbooks import wide_workbooks
from tests.stats.workbooks import Generation, Table, school_workbook, truth

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "junheng" / "samples" / "sample-county.csv"
YEAR = {"jiben": 2020, "jiaoji": 2021}


def county(generation: Generation) -> list[dict[str, Any]]:
    """The sample county's schools the statistics forms cover (special schools fill other forms)."""
    table = read_school_file(SAMPLE, load_standard("national-2017"))
    return [
        {**row, "year": YEAR[generation]}
        for row in table.drop("row").iter_rows(named=True)
        if row["school_type"] != "special"
    ]


def write_county(folder: Path, generation: Generation, shape: str) -> list[dict[str, Any]]:
    records = county(generation)
    folder.mkdir()
    if shape == "wide":
        wide_workbooks(folder, records, generation, year=YEAR[generation])
    else:
        for record in records:
            path = folder / f"{record['school_name']}({record['school_type']}).xlsx"
            school_workbook(path, record, generation, year=YEAR[generation], suffix=shape == "per_school_suffix")
    return records


def evaluation(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["evaluate", str(path), "--format", "json"]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    for found in result["counties"]:  # schools in the order of the files, not of the truth's rows
        found["schools"].sort(key=lambda school: (school["school_id"], school["level"]))
        found["excluded"].sort(key=lambda school: school["school_id"])
    return result


SHAPES = ["per_school", "per_school_suffix", "wide"]


@pytest.mark.parametrize("generation", ["jiben", "jiaoji"])
@pytest.mark.parametrize("shape", SHAPES)
def test_fixture_workbooks_import_to_the_figures_they_were_made_from_and_evaluate_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str, generation: Generation
) -> None:
    records = write_county(tmp_path / "stats", generation, shape)
    out = tmp_path / "data.xlsx"
    # 基础基111 names the 属地管理教育行政部门 (示范县教育局), not the county as the data file does
    county_name = ["--county", "示范县"] if generation == "jiben" and shape != "wide" else []
    assert main(["stats-import", str(tmp_path / "stats"), *county_name, "--out", str(out)]) == 0
    imported = read_school_file(out, load_standard("national-2017"))
    expected = {r["school_id"]: truth(r) for r in records}
    assert sorted(imported["school_id"]) == sorted(expected)
    for row in imported.iter_rows(named=True):
        want = expected[row["school_id"]]
        for spec in FIELDS:
            if want[spec.key] is not None and spec.key != "county_code":
                assert row[spec.key] == want[spec.key], (row["school_name"], spec.key)
    truth_file = tmp_path / "truth.xlsx"
    # in the imported order: a county's sums (and so its coefficients, to the last digit) follow row order
    write_school_file(school_table([expected[school_id] for school_id in imported["school_id"]]), truth_file)
    assert evaluation(out, capsys) == evaluation(truth_file, capsys)


def test_equipment_in_wan_yuan_becomes_yuan_and_every_figure_says_where_it_came_from(tmp_path: Path) -> None:
    record = county("jiaoji")[0]  # 示范县实验小学: 教学仪器设备值 7,200,000 元, 720 万元 in 教基5176
    school_workbook(tmp_path / "实验小学.xlsx", record, "jiaoji", suffix=True)
    out = tmp_path / "data.xlsx"
    assert main(["stats-import", str(tmp_path / "实验小学.xlsx"), "--out", str(out)]) == 0
    assert read_school_file(out, load_standard("national-2017"))["equipment_value_yuan"].to_list() == [7_200_000.0]
    sheet = openpyxl.load_workbook(out)["数据来源"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "学校标识码",
        "学校名称",
        "字段",
        "数值",
        "文件",
        "工作表",
        "单元格",
        "行",
        "列",
        "原始值",
        "换算",
    ]
    equipment = [row for row in rows if row[2] == "教学仪器设备值"]
    assert equipment == [[
        "4521010001", "示范县实验小学", "教学仪器设备值", "7200000", str(tmp_path / "实验小学.xlsx"), "教基5176_小学",
        "D13", "其中：教学仪器设备资产值", "数量", "720", "×10000（万元→元）",
    ]]  # fmt: skip
    pe_art = [row[6:10] for row in rows if row[2] == "小学体育艺术专任教师数"]
    assert [row[1:] for row in pe_art] == [
        ["小学", "按授课课程分 → 体育与健康", "14"],
        ["小学", "按授课课程分 → 艺术 → 计", "15"],
    ]


def test_what_the_statistics_do_not_hold_is_listed_per_school_never_zeroed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = county("jiaoji")[0]
    school_workbook(tmp_path / "a.xlsx", record, "jiaoji")
    out = tmp_path / "data.xlsx"
    assert main(["stats-import", str(tmp_path / "a.xlsx"), "--out", str(out)]) == 0
    report = capsys.readouterr().out
    missing = (
        "办学性质、城乡分类、寄宿制学校、音乐专用教室数、美术专用教室数、"
        "最小音乐教室面积、最小美术教室面积、小学最大班额"
    )
    assert f"待补填 8 项：{missing}" in report
    data = read_school_file(out, load_standard("national-2017"))
    assert data.select("music_rooms", "art_rooms").row(0) == (None, None)
    to_fill = [[c.value for c in row] for row in openpyxl.load_workbook(out)["待补填"].iter_rows()]
    assert ["4521010001", "示范县实验小学", "音乐专用教室数", "统计报表中没有这一项，请另行填报"] in to_fill


def test_a_not_applicable_cell_is_reported_and_left_to_fill_not_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def star(tables: list[Table]) -> None:
        next(t for t in tables if t.code == "教基5176").set("其中：教学用计算机", "数量", "*")

    school_workbook(tmp_path / "a.xlsx", county("jiaoji")[0], "jiaoji", suffix=True, change=star)
    out = tmp_path / "data.xlsx"
    assert main(["stats-import", str(tmp_path / "a.xlsx"), "--out", str(out)]) == 0
    report = capsys.readouterr().out
    assert f"{tmp_path / 'a.xlsx'}:教基5176_小学:D9: 统计表中为“*”（不适用），未当作 0；请核实后补填" in report
    assert "计算机台数" in report.split("待补填")[1]
    assert read_school_file(out, load_standard("national-2017"))["computers"].to_list() == [None]


def test_renamed_extra_and_reordered_rows_and_columns_are_found_by_their_labels(tmp_path: Path) -> None:
    def rearrange(tables: list[Table]) -> None:
        students = next(t for t in tables if t.code == "教基3112")
        students.columns.reverse()  # 在校生数 no longer in column E
        students.rows.insert(0, ("  补充说明行", "00", {"在校生数": "9999"}))
        _, code, cells = students.rows[1]
        students.rows[1] = ("合    计", code, cells)  # the layout accepts 总计 or 合计
        area = next(t for t in tables if t.code == "教基5170")
        area.columns.insert(0, ("校舍建筑面积", "上年面积"))
        area.rows.reverse()

    record = county("jiaoji")[0]
    school_workbook(tmp_path / "a.xlsx", record, "jiaoji", change=rearrange)
    out = tmp_path / "data.xlsx"
    assert main(["stats-import", str(tmp_path / "a.xlsx"), "--out", str(out)]) == 0
    data = read_school_file(out, load_standard("national-2017"))
    assert data.select("students_primary", "teaching_aux_area_m2", "sports_area_m2").row(0) == (2400, 11340.0, 16200.0)


def test_a_broken_workbook_lists_every_problem_once_by_file_sheet_and_cell_and_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def break_it(tables: list[Table]) -> None:
        tables[:] = [t for t in tables if t.code != "教基5176"]  # a missing table
        students = next(t for t in tables if t.code == "教基3112")
        _, code, cells = students.rows[0]
        students.rows[0] = ("在校学生", code, cells)  # a label the layout does not know
        next(t for t in tables if t.code == "教基4155").set("小学", "合计", "一百七")  # text in a number cell

    path = tmp_path / "坏.xlsx"
    school_workbook(path, county("jiaoji")[0], "jiaoji", suffix=True, change=break_it)
    out = tmp_path / "data.xlsx"
    assert main(["stats-import", str(path), "--out", str(out)]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith(str(path))]
    assert errors == [
        f"{path}:教基3112_小学:-: 找不到行“总计”",
        f"{path}:教基4155_小学:C7: “一百七”不是数字：此处应填数值；请在统计表中改正后重新导入",
        f"{path}:-:-: 缺少表 教基5176（本校应填报此表）",
    ]
    assert not out.exists()


def test_a_zip_of_per_school_workbooks_and_the_teaching_points_the_statistics_do_not_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_county(tmp_path / "stats", "jiben", "wide")
    archive = tmp_path / "县.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in (tmp_path / "stats").iterdir():
            zipped.write(path, path.name)
    out = tmp_path / "data.xlsx"
    assert main(["stats-import", str(archive), "--out", str(out)]) == 0
    report = capsys.readouterr().out
    assert "学校 16 所，不计校数的教学点 2 个" in report
    assert "  石桥乡西岭教学点（4521010008）\n  白云乡高坪教学点（4521010010）" in report
    data = read_school_file(out, load_standard("national-2017"))
    assert data.filter(pl.col("school_type") == "teaching_point")["school_id"].to_list() == ["4521010008", "4521010010"]


def test_a_county_layout_can_keep_the_indoor_sports_hall_in_the_teaching_area(tmp_path: Path) -> None:
    builtin = Path(__file__).resolve().parents[2] / "src" / "junheng" / "stats" / "layouts" / "jiaoji-2021.toml"
    own = tmp_path / "本县.toml"
    own.write_text(
        builtin.read_text(encoding="utf-8").replace("move_indoor_sports = true", "move_indoor_sports = false")
    )
    record = county("jiaoji")[0]  # 教学及辅助用房 11,907 ㎡ of which 室内体育用房 567 ㎡; 运动场地 15,633 ㎡
    school_workbook(tmp_path / "a.xlsx", record, "jiaoji")
    out = tmp_path / "data.xlsx"
    assert main(["stats-import", str(tmp_path / "a.xlsx"), "--layout", str(own), "--out", str(out)]) == 0
    data = read_school_file(out, load_standard("national-2017"))
    assert data.select("teaching_aux_area_m2", "sports_area_m2").row(0) == (11907.0, 15633.0)


def test_a_wrong_layout_file_is_refused_naming_the_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    builtin = Path(__file__).resolve().parents[2] / "src" / "junheng" / "stats" / "layouts" / "jiaoji-2021.toml"
    own = tmp_path / "本县.toml"
    text = builtin.read_text(encoding="utf-8").replace(
        '[[fields.books]]\ntable = "教基5176"', '[[fields.books]]\ntabel = "教基5176"'
    )
    own.write_text(text.replace("[[fields.computers]]", "[[fields.computer]]"))
    school_workbook(tmp_path / "a.xlsx", county("jiaoji")[0], "jiaoji")
    assert (
        main(["stats-import", str(tmp_path / "a.xlsx"), "--layout", str(own), "--out", str(tmp_path / "d.xlsx")]) == 2
    )
    error = capsys.readouterr().err
    assert f"错误：{own}: " in error
    assert "fields.computer：“computer”不是学校数据文件中的数值字段（见 docs/contracts.md §1）" in error
    assert "未知的设置 fields.books.第1项.tabel：格式文件中没有这一项；请检查拼写，或删去它" in error


def test_workbooks_of_two_years_are_refused_and_the_year_can_be_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = county("jiaoji")[:2]
    school_workbook(tmp_path / "a.xlsx", first, "jiaoji", year=2021)
    school_workbook(tmp_path / "b.xlsx", second, "jiaoji", year=2022)
    out = tmp_path / "data.xlsx"
    assert main(["stats-import", str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx"), "--out", str(out)]) == 2
    message = "此工作簿为 2022 学年初的统计，而其他工作簿为 2021 学年初；请分年度分别导入"
    assert f"{tmp_path / 'b.xlsx'}:-:-: {message}" in capsys.readouterr().err
    assert main(["stats-import", str(tmp_path / "a.xlsx"), "--year", "2025", "--out", str(out)]) == 0
    assert read_school_file(out, load_standard("national-2017"))["year"].to_list() == [2025]


def test_a_wide_export_with_a_renamed_column_and_an_unknown_school_type_is_refused_once_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "stats"
    write_county(folder, "jiaoji", "wide")
    primary = next(folder.glob("*小学*.xlsx"))
    workbook = openpyxl.load_workbook(primary)
    sheet = workbook.active
    assert sheet is not None
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "网络多媒体教室":
                cell.value = "多媒体教室（间）"
            elif cell.value == "小学" and cell.column == 4:
                cell.value = "小学分校"
    workbook.save(primary)
    out = tmp_path / "data.xlsx"
    assert main(["stats-import", str(folder), "--out", str(out)]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith(str(primary))]
    assert errors[0] == f"{primary}:Sheet1:-: 找不到表头为“教室 → 网络多媒体教室”的列"
    assert all("办学类型“小学分校”无法识别" in line for line in errors[1:])
    assert len(errors) == 1 + sum(1 for r in county("jiaoji") if r["school_type"] == "primary")
    assert not out.exists()


def test_equipment_reported_in_yuan_where_the_form_asks_for_wan_yuan_is_caught_at_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def in_yuan(tables: list[Table]) -> None:
        next(t for t in tables if t.code == "教基5176").set("其中：教学仪器设备资产值", "数量", "7200000")

    path = tmp_path / "a.xlsx"
    school_workbook(path, county("jiaoji")[0], "jiaoji", suffix=True, change=in_yuan)
    assert main(["stats-import", str(path), "--out", str(tmp_path / "d.xlsx")]) == 2
    message = "教学仪器设备值读得 72,000,000,000，超过合理上限 10,000,000,000元；请核对数值和单位（如万元与元）"
    assert f"{path}:教基5176_小学:D13: {message}" in capsys.readouterr().err


def test_a_layout_naming_a_table_of_the_other_generation_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    builtin = Path(__file__).resolve().parents[2] / "src" / "junheng" / "stats" / "layouts" / "jiaoji-2021.toml"
    own = tmp_path / "本县.toml"
    own.write_text(builtin.read_text(encoding="utf-8").replace('table = "教基3115"', 'table = "基础基313"'))
    school_workbook(tmp_path / "a.xlsx", county("jiaoji")[0], "jiaoji")
    args = ["stats-import", str(tmp_path / "a.xlsx"), "--layout", str(own), "--out", str(tmp_path / "d.xlsx")]
    assert main(args) == 2
    message = "fields.students_junior.第1项.table：表号“基础基313”不是本格式的表号（应以“教基”开头）"
    assert f"错误：{own}: {message}" in capsys.readouterr().err


def test_tables_are_found_by_the_code_in_their_title_rows_when_the_sheets_are_renamed(tmp_path: Path) -> None:
    record = next(r for r in county("jiben") if r["school_type"] == "nine_year")
    path = school_workbook(tmp_path / "a.xlsx", record, "jiben", year=2020)
    workbook = openpyxl.load_workbook(path)
    for number, sheet in enumerate(workbook.worksheets):
        sheet.title = f"Sheet{number + 1}"
    workbook.save(path)
    out = tmp_path / "data.xlsx"
    assert main(["stats-import", str(path), "--out", str(out)]) == 0
    assert read_school_file(out, load_standard("national-2017"))["county"].to_list() == ["示范县教育局"]
    assert main(["stats-import", str(path), "--county", "示范县", "--out", str(out)]) == 0
    data = read_school_file(out, load_standard("national-2017")).row(0, named=True)
    want = truth(record)
    assert {key: data[key] for key in want if want[key] is not None and key in data} == {
        key: value for key, value in want.items() if value is not None and key in data
    }
