"""Docs checked by tests: every command's --help and every standard's listing are pasted unchanged in docs/."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest
from scripts.update_docs import COMMANDS, DOCS, help_argv, output_of

from junheng.schema import FIELDS
from junheng.standards import builtin_standard_names, load_standard

ROOT = Path(__file__).resolve().parents[1]


def _block(path: Path, heading: str) -> str:
    match = re.search(rf"## {re.escape(heading)}\n\n```\n(.*?)\n```", path.read_text(encoding="utf-8"), re.S)
    assert match, f"{path.name} has no section '## {heading}'"
    return match.group(1)


@pytest.mark.parametrize("command", COMMANDS)
def test_the_help_in_docs_cli_md_is_what_the_command_prints(command: str) -> None:
    heading = f"junheng {command}".strip()
    assert _block(DOCS / "cli.md", heading) == output_of(help_argv(command)), "run: python scripts/update_docs.py"


@pytest.mark.parametrize("name", builtin_standard_names())
def test_every_shipped_standard_is_documented_as_it_prints(name: str) -> None:
    assert _block(DOCS / "standards.md", name) == output_of(["standards", name]), "run: python scripts/update_docs.py"


@pytest.mark.parametrize("name", builtin_standard_names())
def test_every_indicator_has_a_documentation_entry(name: str) -> None:
    documented = (DOCS / "standards.md").read_text(encoding="utf-8")
    for indicator in load_standard(name).indicators:
        assert f"{indicator.id} {indicator.name}" in documented


def test_the_readme_opens_with_the_two_commands_ci_relies_on() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    assert ".venv/bin/junheng demo" in first_block
    assert "bash scripts/test.sh" in first_block
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# Import names that differ from the distribution that provides them.
DISTRIBUTION_OF = {
    "psycopg": "psycopg",
    "pydantic_core": "pydantic",  # pydantic pins its own pydantic-core exactly; its types come with it
    "docx": "python-docx",
    "dj_database_url": "dj-database-url",
    "csp": "django-csp",
    "axes": "django-axes",
    "ninja": "django-ninja",
    "django_stubs_ext": "django-stubs-ext",
    "python_calamine": "python-calamine",
}


def _third_party_imports() -> dict[str, set[str]]:
    """Every top-level module imported anywhere under src/junheng that is neither stdlib nor junheng."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "src" / "junheng").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top != "junheng":
                    found.setdefault(top, set()).add(path.name)
    return found


def _distribution(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return match.group(0).lower().replace("_", "-")


def test_every_runtime_import_is_a_declared_dependency_with_its_reason_in_the_readme() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_distribution(requirement) for requirement in project["dependencies"]}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Dependencies and why", 1)[1].split("\n## ", 1)[0]
    explained = {name.strip() for row in re.findall(r"^\| ([^|]+) \|", table, re.M) for name in row.split(",")}
    imports = _third_party_imports()
    assert {"numpy", "polars", "django"} <= imports.keys()
    needed = {DISTRIBUTION_OF.get(module, module.replace("_", "-")): files for module, files in imports.items()}
    assert {name: sorted(files) for name, files in needed.items() if name not in declared} == {}
    assert sorted(name for name in needed if name not in explained) == []


def _architecture_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture\n", 1)[1]
    return section.split("```\n", 1)[1].split("```", 1)[0]


def test_the_readme_architecture_names_every_package_and_app() -> None:
    block = _architecture_block()
    package = ROOT / "src" / "junheng"
    packages = [path.name for path in package.iterdir() if path.is_dir() and path.name != "__pycache__"]
    apps = [path.name for path in (package / "web").iterdir() if (path / "apps.py").is_file()]
    assert "web" in packages and "collection" in apps
    assert [name for name in packages if not re.search(rf"\b{name}/", block)] == []
    assert [name for name in apps if not re.search(rf"\b{name}\b", block)] == []


# The project's own account of the standard and of its contracts (docs/standard.md, docs/contracts.md)
STANDARD_MD = DOCS / "standard.md"
CONTRACTS_MD = DOCS / "contracts.md"
NATIONAL_TOML = ROOT / "src" / "junheng" / "standards" / "data" / "national-2017.toml"
# Keys that describe a setting rather than set one: its wording, its evidence tag, its checks.
NOT_SETTINGS = {"name", "title", "kind", "version", "label", "checks", "status", "short"}
# Tables whose values are per-学段 mappings or per-kind figures (a setting as a whole, not a section).
SETTING_TABLES = {"weights", "limits", "thresholds", "max_class_size", "min_rate", "warning", "grades", "unit_costs"}
SETTING_TABLES |= {"pupils_per_1000_people", "norm_per_1000_residents"}
CITATION = re.compile(r"\b(standard|contracts)\.md((?:\s*(?:,|–|-|and)?\s*§\s*\d+)+)")


def _rows(path: Path) -> dict[str, str]:
    """Each Markdown table row by its first cell."""
    text = path.read_text(encoding="utf-8")
    return {m.group(1).strip(): m.group(0) for m in re.finditer(r"^\|([^|]+)\|.*$", text, re.M)}


def test_every_indicator_and_threshold_of_national_2017_is_in_docs_standard_md() -> None:
    standard = load_standard("national-2017")
    rows = _rows(STANDARD_MD)
    for indicator in standard.indicators:
        row = rows[indicator.id]
        assert indicator.name in row
        shown = [str(indicator.thresholds[level]) for level in standard.levels]
        assert row.endswith("| " + " | ".join(shown) + " |"), row
    assert standard.school_rule is not None
    for level, label in (("primary", "小学"), ("junior", "初中")):
        floors = [f"{standard.school_rule.floor(ind.thresholds[level]).normalize():f}" for ind in standard.indicators]
        assert rows[label] == f"| {label} | " + " | ".join(floors) + " |"
    text = STANDARD_MD.read_text(encoding="utf-8")
    assert f"≤ {standard.cv_limits['primary']} for primary schools and ≤ {standard.cv_limits['junior']}" in text


def test_every_setting_of_national_2017_is_named_in_docs_standard_md() -> None:
    text = STANDARD_MD.read_text(encoding="utf-8")
    data = tomllib.loads(NATIONAL_TOML.read_text(encoding="utf-8"))
    unnamed: list[str] = []

    def walk(table: dict[str, object], path: str) -> None:
        for key, value in table.items():
            if key in NOT_SETTINGS or key.endswith("_status") or path in {"indicators.", "county_figures."}:
                continue
            if isinstance(value, dict) and key not in SETTING_TABLES:
                walk(value, f"{path}{key}.")
            elif not re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text):
                unnamed.append(path + key)

    walk(data, "")
    assert unnamed == []


def test_every_guarantee_and_quality_item_is_in_docs_standard_md_with_its_thresholds() -> None:
    data = tomllib.loads(NATIONAL_TOML.read_text(encoding="utf-8"))
    rows = _rows(STANDARD_MD)
    for section in ("guarantee", "quality"):
        for item_id, item in data[section].items():
            row = rows[item_id]
            assert f"| {item['kind']} " in row, row
            for key, value in item.items():
                if key in NOT_SETTINGS:
                    continue
                for figure in value.values() if isinstance(value, dict) else [value]:
                    assert f"`{key}`" in row and str(figure) in row, (item_id, key, figure)


def test_every_data_file_field_is_in_docs_contracts_md_with_its_chinese_header() -> None:
    rows = [row for row in _rows(CONTRACTS_MD).values() if row.startswith("| `")]
    for field in FIELDS:
        assert any(f"`{field.key}`" in row and field.label in row for row in rows), field.key


def _api_routes() -> list[str]:
    """`METHOD /api/path` of every endpoint declared in web/api (the decorators' paths)."""
    routes = []
    for path in (ROOT / "src" / "junheng" / "web" / "api").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    match decorator:
                        case ast.Call(func=ast.Attribute(value=ast.Name(id="api"), attr=method), args=[first, *_]):
                            assert isinstance(first, ast.Constant) and isinstance(first.value, str)
                            routes.append(f"{method.upper()} /api{first.value}")
    return routes


def test_every_api_route_is_in_docs_contracts_md() -> None:
    routes = _api_routes()
    assert "PATCH /api/schools/{id}" in routes and len(routes) >= 7
    text = CONTRACTS_MD.read_text(encoding="utf-8")
    assert [route for route in routes if f"`{route}" not in text] == []


def _cited_sections() -> dict[str, set[int]]:
    """Every section number cited as `standard.md §N` or `contracts.md §N` in src/, README.md and docs/."""
    cited: dict[str, set[int]] = {"standard": set(), "contracts": set()}
    files = [*(ROOT / "src" / "junheng").rglob("*"), ROOT / "README.md", *DOCS.glob("*.md")]
    for path in files:
        if path.suffix not in {".py", ".toml", ".html", ".md", ".txt"} or not path.is_file():
            continue
        for match in CITATION.finditer(path.read_text(encoding="utf-8")):
            cited[match.group(1)] |= {int(n) for n in re.findall(r"§\s*(\d+)", match.group(2))}
    return cited


def test_every_cited_section_is_a_heading_of_its_document() -> None:
    cited = _cited_sections()
    assert {2, 3, 5} <= cited["standard"] and {1, 3, 4} <= cited["contracts"]
    for name, numbers in cited.items():
        text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
        headings = {int(n) for n in re.findall(r"^## (\d+)\. ", text, re.M)}
        assert numbers - headings == set(), name


def test_the_documents_link_no_file_outside_the_repository() -> None:
    for path in [ROOT / "README.md", *DOCS.glob("*.md")]:
        text = path.read_text(encoding="utf-8")
        assert "shared/standard.md" not in text and "shared/contracts.md" not in text, path.name
