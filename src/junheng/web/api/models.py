"""API tokens: a user's key to the API (contracts.md §4), of which only a digest is kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A token a user's programs send as `Authorization: Bearer …`.

    Only the SHA-256 of the token is stored: the plaintext is shown once, when it is issued, and a
    copy of the database gives no one a working token. A token is revoked by deleting it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="用户"
    )
    name = models.CharField("名称", max_length=100, help_text="用来区分同一用户的多个令牌，如使用它的程序")
    digest = models.CharField("SHA-256 摘要", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"
