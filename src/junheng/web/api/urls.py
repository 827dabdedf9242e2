"""The API under /api/: its endpoints, the OpenAPI schema (openapi.json) and its documentation (docs)."""

from django.urls import path

from junheng.web.api.api import api

urlpatterns = [path("", api.urls)]
