"""Loading standards from their TOML data files; a variant names its parent and overrides only what differs."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from junheng.levels import Level
from junheng.standards.document import StandardFile
from junheng.standards.model import Indicator, Rounding, Standard

_DATA_PACKAGE = "junheng.standards"


class StandardError(ValueError):
    """A standard that cannot be found or whose file is malformed."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


def builtin_standard_names() -> tuple[str, ...]:
    """Names of the standards shipped with junheng, sorted."""
    data = resources.files(_DATA_PACKAGE).joinpath("data")
    return tuple(sorted(p.name.removesuffix(".toml") for p in data.iterdir() if p.name.endswith(".toml")))


def load_standard(name_or_path: str | Path) -> Standard:
    """A built-in standard by name, or a bureau's own file by path (its parent may be built in).

    A built-in standard is parsed once per process: its file is part of the installed package.
    A path is read every time, so that a bureau's edited file takes effect at once.
    """
    key = str(name_or_path)
    if Path(key).suffix == ".toml" and Path(key).exists():
        return _load(key)
    return _builtin(key)


@functools.lru_cache(maxsize=32)
def _builtin(name: str) -> Standard:
    return _load(name)


Chain = Sequence[tuple[str, Mapping[str, Any]]]  # (source, data) of each file, the one asked for first
_FILE = TypeAdapter(StandardFile)
STATUSES = frozenset({"C", "S", "U"})


def _load(name_or_path: str) -> Standard:
    chain = _chain(name_or_path, seen=())
    merged: dict[str, Any] = {}
    for source, data in reversed(chain):
        if merged:
            _only_known_entries(data, merged, source)
        merged = _deep_merge(merged, data)
    if len(chain) > 1:
        merged["parent"] = chain[0][1]["parent"]
    clean, statuses = _statuses(merged, (), chain)
    try:
        document = _FILE.validate_python(clean)
    except ValidationError as exc:
        source, message = _explained(exc.errors(), clean, chain)
        raise StandardError(source, message) from None
    return _build(document, statuses, chain[0][0])


# Tables whose keys are ids (L1, G14, teachers_rotated): a variant changes its parent's entries, it does
# not add new ones, so that a misspelt id is refused rather than read as an item of its own.
ENTRY_TABLES = ("indicators", "guarantee", "quality", "county_figures")


def _only_known_entries(variant: Mapping[str, Any], parent: Mapping[str, Any], source: str) -> None:
    for table in ENTRY_TABLES:
        known = parent.get(table, {})
        new = [key for key in variant.get(table, {}) if key not in known]
        if new:
            listed = f"（已有：{'、'.join(known)}）" if known else ""
            raise StandardError(
                source,
                f"上级标准 {parent.get('name', '')} 没有 {table}.{new[0]}{listed}：变体只能修改上级已有的项；"
                "请检查拼写，或另写一个不带 parent 的完整标准文件",
            )


def _read(name_or_path: str) -> tuple[dict[str, Any], str]:
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        text, source = path.read_text(encoding="utf-8"), str(path)
    else:
        resource = resources.files(_DATA_PACKAGE).joinpath("data", f"{name_or_path}.toml")
        if not resource.is_file():
            known = "、".join(builtin_standard_names())
            raise StandardError(name_or_path, f"没有名为“{name_or_path}”的标准；可用的标准：{known}")
        text, source = resource.read_text(encoding="utf-8"), f"{name_or_path}.toml"
    try:
        return tomllib.loads(text), source
    except tomllib.TOMLDecodeError as exc:
        raise StandardError(source, f"标准文件格式错误：{exc}") from exc


def _chain(name_or_path: str, seen: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    data, source = _read(name_or_path)
    parent = data.get("parent")
    if parent is None:
        return [(source, data)]
    chain = (*seen, name_or_path)
    if str(parent) in chain:
        raise StandardError(source, f"标准的上级（parent）形成循环：{' → '.join((*chain, str(parent)))}")
    return [(source, data), *_chain(str(parent), chain)]


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _statuses(table: Mapping[str, Any], where: tuple[str, ...], chain: Chain) -> tuple[dict[str, Any], dict[str, str]]:
    """The table without its `status` and `*_status` keys, and those keys by the setting they qualify."""
    clean: dict[str, Any] = {}
    found: dict[str, str] = {}
    for key, value in table.items():
        if key == "status" or key.endswith("_status"):
            path = (*where, key)
            if not isinstance(value, str) or value not in STATUSES:
                raise StandardError(
                    _source_of(path, chain), f"{_dotted(path)} 应为 C、S 或 U（是否已由公开文件确认），实际为 {value!r}"
                )
            found[_dotted((*where, key.removesuffix("_status")) if key != "status" else where)] = value
        elif isinstance(value, Mapping):
            clean[key], inner = _statuses(value, (*where, key), chain)
            found |= inner
        else:
            clean[key] = value
    return clean, found


# Why a value was refused, by pydantic's error type; "{path}" and "{value}" are filled in.
_WHY = {
    "extra_forbidden": "未知的设置 {path}：标准文件中没有这一项；请检查拼写，或删去它",
    "unexpected_keyword_argument": "未知的设置 {path}：标准文件中没有这一项；请检查拼写，或删去它",
    "missing": "缺少设置 {path}",
    "decimal_parsing": '{path} 应为数值（如 "0.85"），实际为 {value}',
    "decimal_type": '{path} 应为数值（如 "0.85"），实际为 {value}',
    "finite_number": "{path} 应为有限的数值，实际为 {value}",
    "int_parsing": "{path} 应为整数，实际为 {value}",
    "int_type": "{path} 应为整数，实际为 {value}",
    "int_from_float": "{path} 应为整数，实际为 {value}",
    "bool_type": "{path} 应为 true 或 false，实际为 {value}",
    "bool_parsing": "{path} 应为 true 或 false，实际为 {value}",
    "string_type": "{path} 应为文字（加引号），实际为 {value}",
    "list_type": "{path} 应为列表（[...]），实际为 {value}",
    "tuple_type": "{path} 应为列表（[...]），实际为 {value}",
    "dict_type": "{path} 应为表（{{ ... }} 或 [{path}]），实际为 {value}",
    "dataclass_type": "{path} 应为表（{{ ... }} 或 [{path}]），实际为 {value}",
    "greater_than_equal": "{path} 应不小于 {ge}，实际为 {value}",
    "greater_than": "{path} 应大于 {gt}，实际为 {value}",
    "less_than_equal": "{path} 应不大于 {le}，实际为 {value}",
}


def _explained(errors: Sequence[ErrorDetails], data: Mapping[str, Any], chain: Chain) -> tuple[str, str]:
    """The file to blame and the reasons, in Chinese, for the first problem's file (one line per key)."""
    reasons: dict[str, str] = {}
    blamed = ""
    for error in errors:
        path = _found_path(error["loc"], data)
        source = chain[0][0] if error["type"] == "missing" else _source_of(path, chain)
        if blamed and source != blamed:
            continue
        blamed = source
        reasons.setdefault(_dotted(path), _reason(error, path))
    return blamed, "；".join(reasons.values())


def _reason(error: ErrorDetails, path: tuple[str | int, ...]) -> str:
    where = _dotted(path) or "文件"
    value = error.get("input")
    shown = repr(value) if not isinstance(value, Mapping) else "表"
    context = error.get("ctx") or {}
    if "[key]" in error["loc"]:
        return f"{_dotted(path[:-1])}：{context.get('error', error['msg'])}"
    if error["type"] in ("enum", "literal_error"):
        return f"{where} 应为以下之一：{_options(context)}；实际为 {shown}"
    if error["type"] == "value_error":
        return f"{where}：{context.get('error', error['msg'])}"
    template = _WHY.get(error["type"])
    if template is None:
        return f"{where} 的值 {shown} 无效（{error['msg']}）"
    return template.format(path=where, value=shown, **{k: str(v) for k, v in context.items()})


def _options(context: Mapping[str, Any]) -> str:
    return str(context.get("expected", "")).replace("'", "").replace(" or ", "、").replace(", ", "、")


def _found_path(loc: Sequence[str | int], data: Any) -> tuple[str | int, ...]:
    """The keys of `loc` that are in the data: pydantic adds the names of types tried ("decimal")."""
    path: list[str | int] = []
    node = data
    for part in loc:
        child = _child(node, part)
        if child is not _ABSENT:
            node = child
        elif isinstance(node, Mapping) and isinstance(part, str) and not part.startswith(("[", "function")):
            path.append(part)  # a key that is missing or unknown: named, and the walk ends
            break
        else:
            continue
        path.append(part)
    return tuple(path)


_ABSENT = object()


def _child(node: Any, part: str | int) -> Any:
    """The value under a key of a table or an index of a list, or `_ABSENT`."""
    if isinstance(node, Mapping):
        return node.get(part, _ABSENT)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _ABSENT


def _source_of(path: Sequence[str | int], chain: Chain) -> str:
    """The file (the one asked for, else the nearest parent) that sets `path` or its deepest table."""
    best, depth = chain[0][0], -1
    for source, data in chain:
        node: Any = data
        reached = 0
        for part in path:
            node = _child(node, part)
            if node is _ABSENT:
                break
            reached += 1
        if reached > depth:
            best, depth = source, reached
    return best


def _dotted(path: Sequence[str | int]) -> str:
    return ".".join(f"第{part + 1}项" if isinstance(part, int) else part for part in path)


def _rounding(value: str, source: str) -> Rounding:
    known = "、".join(f"{rule.value}（{rule.label}）" for rule in Rounding)
    try:
        return Rounding(value)
    except ValueError:
        raise StandardError(source, f"difference.rounding 应为以下之一：{known}；实际为 {value!r}") from None


def _build(document: StandardFile, statuses: Mapping[str, str], source: str) -> Standard:
    """The standard, once the rules that span tables hold (thresholds per 学段, weights, figures named)."""
    levels = tuple(Level(level) for level in document.levels)
    indicators = tuple(
        Indicator(
            id=ind_id,
            name=entry.name,
            short=entry.short if entry.short is not None else entry.name,
            resource=entry.resource,
            per_level_resource=entry.per_level_resource,
            per_students=entry.per_students,
            value_unit=entry.value_unit,
            resource_unit=entry.resource_unit,
            integral=entry.integral,
            thresholds=entry.thresholds,
        )
        for ind_id, entry in document.indicators.items()
    )
    if not indicators:
        raise StandardError(source, "标准没有任何指标（indicators）")
    if document.school_rule is not None:
        for ind in indicators:
            missing = [lv for lv in levels if lv not in ind.thresholds]
            if missing:
                raise StandardError(source, f"指标 {ind.id} 缺少学段 {'、'.join(missing)} 的达标值")
    if document.school_rule is None and document.composite is None:
        raise StandardError(source, "标准既无学校达标规则（school_rule）也无综合差异系数（composite）")
    if document.composite is not None and set(document.composite.limits) != set(levels):
        raise StandardError(source, f"composite.limits 应为每个学段（{'、'.join(levels)}）各给出一个限值")
    cv_limits = document.difference.limits
    if cv_limits and set(cv_limits) != set(levels):
        raise StandardError(source, f"difference.limits 应为每个学段（{'、'.join(levels)}）各给出一个限值")
    for lv in (*levels, "senior"):
        if lv not in document.split.weights:
            raise StandardError(source, f"split.weights 缺少学段 {lv} 的权重")
    _check_figures_named(document, source)
    return Standard(
        name=document.name,
        title=document.title if document.title is not None else document.name,
        kind=document.kind,
        version=document.version,
        parent=document.parent,
        levels=levels,
        excluded_school_types=frozenset(document.scope.excluded_school_types),
        teaching_point_min_students=document.scope.teaching_point_min_students,
        split_weights=document.split.weights,
        shared_columns=document.split.shared_columns,
        split_rooms_as_fractions=document.split.split_rooms_as_fractions,
        indicators=indicators,
        cv_limits=cv_limits,
        report_decimals=document.difference.report_decimals,
        rounding=_rounding(document.difference.rounding, source),
        near_limit_margin=document.difference.near_limit_margin,
        school_rule=document.school_rule,
        composite=document.composite,
        guarantee=document.guarantee,
        quality=document.quality,
        recognition=document.recognition,
        county_figures=document.county_figures,
        veto=document.veto.items,
        plan=document.plan,
        class_size=document.class_size,
        places=document.places,
        statuses=statuses,
    )


def _check_figures_named(document: StandardFile, source: str) -> None:
    """Every county figure a check reads is one the county is asked for (`[county_figures]`)."""
    for section, items in (("guarantee", document.guarantee), ("quality", document.quality)):
        for item_id, item in items.items():
            for number, check in enumerate(item.checks, start=1):
                unknown = [name for name in check.figures if name not in document.county_figures]
                if unknown:
                    raise StandardError(
                        source,
                        f"{section}.{item_id}.checks.第{number}项 引用的县级数据“{'、'.join(unknown)}”"
                        "不在 [county_figures] 中",
                    )
