"""Loading standards from their TOML data files; a variant names its parent and overrides only what differs."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from junheng.standards.model import Composite, Indicator, Rounding, SchoolRule, Standard

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
        return _build(_merged(key, seen=()), key)
    return _builtin(key)


@functools.lru_cache(maxsize=32)
def _builtin(name: str) -> Standard:
    return _build(_merged(name, seen=()), name)


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


def _merged(name_or_path: str, seen: tuple[str, ...]) -> dict[str, Any]:
    data, source = _read(name_or_path)
    parent = data.get("parent")
    if parent is None:
        return data
    chain = (*seen, name_or_path)
    if str(parent) in chain:
        raise StandardError(source, f"标准的上级（parent）形成循环：{' → '.join((*chain, str(parent)))}")
    merged = _deep_merge(_merged(str(parent), chain), data)
    merged["parent"] = parent
    return merged


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _decimal(value: Any, where: str, source: str) -> Decimal:
    if isinstance(value, bool):
        raise StandardError(source, f"{where} 应为数值，实际为 {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise StandardError(source, f"{where} 应为数值，实际为 {value!r}") from exc


def _decimals(table: Any, where: str, source: str) -> dict[str, Decimal]:
    if not isinstance(table, Mapping):
        raise StandardError(source, f"{where} 应为按学段给出的表")
    return {str(k): _decimal(v, f"{where}.{k}", source) for k, v in table.items()}


def _rounding(value: Any, source: str) -> Rounding:
    known = "、".join(f"{rule.value}（{rule.label}）" for rule in Rounding)
    try:
        return Rounding(value)
    except ValueError:
        raise StandardError(source, f"difference.rounding 应为以下之一：{known}；实际为 {value!r}") from None


def _require(data: Mapping[str, Any], key: str, where: str, source: str) -> Any:
    if key not in data:
        raise StandardError(source, f"缺少设置 {where}{key}")
    return data[key]


def _build(data: dict[str, Any], source: str) -> Standard:
    name = str(_require(data, "name", "", source))
    levels = tuple(str(v) for v in _require(data, "levels", "", source))
    scope = _require(data, "scope", "", source)
    split = _require(data, "split", "", source)
    difference = _require(data, "difference", "", source)
    indicators_raw = _require(data, "indicators", "", source)
    indicators: list[Indicator] = []
    for ind_id, raw in indicators_raw.items():
        where = f"indicators.{ind_id}."
        indicators.append(
            Indicator(
                id=str(ind_id),
                name=str(_require(raw, "name", where, source)),
                short=str(raw.get("short", raw["name"])),
                resource=str(_require(raw, "resource", where, source)),
                per_level_resource=bool(_require(raw, "per_level_resource", where, source)),
                per_students=int(_require(raw, "per_students", where, source)),
                value_unit=str(raw.get("value_unit", "")),
                resource_unit=str(raw.get("resource_unit", "")),
                integral=bool(raw.get("integral", False)),
                thresholds=_decimals(raw.get("thresholds", {}), f"{where}thresholds", source),
            )
        )
    rule_raw = data.get("school_rule")
    school_rule = (
        SchoolRule(
            min_met=int(_require(rule_raw, "min_met", "school_rule.", source)),
            floor_ratio=_decimal(_require(rule_raw, "floor_ratio", "school_rule.", source), "floor_ratio", source),
        )
        if rule_raw
        else None
    )
    comp_raw = data.get("composite")
    composite = (
        Composite(
            limits=_decimals(_require(comp_raw, "limits", "composite.", source), "composite.limits", source),
            component_decimals=int(comp_raw.get("component_decimals", 3)),
            report_decimals=int(comp_raw.get("report_decimals", 3)),
        )
        if comp_raw
        else None
    )
    if school_rule is not None:
        for ind in indicators:
            missing = [lv for lv in levels if lv not in ind.thresholds]
            if missing:
                raise StandardError(source, f"指标 {ind.id} 缺少学段 {'、'.join(missing)} 的达标值")
    if school_rule is None and composite is None:
        raise StandardError(source, "标准既无学校达标规则（school_rule）也无综合差异系数（composite）")
    cv_limits = _decimals(difference.get("limits", {}), "difference.limits", source)
    if cv_limits and set(cv_limits) != set(levels):
        raise StandardError(source, f"difference.limits 应为每个学段（{'、'.join(levels)}）各给出一个限值")
    weights = _decimals(_require(split, "weights", "split.", source), "split.weights", source)
    for lv in (*levels, "senior"):
        if lv not in weights:
            raise StandardError(source, f"split.weights 缺少学段 {lv} 的权重")
    return Standard(
        name=name,
        title=str(data.get("title", name)),
        kind=str(data.get("kind", "quality")),
        version=str(data.get("version", "")),
        parent=data.get("parent"),
        levels=levels,
        excluded_school_types=frozenset(str(t) for t in scope.get("excluded_school_types", [])),
        teaching_point_min_students=int(scope.get("teaching_point_min_students", 0)),
        split_weights=weights,
        shared_columns=tuple(str(c) for c in split.get("shared_columns", [])),
        split_rooms_as_fractions=bool(split.get("split_rooms_as_fractions", True)),
        indicators=tuple(indicators),
        cv_limits=cv_limits,
        report_decimals=int(difference.get("report_decimals", 3)),
        rounding=_rounding(difference.get("rounding", Rounding.HALF_UP.value), source),
        near_limit_margin=_decimal(difference.get("near_limit_margin", "0"), "near_limit_margin", source),
        school_rule=school_rule,
        composite=composite,
        raw=data,
    )
