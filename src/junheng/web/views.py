"""The health check and the page for a request that cannot be answered (400); the home page is home.views."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from junheng.web.years import InvalidYear


def healthz(request: HttpRequest) -> HttpResponse:
    """200 once the database answers (contracts.md §4)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400: what was wrong when it is ours to say (a year out of bounds), else a general line; never a
    traceback or Django's English text."""
    message = str(exception) if isinstance(exception, InvalidYear) else ""
    return render(request, "400.html", {"message": message}, status=400)
