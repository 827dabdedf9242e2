"""Reading an uploaded file: the reader's own problems pass as they are; anything else it trips on
becomes one Chinese problem of the file (its traceback logged for the administrator), never a 500."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from junheng.io.errors import DataFileError, DataIssue

logger = logging.getLogger(__name__)

UNREADABLE = (
    "无法读取这个文件：请确认它是本页要求的 CSV 或 Excel 工作簿（.csv、.xlsx），第一行是表头；"
    "可以用 Excel 打开后另存为 .xlsx 再上传"
)


@contextmanager
def reading(name: str) -> Iterator[None]:
    """Run a reader on the upload `name`: DataFileError for whatever it fails on."""
    try:
        yield
    except DataFileError:
        raise
    except Exception as exc:  # any failure of a reader on a user's file is that file's problem
        logger.exception("Reading the uploaded file %r failed", name)
        raise DataFileError([DataIssue(name, None, None, UNREADABLE)]) from exc
