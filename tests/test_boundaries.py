"""The pure core stays pure (STYLE.md): engine/, standards/, plan/ and assessment/ import no I/O, database or
web code, and the report, an adapter the web and the command line both call, imports nothing of the web."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "junheng"
PURE = ["engine", "standards", "plan", "assessment"]
FORBIDDEN = (
    "junheng.io",
    "junheng.cli",
    "junheng.web",
    "django",
    "sqlite3",
    "psycopg",
    "openpyxl",
    "python_calamine",
    "xlsxwriter",
    "pandas",
    "requests",
    "httpx",
)


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", PURE)
def test_the_core_imports_no_adapter(package: str) -> None:
    files = sorted((SRC / package).rglob("*.py"))
    assert files
    leaks = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in files
        for name in _imports(path)
        if name.startswith(FORBIDDEN)
    ]
    assert leaks == []


# The report renders what the core computes; it reads no database and knows no web page.
REPORT_FORBIDDEN = ("junheng.web", "junheng.cli", "django", "sqlite3", "psycopg")


def test_the_report_imports_nothing_of_the_web() -> None:
    files = sorted((SRC / "report").rglob("*.py"))
    assert files
    leaks = {
        f"{path.relative_to(SRC)} imports {name}"
        for path in files
        for name in _imports(path)
        if name.startswith(REPORT_FORBIDDEN)
    }
    assert leaks == set()


def test_the_boundary_check_sees_a_leak(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.py"
    leaky.write_text("from junheng.io.reader import read_school_file\nimport django\n", encoding="utf-8")
    assert _imports(leaky) == ["junheng.io.reader", "django"]
