"""API tokens in the admin: see who holds which and when it was last used, and revoke by deleting."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from junheng.web.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("user", "name", "created_at", "last_used_at")
    list_filter = ("created_at",)
    search_fields = ("user__username", "name")
    readonly_fields = ("user", "name", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The plaintext must be shown once to whoever asked for it: `junheng token USERNAME` does that.
        return False
