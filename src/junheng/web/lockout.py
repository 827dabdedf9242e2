"""django-axes' two hooks: the address a login attempt came from, and the Chinese page shown while locked out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from junheng.web.security import LOGIN_COOLOFF_MINUTES, LOGIN_FAILURE_LIMIT


def client_address(request: HttpRequest) -> str:
    """The address a login attempt came from: behind the reverse proxy, the one it appended to X-Forwarded-For.

    Only the last entry is the proxy's own; earlier ones are whatever the client sent and could be forged.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "JUNHENG_BEHIND_PROXY", False) and forwarded:
        return str(forwarded.split(",")[-1].strip())
    return str(request.META.get("REMOTE_ADDR", ""))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The Chinese page shown while an account or address is locked out (HTTP 429)."""
    cooloff: timedelta = getattr(settings, "AXES_COOLOFF_TIME", timedelta(minutes=LOGIN_COOLOFF_MINUTES))
    limit: int = getattr(settings, "AXES_FAILURE_LIMIT", LOGIN_FAILURE_LIMIT)
    context = {"failure_limit": limit, "cooloff_minutes": int(cooloff.total_seconds() // 60)}
    return render(request, "lockout.html", context, status=429)
