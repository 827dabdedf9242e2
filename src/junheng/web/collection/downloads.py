"""Downloads of the collection: a county's data file of a year, to correct offline or archive."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from junheng.web.collection import services
from junheng.web.years import InvalidYear, asked_year

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def county_workbook(request: HttpRequest, county_id: int) -> HttpResponse:
    """`?year=YYYY`: the county's records of that year as the workbook the importer takes."""
    year = asked_year(request)
    if year is None:
        raise InvalidYear("")
    name, content = services.county_workbook(user=request.user, county_id=county_id, year=year)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
