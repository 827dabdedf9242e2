"""Issuing API tokens and finding the user a token belongs to.

A token is 256 random bits; the database holds its SHA-256 only. A slow password hash would add
nothing here: it guards guessable secrets, and a random 256-bit token cannot be guessed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from junheng.web.api.models import ApiToken

# Recognisable in a configuration file or a leaked log, and never a valid password by accident.
PREFIX = "jh_"
# last_used_at is kept to the minute: writing it on every request would make every read a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(Exception):
    """No token was issued: no active user has this username."""

    def __init__(self, username: str) -> None:
        super().__init__(f"没有用户名为“{username}”的有效用户；请检查用户名，或先在管理后台创建该用户")
        self.username = username


def digest(token: str) -> str:
    """The SHA-256 of a token, as the 64 hexadecimal digits stored in ApiToken.digest."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, username: str, name: str = "cli") -> str:
    """A new token for `username`, returned in plaintext this once; raises TokenError."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise TokenError(username)
    token = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, digest=digest(token))
    return token


def user_for_token(token: str) -> User | None:
    """The active user `token` belongs to, noting when it was used; None for an unknown token."""
    found = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
    if found is None or not found.user.is_active:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user
