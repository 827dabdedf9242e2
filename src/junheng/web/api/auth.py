"""The API's authentication: `Authorization: Bearer TOKEN` (contracts.md §4)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer

from junheng.web.api.tokens import user_for_token


class BearerToken(HttpBearer):
    """A token issued by `junheng token USERNAME`; the request then acts as its user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            # The scope module and the services take the acting user from here, as for a web page.
            request.user = user
        return user
