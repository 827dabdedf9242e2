"""The front door: the home page sends each user to where their role works, and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from junheng.web.orgs import scope


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
