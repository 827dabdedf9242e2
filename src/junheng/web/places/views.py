"""The places table, the map and the uploads. Views stay thin: `places.services` and
`places.uploads` check who may do what."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from junheng.web.collection.services import InvalidData
from junheng.web.datafiles import saved
from junheng.web.orgs import scope
from junheng.web.orgs.models import Organisation
from junheng.web.places import services, uploads
from junheng.web.places.forms import CatchmentsForm, UploadForm
from junheng.web.years import asked_year


def _method(request: HttpRequest) -> str:
    method = request.GET.get("method", services.PROJECTION)
    return method if method in services.METHODS else services.PROJECTION


@login_required
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """Places, demand, gap and warning for the whole county (全县) and per catchment and year; places per
    1,000 residents vs the norm."""
    view = services.county_places(user=request.user, county_id=county_id, method=_method(request))
    rows = [r | {"name": "全县", "scope": "county"} for r in view.county_gaps.iter_rows(named=True)]
    rows += [r | {"name": r["catchment"], "scope": "catchment"} for r in view.gaps.iter_rows(named=True)]
    context = {
        "county": view.county,
        "method": view.method,
        "methods": services.METHODS,
        "rows": rows,
        "per_1000": list(view.per_1000.iter_rows(named=True)),
        "uploads": uploads.UPLOADS,
        "can_manage": scope.can_manage(request.user, view.county),
    }
    return render(request, "places/county.html", context)


@login_required
def county_map(request: HttpRequest, county_id: int) -> HttpResponse:
    """Catchments coloured by warning and schools by the school rule, drawn with Leaflet, no tiles; the
    catchments without an outline and the schools without coordinates listed below."""
    data = services.map_data(user=request.user, county_id=county_id, year=asked_year(request), method=_method(request))
    context = {
        "county": data.county,
        "map": data,
        "data": data.as_json(),
        "red_percent": round(data.rules.red * 100),
        "yellow_percent": round(data.rules.yellow * 100),
        "unmapped_catchments": [c for c in data.catchments if c.geometry is None],
        "unmapped_schools": [s for s in data.schools if s.lat is None],
    }
    return render(request, "places/map.html", context)


@login_required
def map_json(request: HttpRequest, county_id: int) -> JsonResponse:
    """The map's data as JSON (the same the map page draws)."""
    data = services.map_data(user=request.user, county_id=county_id, year=asked_year(request), method=_method(request))
    return JsonResponse(data.as_json(), json_dumps_params={"ensure_ascii": False})


def _manager(request: HttpRequest, county_id: int) -> Organisation:
    found = scope.get_visible(request.user, pk=county_id, kind=Organisation.Kind.COUNTY)
    if request.method == "POST" and not scope.can_manage(request.user, found):
        raise PermissionDenied("只有县级督导室可以上传学位数据")
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
