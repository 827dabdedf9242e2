"""A statistics layout: where each field of the data file sits in one generation of the 教育事业统计 tables.

A layout is data (one TOML file per generation, `layouts/*.toml`, or a county's own file), checked when it
is loaded: an unknown key, a field the data file does not have or a setting that does not exist is refused
then, naming the file and the dotted key. docs/statistics-import.md describes the format.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from pydantic.dataclasses import dataclass
from pydantic_core import ErrorDetails

from junheng.levels import Level
from junheng.schema import FIELDS_BY_KEY, SCHOOL_TYPE_LABELS

STRICT = ConfigDict(extra="forbid")
_PACKAGE = "junheng.stats"
# Read from the basic-information form, not from a figure's table: they are not `[fields]`.
IDENTITY_KEYS = ("year", "county", "county_code", "school_id", "school_name", "school_type")


class LayoutError(ValueError):
    """A layout that cannot be found or whose file is malformed; the message names the file and key."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


def _field_key(key: str) -> str:
    if key not in FIELDS_BY_KEY or key in IDENTITY_KEYS:
        raise ValueError(f"“{key}”不是学校数据文件中的数值字段（见 docs/contracts.md §1）")
    return key


def _level(key: str) -> str:
    if key not in {level.value for level in Level}:
        raise ValueError(f"“{key}”不是学段；应为以下之一：{'、'.join(Level)}")
    return key


def _school_type(key: str) -> str:
    if key not in SCHOOL_TYPE_LABELS:
        raise ValueError(f"“{key}”不是学校类型；应为以下之一：{'、'.join(SCHOOL_TYPE_LABELS)}")
    return key


FieldKey = Annotated[str, AfterValidator(_field_key)]
LevelKey = Annotated[str, AfterValidator(_level)]
SchoolTypeKey = Annotated[str, AfterValidator(_school_type)]
# A label and its other spellings, any of which is accepted: ["总计", "合计"].
Labels = Annotated[tuple[str, ...], Field(min_length=1)]
# A column's header path, top-down; each step may list other spellings separated by “|”.
HeaderPath = Annotated[tuple[str, ...], Field(min_length=1)]


@dataclass(frozen=True, config=STRICT)
class Term:
    """One cell added into a field: the table (per-school files), the row and the column, and the arithmetic.

    `block` names the row that opens a 学段's block of rows (4155's 小学 and 初中 blocks); the row is then
    the first below it with the label. `when` names a boolean setting that must be on for the term to count.
    """

    column: HeaderPath
    table: str | None = None
    row: tuple[str, ...] = ()
    block: tuple[str, ...] = ()
    sign: Literal[1, -1] = 1
    scale: Annotated[Decimal, Field(gt=0)] = Decimal(1)
    unit: str = ""
    when: str | None = None
    blank: Literal["zero", "missing"] = "zero"


@dataclass(frozen=True, config=STRICT)
class Settings:
    """Choices the statistics leave open. `move_indoor_sports`: 体育馆/室内体育用房 counts in the sports
    area, not the teaching area (practitioners' reading, statistics-report.md §0.4)."""

    move_indoor_sports: bool = True
    not_applicable: tuple[str, ...] = ("*", "-")


@dataclass(frozen=True, config=STRICT)
class Identity:
    """The basic-information form: one item per row with its value in `column` (`mode = "column"`), or
    each value in the cell below its label (`mode = "below"`, the 2020 基础基111), captions such as 名称
    between them skipped."""

    table: str
    school_name: Labels
    school_id: Labels
    school_type: Labels
    county: Labels
    mode: Literal["column", "below"] = "column"
    column: tuple[str, ...] = ()
    skip: tuple[str, ...] = ("名称",)

    @model_validator(mode="after")
    def _column_when_needed(self) -> Identity:
        if self.mode == "column" and not self.column:
            raise ValueError('mode = "column" 时应给出 column（值所在列的表头）')
        return self


@dataclass(frozen=True, config=STRICT)
class WideIdentity:
    """The columns of a county's wide export that say which school a row is."""

    school_name: HeaderPath
    school_id: HeaderPath
    school_type: HeaderPath
    county: HeaderPath
    counted: HeaderPath


@dataclass(frozen=True, config=STRICT)
class Wide:
    """A county's wide export: one row per school, one file per 学段 (`levels`: a word of the file name or
    title → 学段), each field a sum of columns; a per-学段 field is read from its own 学段's file."""

    identity: WideIdentity
    levels: dict[str, LevelKey]
    fields: dict[FieldKey, tuple[Term, ...]]
    not_counted: tuple[str, ...] = ("0", "否")


@dataclass(frozen=True, config=STRICT)
class LayoutFile:
    """A layout file as written."""

    name: str
    title: str
    code_prefix: str
    identity: Identity
    school_types: dict[str, SchoolTypeKey]
    fields: dict[FieldKey, tuple[Term, ...]]
    settings: Settings = Settings()
    wide: Wide | None = None


Layout = LayoutFile
_FILE = TypeAdapter(LayoutFile)


def builtin_layout_names() -> tuple[str, ...]:
    """Names of the layouts shipped with junheng, sorted."""
    folder = resources.files(_PACKAGE).joinpath("layouts")
    return tuple(sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")))


def load_layout(name_or_path: str | Path) -> Layout:
    """A built-in layout by name, or a county's own file by path; raises LayoutError naming file and key."""
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        text, source = path.read_text(encoding="utf-8"), str(path)
    else:
        resource = resources.files(_PACKAGE).joinpath("layouts", f"{name_or_path}.toml")
        if not resource.is_file():
            known = "、".join(builtin_layout_names())
            raise LayoutError(str(name_or_path), f"没有名为“{name_or_path}”的统计表格式；可用的格式：{known}")
        text, source = resource.read_text(encoding="utf-8"), f"{name_or_path}.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(source, f"格式文件不是有效的 TOML：{exc}") from None
    try:
        layout = _FILE.validate_python(data)
    except ValidationError as exc:
        raise LayoutError(source, "；".join(dict.fromkeys(_reason(e) for e in exc.errors()))) from None
    _check_settings_named(layout, source)
    return layout


_WHY = {
    "extra_forbidden": "未知的设置 {path}：格式文件中没有这一项；请检查拼写，或删去它",
    "unexpected_keyword_argument": "未知的设置 {path}：格式文件中没有这一项；请检查拼写，或删去它",
    "missing": "缺少设置 {path}",
    "missing_argument": "缺少设置 {path}",
    "string_type": "{path} 应为文字（加引号），实际为 {value}",
    "tuple_type": "{path} 应为列表（[...]），实际为 {value}",
    "too_short": "{path} 不应为空列表",
    "literal_error": "{path} 应为以下之一：{expected}；实际为 {value}",
    "bool_type": "{path} 应为 true 或 false，实际为 {value}",
    "decimal_parsing": "{path} 应为数值，实际为 {value}",
    "greater_than": "{path} 应大于 {gt}，实际为 {value}",
}


def _reason(error: ErrorDetails) -> str:
    path = ".".join(
        f"第{part + 1}项" if isinstance(part, int) else part
        for part in error["loc"]
        if not (isinstance(part, str) and part.startswith(("function", "[")))
    )
    if error["type"] == "value_error":
        return f"{path}：{(error.get('ctx') or {}).get('error', error['msg'])}"
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    template = _WHY.get(error["type"], "{path} 的值 {value} 无效")
    return template.format(path=path or "文件", value=repr(error.get("input")), **context)


def _check_settings_named(layout: Layout, source: str) -> None:
    """Every `when` names a boolean setting, and every per-school term names a table of the generation."""
    switches = {name for name, value in vars(layout.settings).items() if isinstance(value, bool)}
    sections: list[tuple[str, dict[str, tuple[Term, ...]]]] = [("fields", layout.fields)]
    if layout.wide is not None:
        sections.append(("wide.fields", layout.wide.fields))
    for section, fields in sections:
        for key, terms in fields.items():
            for number, term in enumerate(terms, start=1):
                where = f"{section}.{key}.第{number}项"
                if term.when is not None and term.when not in switches:
                    raise LayoutError(source, f"{where}.when：没有名为“{term.when}”的设置；可用：{'、'.join(switches)}")
                if section == "fields" and (term.table is None or not term.row):
                    raise LayoutError(source, f"{where}：应给出 table 和 row")
                if term.table is not None and not term.table.startswith(layout.code_prefix):
                    message = f"{where}.table：表号“{term.table}”不是本格式的表号（应以“{layout.code_prefix}”开头）"
                    raise LayoutError(source, message)
