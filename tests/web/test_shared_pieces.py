"""The web's shared pieces live in one place each (issue 11 item 5), checked on the source tree like
tests/test_boundaries.py: the organisation lookups in orgs/lookups.py, the service exceptions in errors.py,
the `year` parameter in years.py. An app that grows its own copy fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import RequestFactory

from junheng.web.years import asked_or_latest

WEB = Path(__file__).resolve().parents[2] / "src" / "junheng" / "web"
LOOKUPS = "orgs/lookups.py"
ERRORS = "errors.py"
YEARS = "years.py"
SHARED_EXCEPTIONS = frozenset({"InvalidData", "WorkflowError"})


def _modules(root: Path) -> dict[str, ast.Module]:
    return {
        path.relative_to(root).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts
    }


def _calls(tree: ast.Module, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) == name or getattr(node.func, "id", None) == name)
    ]


def lookup_copies(root: Path) -> list[str]:
    """Where an app finds a county or a school by id itself (`get_visible(..., kind=...)`) or walks up to a
    school's county, instead of asking orgs/lookups.py."""
    found = []
    for name, tree in _modules(root).items():
        if name == LOOKUPS:
            continue
        found += [
            f"{name}:{call.lineno} get_visible(kind=…)"
            for call in _calls(tree, "get_visible")
            if any(keyword.arg == "kind" for keyword in call.keywords)
        ]
        found += [
            f"{name}:{node.lineno} def {node.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef)
            and node.name.strip("_") in {"county_of", "county_for", "county"}
            and any(arg.arg == "user" for arg in node.args.args)
        ]
    return found


def exception_copies(root: Path) -> list[str]:
    """Exception classes defined twice under one name, and the shared ones defined outside errors.py."""
    defined: dict[str, list[str]] = {}
    for name, tree in _modules(root).items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and (node.name.endswith("Error") or node.name in SHARED_EXCEPTIONS):
                defined.setdefault(node.name, []).append(name)
    return sorted(
        f"{cls} in {', '.join(where)}"
        for cls, where in defined.items()
        if len(where) > 1 or (cls in SHARED_EXCEPTIONS and where != [ERRORS])
    )


def year_parsing_copies(root: Path) -> list[str]:
    """Where a module reads `year` from the request's query itself, instead of through years.py."""
    return [
        f"{name}:{node.lineno} {ast.unparse(node)}"
        for name, tree in _modules(root).items()
        if name != YEARS
        for node in ast.walk(tree)
        if isinstance(node, ast.expr) and _reads_query_year(node)
    ]


def _reads_query_year(node: ast.expr) -> bool:
    """`….GET.get("year"…)`, `….GET.getlist("year")` or `….GET["year"]`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"get", "getlist"}:
        query, key = node.func.value, node.args[0] if node.args else None
    elif isinstance(node, ast.Subscript):
        query, key = node.value, node.slice
    else:
        return False
    return ast.unparse(query).endswith(".GET") and isinstance(key, ast.Constant) and key.value == "year"


def test_no_app_finds_a_county_or_a_school_its_own_way() -> None:
    assert lookup_copies(WEB) == []


def test_the_service_exceptions_are_defined_once_in_errors_py() -> None:
    assert exception_copies(WEB) == []


def test_no_app_reads_the_year_parameter_its_own_way() -> None:
    assert year_parsing_copies(WEB) == []


def test_the_checks_see_a_copy(tmp_path: Path) -> None:
    (tmp_path / "survey").mkdir()
    (tmp_path / "survey" / "services.py").write_text(
        "class WorkflowError(Exception):\n    pass\n\n\n"
        "def county_of(user, county_id):\n    return scope.get_visible(user, pk=county_id, kind=COUNTY)\n",
        encoding="utf-8",
    )
    (tmp_path / "errors.py").write_text("class WorkflowError(Exception):\n    pass\n", encoding="utf-8")
    (tmp_path / "views.py").write_text('def page(request):\n    return int(request.GET.get("year", 0))\n')
    assert lookup_copies(tmp_path) == ["survey/services.py:6 get_visible(kind=…)", "survey/services.py:5 def county_of"]
    assert exception_copies(tmp_path) == ["WorkflowError in errors.py, survey/services.py"]
    assert year_parsing_copies(tmp_path) == ["views.py:2 request.GET.get('year', 0)"]


def test_the_year_asked_for_else_the_latest_with_figures() -> None:
    factory = RequestFactory()
    assert asked_or_latest(factory.get("/", {"year": "2023"}), [2023, 2024, 2025]) == 2023
    assert asked_or_latest(factory.get("/"), [2023, 2025, 2024]) == 2025
    assert asked_or_latest(factory.get("/", {"year": ""}), []) is None
