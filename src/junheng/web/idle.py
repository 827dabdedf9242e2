"""The idle session timeout: a session ends JUNHENG_SESSION_IDLE_MINUTES after its user's last request.

Django's SESSION_SAVE_EVERY_REQUEST would write the session on every page (three queries, and on SQLite
one writer at a time); instead an active session's expiry is pushed on at most once per tenth of the idle
time, so a session ends between 90 % and 100 % of the idle time after the last request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

ACTIVE_AT = "junheng_active_at"


def mark_active(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """On login (receiver of `user_logged_in`): the session starts active now, so its first page writes nothing."""
    if request is not None:
        request.session[ACTIVE_AT] = int(time.time())


class IdleSessionMiddleware:
    """Renews the session's expiry (SESSION_COOKIE_AGE from now) once a tenth of it has passed since the last."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = request.session
        if session.session_key is not None:
            now = int(time.time())
            if now - int(session.get(ACTIVE_AT, 0)) >= settings.SESSION_COOKIE_AGE // 10:
                session[ACTIVE_AT] = now  # modified: SessionMiddleware saves it with a new expiry
        return self.get_response(request)
