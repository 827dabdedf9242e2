"""The places table, the map and the uploads. Views stay thin: `places.services` checks who may do what."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from junheng.web.collection.services import InvalidData
from junheng.web.orgs import scope
from junheng.web.orgs.models import Organisation
from junheng.web.places import services
from junheng.web.places.forms import CatchmentsForm, UploadForm


def _method(request: HttpRequest) -> str:
    method = request.GET.get("method", services.PROJECTION)
    return method if method in services.METHODS else services.PROJECTION


@login_required
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """Places, demand, gap and warning per catchment and year; places per 1,000 residents vs the norm."""
    view = services.county_places(user=request.user, county_id=county_id, method=_method(request))
    context = {
        "county": view.county,
        "method": view.method,
        "methods": services.METHODS,
        "rows": list(view.gaps.iter_rows(named=True)),
        "per_1000": list(view.per_1000.iter_rows(named=True)),
        "uploads": services.UPLOADS,
        "can_manage": scope.can_manage(request.user, view.county),
    }
    return render(request, "places/county.html", context)


@login_required
def county_map(request: HttpRequest, county_id: int) -> HttpResponse:
    """Catchments coloured by warning and schools by the school rule, drawn with Leaflet, no tiles."""
    found = scope.get_visible(request.user, pk=county_id, kind=Organisation.Kind.COUNTY)
    years = services.capacity_table(found)["year"].unique().sort().to_list()
    try:
        year = int(request.GET.get("year") or (years[-1] if years else 0))
    except ValueError as exc:
        raise Http404("年度不正确") from exc
    method = _method(request)
    data = services.map_data(user=request.user, county_id=county_id, year=year, method=method)
    context = {"county": found, "year": year, "years": years, "method": method, "data": data}
    return render(request, "places/map.html", context)


def _manager(request: HttpRequest, county_id: int) -> Organisation:
    found = scope.get_visible(request.user, pk=county_id, kind=Organisation.Kind.COUNTY)
    if request.method == "POST" and not scope.can_manage(request.user, found):
        raise PermissionDenied("只有县级督导室可以上传学位数据")
    return found


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, county_id: int, kind: str) -> HttpResponse:
    """Upload one table (capacities, births, housing, residents); problems listed cell by cell."""
    if kind not in services.UPLOADS:
        raise Http404("没有这种上传")
    found = _manager(request, county_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    issues: tuple[object, ...] = ()
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{Path(file.name or '').suffix}"
            path.write_bytes(file.read())
            try:
                count = services.upload_table(
                    user=request.user, county_id=found.pk, kind=kind, path=path, name=file.name or "上传文件"
                )
            except InvalidData as exc:
                issues = exc.issues
            else:
                messages.success(request, f"已保存 {count} 行")
                return redirect("places:county", found.pk)
    upload_ = services.UPLOADS[kind]
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
            count = services.upload_catchments(user=request.user, county_id=found.pk, text=text, name=file.name or "")
        except UnicodeDecodeError:
            form.add_error("file", "文件不是 UTF-8 编码的 GeoJSON")
        except InvalidData as exc:
            issues = exc.issues
        else:
            messages.success(request, f"已保存 {count} 个学区")
            return redirect("places:county", found.pk)
    context = {"county": found, "form": form, "issues": issues, "title": "学区边界（GeoJSON）", "columns": []}
    return render(request, "places/upload.html", context)
