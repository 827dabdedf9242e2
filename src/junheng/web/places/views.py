"""The places table, the map and the uploads. Views stay thin: `places.services` and
`places.uploads` check who may do what."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from junheng.levels import LEVEL_LABELS
from junheng.web.datafiles import saved
from junheng.web.errors import InvalidData
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.places import services, uploads
from junheng.web.places.forms import CatchmentsForm, UploadForm
from junheng.web.years import asked_year


def _method(request: HttpRequest) -> str:
    method = request.GET.get("method", services.PROJECTION)
    return method if method in services.METHODS else services.PROJECTION


FIGURES = ("places", "base", "housing", "demand", "gap", "warning")
WARNINGS = {"red": (3, "红色"), "yellow": (2, "黄色"), "green": (1, "绿色")}


def _spans(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive years of a catchment (or of the county) with the same figures as one row, from its
    first year to `last_year` (2026–2030): a projection without new births or housing repeats itself."""
    spans: list[dict[str, Any]] = []
    for row in rows:
        last = spans[-1] if spans else None
        if (
            last is not None
            and (last["scope"], last["name"], last["level"]) == (row["scope"], row["name"], row["level"])
            and last["last_year"] + 1 == row["year"]
            and all(last[key] == row[key] for key in FIGURES)
        ):
            last["last_year"] = row["year"]
        else:
            rank, name = WARNINGS.get(row["warning"], (0, "—"))
            level = LEVEL_LABELS.get(row["level"], row["level"])
            shown = {"warning_rank": rank, "warning_name": name, "level_name": level}
            spans.append(row | shown | {"last_year": row["year"]})
    return spans


@login_required
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """The map of catchments coloured by warning and schools by the school rule (Leaflet, no tiles), then
    places, demand, gap and warning for the whole county (全县) and per catchment and year, places per
    1,000 residents vs the norm, and the catchments and schools the map cannot draw."""
    view, data = services.county_page(
        user=request.user, county_id=county_id, year=asked_year(request), method=_method(request)
    )
    context = {
        "county": view.county,
        "method": view.method,
        "methods": services.METHODS,
        "rows": _spans(gap_rows(view)),
        "per_1000": list(view.per_1000.iter_rows(named=True)),
        "uploads": uploads.UPLOADS,
        "can_manage": scope.can_manage(request.user, view.county),
        "map": data,
        "data": data.as_json(),
        "red_percent": round(data.rules.red * 100),
        "yellow_percent": round(data.rules.yellow * 100),
        "unmapped_catchments": [c for c in data.catchments if c.geometry is None],
        "unmapped_schools": [s for s in data.schools if s.lat is None],
    }
    return render(request, "places/county.html", context)


def gap_rows(view: services.PlacesView) -> list[dict[str, Any]]:
    """The places table's rows, year by year: the whole county (全县) first, then each catchment, each named
    (the page shows equal consecutive years as one row, `_spans`; the Excel file has every year)."""
    rows = [r | {"name": "全县", "scope": "county"} for r in view.county_gaps.iter_rows(named=True)]
    return rows + [r | {"name": r["catchment"], "scope": "catchment"} for r in view.gaps.iter_rows(named=True)]


@login_required
def map_json(request: HttpRequest, county_id: int) -> JsonResponse:
    """The map's data as JSON (the same the map page draws)."""
    data = services.map_data(user=request.user, county_id=county_id, year=asked_year(request), method=_method(request))
    return JsonResponse(data.as_json(), json_dumps_params={"ensure_ascii": False})


def _manager(request: HttpRequest, county_id: int) -> Organisation:
    found = lookups.visible_county(request.user, county_id)
    if request.method == "POST" and not scope.can_manage(request.user, found):
        raise PermissionDenied(uploads.MANAGERS_ONLY)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, county_id: int, kind: str) -> HttpResponse:
    """Upload one table (capacities, births, housing, residents); problems listed cell by cell."""
    if kind not in uploads.UPLOADS:
        raise Http404("没有这种上传")
    found = _manager(request, county_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    issues: tuple[object, ...] = ()
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = saved(file, Path(folder), "upload")
            try:
                count = uploads.upload_table(
                    user=request.user, county_id=found.pk, kind=kind, path=path, name=file.name or "上传文件"
                )
            except InvalidData as exc:
                issues = exc.issues
            else:
                messages.success(request, f"已保存 {count} 行")
                return redirect("places:county", found.pk)
    upload_ = uploads.UPLOADS[kind]
    context = {
        "county": found,
        "form": form,
        "issues": issues,
        "title": upload_.label,
        "columns": list(upload_.columns),
    }
    return render(request, "places/upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload_catchments(request: HttpRequest, county_id: int) -> HttpResponse:
    """Upload the catchments' GeoJSON (validated JSON; nothing stored on a problem)."""
    found = _manager(request, county_id)
    form = CatchmentsForm(request.POST or None, request.FILES or None)
    issues: tuple[object, ...] = ()
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            text = file.read().decode("utf-8-sig")
            count = uploads.upload_catchments(user=request.user, county_id=found.pk, text=text, name=file.name or "")
        except UnicodeDecodeError:
            form.add_error("file", "文件不是 UTF-8 编码的 GeoJSON")
        except InvalidData as exc:
            issues = exc.issues
        else:
            messages.success(request, f"已保存 {count} 个学区")
            return redirect("places:county", found.pk)
    context = {"county": found, "form": form, "issues": issues, "title": "学区边界（GeoJSON）", "columns": []}
    return render(request, "places/upload.html", context)
