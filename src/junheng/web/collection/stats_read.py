"""Reading the statistics files a county uploaded, counted file by file, into what the preview shows.

The preview and the confirmation work from this `Read` and open no file again: the files are read once
(by the background job, stats_jobs.py) and then removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from junheng.stats import Problem, StatsImport, import_workbooks
from junheng.stats.sources import Workbook, read_workbook, workbook_paths
from junheng.web.collection import stats_upload
from junheng.web.collection.stats_upload import Upload

Stage = Callable[[str], None]  # told the name of each step as it starts
Steps = Callable[[int], None]  # told the number of steps once the workbooks are found


@dataclass(frozen=True)
class Read:
    """What the uploaded files give: the year imported, the files' names as uploaded, the reader's result."""

    year: int
    files: tuple[str, ...]
    result: StatsImport


def read_files(upload: Upload, county: str, *, stage: Stage, steps: Steps) -> Read:
    """Every workbook of the kept files (a .zip's members each) read by the statistics reader, then the
    schools merged; a file that is no workbook is a problem named as uploaded. Steps: opening the files,
    one per workbook (“正在读取第 n/N 个文件：名称”), merging."""
    workbooks: list[Workbook] = []
    problems: list[Problem] = []
    stage("正在打开上传的文件")
    with workbook_paths([path for _, path in upload.files]) as (found, refused):
        names = {str(path): name for name, path in upload.files}
        problems += [Problem(names.get(p.file, p.file), None, None, p.message) for p in refused]
        if len(found) > stats_upload.STATISTICS_WORKBOOKS:
            problems.append(_too_many(upload, len(found)))
            found = []
        steps(len(found) + 2)
        for number, (shown, path) in enumerate(found, start=1):
            stem, _, member = shown.partition("!")
            name = names.get(stem, stem) + (f"!{member}" if member else "")
            stage(f"正在读取第 {number}/{len(found)} 个文件：{name}")
            read = read_workbook(path, name)
            if isinstance(read, Problem):
                problems.append(read)
            else:
                workbooks.append(read)
    if not workbooks and not problems:
        problems.append(Problem("上传的文件", None, None, "没有找到 Excel 工作簿；请上传统计报表导出的 .xlsx 文件"))
    stage("正在汇总各校数据")
    result = import_workbooks(workbooks, county=county) if workbooks else StatsImport()
    result.problems = problems + result.problems
    return Read(upload.year, tuple(name for name, _ in upload.files), result)


def _too_many(upload: Upload, found: int) -> Problem:
    message = (
        f"上传的文件中共有 {found} 个工作簿，超过上限 {stats_upload.STATISTICS_WORKBOOKS} 个"
        "（一个县的学校一般不超过数百所）；请检查压缩包中是否混入了其他文件，或分批导入"
    )
    return Problem("、".join(name for name, _ in upload.files), None, None, message)
