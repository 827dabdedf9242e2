"""A county's school-places uploads (issue 6 part 3): capacities, births, housing and residents as
CSV/Excel tables read cell by cell, and the catchments' outlines as GeoJSON.

Every function checks that the user is the county's office and raises `PermissionDenied`, `Http404` or
`InvalidData` (nothing stored), as the collection and class-size services do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from junheng.io.errors import DataFileError, DataIssue
from junheng.io.reader import read_labelled
from junheng.web.errors import InvalidData
from junheng.web.levels import LEVEL_NAMES, Level
from junheng.web.orgs import lookups
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User
from junheng.web.places.models import Births, Catchment, HousingDelivery, Residents, SchoolCapacity, Series
from junheng.web.reading import reading

# Columns naming a catchment, and the 学段 the catchment must serve (None: any).
MANAGERS_ONLY = "只有县级督导室可以上传学位数据"
CATCHMENT_COLUMNS: Mapping[str, Level | None] = {"学区": None, "小学学区": Level.PRIMARY, "初中学区": Level.JUNIOR}


Cell = Callable[[str | None], Any]  # parses a cell's text; raises ValueError with what to do
Resolver = Callable[[dict[str, Any]], list[tuple[str, str, str]]]


@dataclass(frozen=True)
class Upload:
    """A CSV/Excel upload: its columns (label → parser), the columns that name a row (a file may give
    each only once) and how a parsed row is stored."""

    label: str
    columns: Mapping[str, Cell]
    key: tuple[str, ...]
    store: Callable[[Organisation, list[dict[str, Any]]], None]


def _whole(text: str | None) -> int:
    if text is None or not (text.isascii() and text.isdigit()):
        raise ValueError("应为非负整数")
    return int(text)


def _positive(text: str | None) -> int:
    value = _whole(text)
    if value == 0:
        raise ValueError("应为正整数")
    return value


def _optional_whole(text: str | None) -> int | None:
    return None if text is None else _whole(text)


def _year(text: str | None) -> int:
    value = _whole(text) if text is not None and len(text) == 4 else None
    if value is None:
        raise ValueError("应为四位年度，例如 2025")
    return value


def _coordinate(bound: float) -> Cell:
    def parse(text: str | None) -> float | None:
        if text is None:
            return None
        try:
            value = float(text)
        except ValueError:
            value = bound + 1
        if not -bound <= value <= bound:
            raise ValueError(f"应为 −{bound:g} 到 {bound:g} 之间的小数（度）")
        return value

    return parse


def _text(text: str | None) -> str | None:
    return text


def _series(text: str | None) -> str:
    if text not in Series.values:
        raise ValueError("应为“户籍”或“常住”")
    return text


def _read(path: Path, name: str, upload: Upload, resolve: Resolver) -> list[dict[str, Any]]:
    """Rows of the file parsed cell by cell; every problem reported with its row and column."""
    labels = list(upload.columns)
    try:
        with reading(name):
            table = read_labelled(path, name, labels)
    except DataFileError as exc:
        raise InvalidData(exc.issues) from exc
    issues: list[DataIssue] = []
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for row, cells in table:
        parsed: dict[str, Any] = {}
        for label, parse in upload.columns.items():
            text = cells[label]
            try:
                parsed[label] = parse(text)
            except ValueError as exc:
                issues.append(DataIssue(name, row, label, f"“{text or ''}”不正确：{exc}", text))
        if len(parsed) < len(labels):
            continue
        key = tuple(parsed[label] for label in upload.key)
        if key in seen:
            shown = "、".join(f"{label}“{parsed[label] or '（空）'}”" for label in upload.key)
            message = f"{shown}与第 {seen[key]} 行重复；每项只能填一行，请删去其一"
            issues.append(DataIssue(name, row, upload.key[0], message, parsed[upload.key[0]]))
            continue
        seen[key] = row
        for label, message, value in resolve(parsed):
            issues.append(DataIssue(name, row, label, message, value))
        rows.append(parsed)
    if issues:
        raise InvalidData(issues)
    return rows


def _resolver(county: Organisation, upload: Upload) -> Resolver:
    """Turns a row's 学校标识码 and 学区 into the county's school and catchment, from the county's schools
    and catchments read once (not once per row); gives (column, message, value) of each one not found."""
    schools = (
        {s.code: s for s in county.subtree().filter(kind=Organisation.Kind.SCHOOL)}
        if "学校标识码" in upload.columns
        else {}
    )
    named = [label for label in CATCHMENT_COLUMNS if label in upload.columns]
    catchments = {c.name: c for c in Catchment.objects.filter(county=county)} if named else {}

    def resolve(row: dict[str, Any]) -> list[tuple[str, str, str]]:
        problems: list[tuple[str, str, str]] = []
        if "学校标识码" in row:
            code = row["学校标识码"]
            row["学校标识码"] = schools.get(code)
            if row["学校标识码"] is None:
                problems.append(("学校标识码", f"学校标识码“{code}”不是{county.name}的学校；请核对", code))
        for label in named:
            name = row[label]
            if name is None:
                continue
            row[label] = found = catchments.get(name)
            level = CATCHMENT_COLUMNS[label]
            if found is None:
                problems.append((label, f"学区“{name}”不存在；请先上传学区边界（GeoJSON）或核对名称", name))
            elif level is not None and found.level != level:
                message = f"学区“{name}”是{found.get_level_display()}学区，不能填在“{label}”列；请核对"
                problems.append((label, message, name))
        return problems

    return resolve


def _store_capacities(county: Organisation, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        SchoolCapacity.objects.update_or_create(
            school=r["学校标识码"],
            year=r["年度"],
            defaults={
                "catchment_primary": r["小学学区"],
                "catchment_junior": r["初中学区"],
                "design_classes_primary": r["小学设计班数"],
                "design_classes_junior": r["初中设计班数"],
                "class_size_primary": r["小学标准班额"],
                "class_size_junior": r["初中标准班额"],
                "latitude": r["纬度"],
                "longitude": r["经度"],
            },
        )


def _store_births(county: Organisation, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        Births.objects.update_or_create(
            county=county, catchment=r["学区"], year=r["出生年度"], series=r["口径"], defaults={"births": r["出生人口"]}
        )


def _store_housing(county: Organisation, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        HousingDelivery.objects.update_or_create(
            catchment=r["学区"], year=r["交付年度"], defaults={"households": r["交付户数"]}
        )


def _store_residents(county: Organisation, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        Residents.objects.update_or_create(county=county, year=r["年度"], defaults={"residents": r["常住人口"]})


def _required(parse: Cell) -> Cell:
    def check(text: str | None) -> Any:
        if text is None:
            raise ValueError("为空；请填写")
        return parse(text)

    return check


UPLOADS = {
    "capacities": Upload(
        "学校设计班数与坐标",
        {
            "学校标识码": _required(_text),
            "年度": _year,
            "小学学区": _text,
            "初中学区": _text,
            "小学设计班数": _whole,
            "初中设计班数": _whole,
            "小学标准班额": _optional_whole,
            "初中标准班额": _optional_whole,
            "纬度": _coordinate(90),
            "经度": _coordinate(180),
        },
        ("学校标识码", "年度"),
        _store_capacities,
    ),
    "births": Upload(
        "出生人口（学区为空表示全县）",
        {"学区": _text, "出生年度": _year, "口径": _series, "出生人口": _whole},
        ("学区", "出生年度", "口径"),
        _store_births,
    ),
    "housing": Upload(
        "住宅交付",
        {"学区": _required(_text), "交付年度": _year, "交付户数": _whole},
        ("学区", "交付年度"),
        _store_housing,
    ),
    "residents": Upload("常住人口", {"年度": _year, "常住人口": _positive}, ("年度",), _store_residents),
}


@transaction.atomic
def upload_table(*, user: User, county_id: int, kind: str, path: Path, name: str) -> int:
    """Store an upload of `kind` (a key of UPLOADS): rows replace those with the same key; on any
    problem nothing is stored and every problem is reported, cell by cell. Returns the rows stored."""
    county = lookups.managed_county(user, county_id, refusal=MANAGERS_ONLY)
    upload = UPLOADS[kind]
    rows = _read(path, name, upload, _resolver(county, upload))
    upload.store(county, rows)
    return len(rows)


@transaction.atomic
def upload_catchments(*, user: User, county_id: int, text: str, name: str) -> int:
    """Store catchments from a GeoJSON FeatureCollection: each feature's `properties.name` (学区名称) and
    `properties.level` (小学/初中); its geometry (Polygon or MultiPolygon, or null) is the outline."""
    county = lookups.managed_county(user, county_id, refusal=MANAGERS_ONLY)
    issues: list[DataIssue] = []

    def problem(where: str, message: str) -> None:
        issues.append(DataIssue(name, None, where, message))

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidData(
            [DataIssue(name, exc.lineno, None, f"不是有效的 JSON（第 {exc.lineno} 行）：{exc.msg}")]
        ) from exc
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list) or not features:
        raise InvalidData([DataIssue(name, None, None, "应为含至少一个要素的 GeoJSON FeatureCollection")])
    found: list[tuple[str, str, str]] = []
    for i, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        label = str(props.get("name") or "").strip()
        level = LEVEL_NAMES.get(str(props.get("level") or ""))
        where = f"第 {i} 个要素"
        if not label:
            problem(where, "缺少 properties.name（学区名称）")
        if level is None:
            problem(where, "properties.level 应为“小学”或“初中”")
        if geometry is not None and not (
            isinstance(geometry, dict)
            and geometry.get("type") in {"Polygon", "MultiPolygon"}
            and isinstance(geometry.get("coordinates"), list)
        ):
            problem(where, "geometry 应为 Polygon 或 MultiPolygon（或 null）")
        if label and level is not None:
            found.append((label, level.value, "" if geometry is None else json.dumps(geometry, ensure_ascii=False)))
    if issues:
        raise InvalidData(issues)
    for label, level_value, outline in found:
        Catchment.objects.update_or_create(
            county=county, name=label, defaults={"level": level_value, "geometry": outline}
        )
    return len(found)
