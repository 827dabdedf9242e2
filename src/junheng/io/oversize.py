"""The refusals of a file beyond `io.limits`: what is too large, and what to do about it."""

from __future__ import annotations

from junheng.io.errors import DataFileError, DataIssue
from junheng.io.limits import TableLimits, megabytes


def too_many_bytes(file: str, limits: TableLimits, size: int) -> DataFileError:
    """A file larger on disk than the limit, refused before it is read."""
    return DataFileError([DataIssue(file, None, None, bytes_message(size, limits.bytes))])


def bytes_message(size: int, limit: int) -> str:
    """Why a file of `size` bytes is refused, and what to do (the web's upload forms say the same)."""
    return (
        f"文件过大（{megabytes(size)}），超过上限 {megabytes(limit)}；"
        "请删去不需要的工作表、图片和空白行列后重新保存，或把数据拆分成几个文件分别导入"
    )


def too_many_unpacked_bytes(file: str, limits: TableLimits) -> DataFileError:
    """A workbook whose contents unzip to more than the limit (a zip bomb, or a sheet full of formatting)."""
    message = (
        f"工作簿解压后超过 {megabytes(limits.unpacked_bytes)}，无法读取；"
        "请只保留需要导入的数据，在 Excel 中另存为新的 .xlsx 文件，或另存为 CSV 后再导入"
    )
    return DataFileError([DataIssue(file, None, None, message)])


def too_many_rows(file: str, limits: TableLimits, row: int) -> DataFileError:
    """Data beyond the last row allowed: refused before the rest of the file is read."""
    message = (
        f"文件行数过多：第 {row:,} 行仍有数据，而一个文件最多 {limits.rows:,} {limits.what}数据"
        f"（连同表头及其上方的行，共 {limits.sheet_rows:,} 行）；"
        "请删去多余的行（包括看似空白、实有空格或公式的行），或把数据拆分成几个文件分别导入"
    )
    return DataFileError([DataIssue(file, row, None, message)])


def too_many_columns(file: str, limits: TableLimits, row: int, column: int) -> DataFileError:
    """Data beyond the last column allowed: refused before the rest of the file is read."""
    message = (
        f"文件列数过多：第 {row:,} 行第 {column:,} 列仍有数据，而一个文件最多 {limits.columns:,} 列；"
        "请删去多余的列（包括看似空白、实有空格或公式的单元格）"
    )
    return DataFileError([DataIssue(file, row, None, message)])


def too_many_cells(file: str, limits: TableLimits) -> DataFileError:
    """A CSV with more delimiters than rows × columns allowed could hold, refused before it is parsed."""
    message = (
        f"文件单元格过多：一个文件最多 {limits.sheet_rows:,} 行、{limits.columns:,} 列；"
        "请删去多余的行和列，或把数据拆分成几个文件分别导入"
    )
    return DataFileError([DataIssue(file, None, None, message)])
