"""The front door: the home page sends each user to where their role works, the health check, and the
page for a request that cannot be answered (400)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from junheng.web.orgs import scope
from junheng.web.years import InvalidYear


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The organisations the user acts for, with their role, as links to their pages."""
    memberships = scope.memberships(request.user)
    return render(request, "home.html", {"memberships": memberships})


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
