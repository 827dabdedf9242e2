"""What a county does with its school places: upload capacities, births, housing, residents and
catchment outlines, and read the places table and the map (issue 6 part 3).

Every function checks who may do it (through `orgs.scope`) and raises `PermissionDenied`, `Http404` or
`InvalidData` (nothing stored), as the collection and class-size services do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction

from junheng.engine import evaluate, places
from junheng.io.errors import DataFileError, DataIssue
from junheng.io.reader import read_grid
from junheng.plan.projection import project
from junheng.web.collection.models import SchoolRecord
from junheng.web.collection.services import InvalidData, county_table, standard_for
from junheng.web.orgs import scope
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User
from junheng.web.places.models import Births, Catchment, HousingDelivery, Level, Residents, SchoolCapacity, Series

LEVELS = {"小学": Level.PRIMARY, "初中": Level.JUNIOR, "primary": Level.PRIMARY, "junior": Level.JUNIOR}
PROJECTION = "projection"
METHODS = {PROJECTION: "在校生预测", Series.REGISTERED.value: "户籍出生人口", Series.RESIDENT.value: "常住出生人口"}
LEVEL_FIELDS = {
    "primary": ("design_classes_primary", "class_size_primary"),
    "junior": ("design_classes_junior", "class_size_junior"),
}


def _county(user: User, county_id: int) -> Organisation:
    return scope.get_visible(user, pk=county_id, kind=Organisation.Kind.COUNTY)


def _manager(user: User, county_id: int) -> Organisation:
    county = _county(user, county_id)
    if not scope.can_manage(user, county):
        raise PermissionDenied("只有县级督导室可以上传学位数据")
    return county


def rules_for(county: Organisation) -> places.PlacesRules:
    return places.PlacesRules.of(standard_for(county))


# Uploads -----------------------------------------------------------------------------------------------

Cell = Callable[[str | None], Any]  # parses a cell's text; raises ValueError with what to do
Resolver = Callable[[Organisation, dict[str, Any]], list[tuple[str, str, str]]]


@dataclass(frozen=True)
class Upload:
    """A CSV/Excel upload: its columns (label → parser) and how a parsed row is stored."""

    label: str
    columns: Mapping[str, Cell]
    store: Callable[[Organisation, list[dict[str, Any]]], None]


def _whole(text: str | None) -> int:
    if text is None or not (text.isascii() and text.isdigit()):
        raise ValueError("应为非负整数")
    return int(text)


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


def _read(path: Path, name: str, upload: Upload, county: Organisation, refs: Resolver) -> list[dict[str, Any]]:
    """Rows of the file parsed cell by cell; every problem reported with its row and column."""
    try:
        grid = read_grid(path, name, None)
    except DataFileError as exc:
        raise InvalidData(exc.issues) from exc
    labels = list(upload.columns)
    if grid.height == 0:
        raise InvalidData([DataIssue(name, None, None, "文件中没有数据；第一行应为表头：" + "、".join(labels))])
    header, body = grid.row(0, named=True), grid.slice(1)
    where = {text: column for column, text in header.items() if column != "row" and text is not None}
    missing = [label for label in labels if label not in where]
    if missing:
        message = f"缺少列：{'、'.join(missing)}；第一行应为表头：{'、'.join(labels)}"
        raise InvalidData([DataIssue(name, header["row"], None, message)])
    issues: list[DataIssue] = []
    rows: list[dict[str, Any]] = []
    for cells in body.iter_rows(named=True):
        parsed: dict[str, Any] = {}
        for label, parse in upload.columns.items():
            text = cells[where[label]]
            try:
                parsed[label] = parse(text)
            except ValueError as exc:
                issues.append(DataIssue(name, cells["row"], label, f"“{text or ''}”不正确：{exc}", text))
        if len(parsed) == len(labels):
            for label, message, value in refs(county, parsed):
                issues.append(DataIssue(name, cells["row"], label, message, value))
            rows.append(parsed)
    if issues:
        raise InvalidData(issues)
    if not rows:
        raise InvalidData([DataIssue(name, None, None, "文件中只有表头，没有数据")])
    return rows


def _resolve(county: Organisation, row: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Turn 学校标识码 and 学区 into the county's school and catchment; (column, message, value) of each
    one not found."""
    problems: list[tuple[str, str, str]] = []
    if "学校标识码" in row:
        school = county.subtree().filter(kind=Organisation.Kind.SCHOOL, code=row["学校标识码"]).first()
        if school is None:
            problems.append(
                ("学校标识码", f"学校标识码“{row['学校标识码']}”不是{county.name}的学校；请核对", row["学校标识码"])
            )
        row["学校标识码"] = school
    if row.get("学区") is not None:
        catchment = Catchment.objects.filter(county=county, name=row["学区"]).first()
        if catchment is None:
            problems.append(("学区", f"学区“{row['学区']}”不存在；请先上传学区边界（GeoJSON）或核对名称", row["学区"]))
        row["学区"] = catchment
    return problems


def _store_capacities(county: Organisation, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        SchoolCapacity.objects.update_or_create(
            school=r["学校标识码"],
            year=r["年度"],
            defaults={
                "catchment": r["学区"],
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
            "学区": _text,
            "小学设计班数": _whole,
            "初中设计班数": _whole,
            "小学标准班额": _optional_whole,
            "初中标准班额": _optional_whole,
            "纬度": _coordinate(90),
            "经度": _coordinate(180),
        },
        _store_capacities,
    ),
    "births": Upload(
        "出生人口（学区为空表示全县）",
        {"学区": _text, "出生年度": _year, "口径": _series, "出生人口": _whole},
        _store_births,
    ),
    "housing": Upload("住宅交付", {"学区": _required(_text), "交付年度": _year, "交付户数": _whole}, _store_housing),
    "residents": Upload("常住人口", {"年度": _year, "常住人口": _whole}, _store_residents),
}


@transaction.atomic
def upload_table(*, user: User, county_id: int, kind: str, path: Path, name: str) -> int:
    """Store an upload of `kind` (a key of UPLOADS): rows replace those with the same key; on any
    problem nothing is stored and every problem is reported, cell by cell. Returns the rows stored."""
    county = _manager(user, county_id)
    upload = UPLOADS[kind]
    rows = _read(path, name, upload, county, _resolve)
    upload.store(county, rows)
    return len(rows)


@transaction.atomic
def upload_catchments(*, user: User, county_id: int, text: str, name: str) -> int:
    """Store catchments from a GeoJSON FeatureCollection: each feature's `properties.name` (学区名称) and
    `properties.level` (小学/初中); its geometry (Polygon or MultiPolygon, or null) is the outline."""
    county = _manager(user, county_id)
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
        level = LEVELS.get(str(props.get("level") or ""))
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


# Reading -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacesView:
    county: Organisation
    method: str
    gaps: pl.DataFrame
    per_1000: pl.DataFrame


def capacity_table(county: Organisation) -> pl.DataFrame:
    """The county's capacity rows, long by 学段 (engine.places), in one query."""
    rows = []
    for c in SchoolCapacity.objects.filter(school__path__startswith=county.path).select_related("catchment", "school"):
        for level, (classes, size) in LEVEL_FIELDS.items():
            rows.append(
                (
                    c.school.code,
                    c.year,
                    c.catchment.name if c.catchment else None,
                    level,
                    getattr(c, classes),
                    getattr(c, size),
                )
            )
    schema = {
        "school": pl.String,
        "year": pl.Int64,
        "catchment": pl.String,
        "level": pl.String,
        "design_classes": pl.Int64,
        "class_size": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _projected(county: Organisation, capacities: pl.DataFrame, years: list[int]) -> pl.DataFrame:
    """Demand from the schools' own enrolment: the latest collected year projected (plan.projection),
    each school's students counted in its catchment."""
    schema: dict[str, pl.DataType] = {
        "catchment": pl.String(),
        "year": pl.Int64(),
        "level": pl.String(),
        "demand": pl.Float64(),
    }
    latest = SchoolRecord.objects.filter(school__path__startswith=county.path).order_by("-year").first()
    if latest is None or capacities.height == 0:
        return pl.DataFrame(schema=schema)
    base = county_table(county, latest.year)
    projected = project(base, standard_for(county), max([latest.year, *years]))
    enrolment = pl.concat(
        [t.select("school_id", "year", "students_primary", "students_junior") for t in [base, *projected.values()]]
    ).unique(["school_id", "year"], keep="first")
    assigned = capacities.sort("year").group_by("school").agg(pl.col("catchment").last())
    return (
        enrolment.unpivot(["students_primary", "students_junior"], index=["school_id", "year"], variable_name="level")
        .with_columns(pl.col("level").str.strip_prefix("students_"), pl.col("year").cast(pl.Int64))
        .join(assigned, left_on="school_id", right_on="school")
        .group_by("catchment", "year", "level")
        .agg(pl.col("value").fill_null(0).sum().cast(pl.Float64).alias("demand"))
        .select(list(schema))
        .cast(pl.Schema(schema))
    )


def county_places(*, user: User, county_id: int, method: str = PROJECTION) -> PlacesView:
    """The county's places, demand, gap and warning per catchment and year, and its places per 1,000
    residents against the norm."""
    county = _county(user, county_id)
    rules = rules_for(county)
    capacities = capacity_table(county)
    catchments = pl.DataFrame(
        list(Catchment.objects.filter(county=county).values_list("name", "level")),
        schema={"catchment": pl.String, "level": pl.String},
        orient="row",
    )
    births = pl.DataFrame(
        list(
            Births.objects.filter(county=county, catchment__isnull=False).values_list(
                "catchment__name", "year", "series", "births"
            )
        ),
        schema={"catchment": pl.String, "year": pl.Int64, "series": pl.String, "births": pl.Int64},
        orient="row",
    )
    deliveries = pl.DataFrame(
        list(
            HousingDelivery.objects.filter(catchment__county=county).values_list(
                "catchment__name", "year", "households"
            )
        ),
        schema={"catchment": pl.String, "year": pl.Int64, "households": pl.Int64},
        orient="row",
    )
    years = sorted(set(capacities["year"].to_list()))
    if method == PROJECTION:
        base = _projected(county, capacities, years)
    else:
        base = places.births_demand(births, method, rules)
    years = sorted(set(years) | set(base["year"].to_list()))
    supply = places.places_in(capacities, years, rules)
    housing = places.housing_demand(deliveries, years, rules)
    residents = pl.DataFrame(
        list(Residents.objects.filter(county=county).values_list("year", "residents")),
        schema={"year": pl.Int64, "residents": pl.Int64},
        orient="row",
    )
    return PlacesView(
        county,
        method,
        places.gaps(catchments, supply, base, housing, rules),
        places.places_per_1000_residents(capacities, residents, rules),
    )


def map_data(*, user: User, county_id: int, year: int, method: str = PROJECTION) -> dict[str, Any]:
    """GeoJSON of the catchments coloured by their warning in `year`, and the schools with coordinates
    coloured by the school rule on the county's records of that year (null where not evaluated)."""
    view = county_places(user=user, county_id=county_id, method=method)
    county = view.county
    warnings = {r["catchment"]: r["warning"] for r in view.gaps.filter(pl.col("year") == year).iter_rows(named=True)}
    features = [
        {
            "type": "Feature",
            "properties": {"name": c.name, "level": c.get_level_display(), "warning": warnings.get(c.name)},
            "geometry": json.loads(c.geometry),
        }
        for c in Catchment.objects.filter(county=county).exclude(geometry="")
    ]
    verdicts: dict[str, bool | None] = {}
    table = county_table(county, year)
    if table.height:
        schools = evaluate(table, standard_for(county)).schools
        for code, passed in schools.group_by("school_id").agg(pl.col("pass").all()).rows():
            verdicts[code] = passed
    latest: dict[int, SchoolCapacity] = {}
    for c in SchoolCapacity.objects.filter(school__path__startswith=county.path, year__lte=year).select_related(
        "school"
    ):
        if (
            c.latitude is not None
            and c.longitude is not None
            and (c.school_id not in latest or c.year > latest[c.school_id].year)
        ):
            latest[c.school_id] = c
    points = [
        {"name": c.school.name, "lat": c.latitude, "lon": c.longitude, "pass": verdicts.get(c.school.code)}
        for c in latest.values()
    ]
    return {"catchments": {"type": "FeatureCollection", "features": features}, "schools": points}
