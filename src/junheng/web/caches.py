"""Where the platform keeps what it computed (`collection.kept`): one cache every process and server shares.

JUNHENG_CACHE_URL=redis://host:6379/0 names a Redis server (production, several servers: docs/deployment.md);
without it, a table of the platform's own database (made by `junheng serve` and `junheng demo` with the
migrations), which every process on the same database shares too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DATABASE_TABLE = "junheng_cache"


def cache_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Django's CACHES: Redis at JUNHENG_CACHE_URL, else the database table DATABASE_TABLE."""
    url = environ.get("JUNHENG_CACHE_URL", "")
    default: dict[str, Any]
    if url:
        default = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "junheng"}
    else:
        # A county-year's figures are an entry each, a tracker's row too: room for a province's counties over
        # several years (the database culls a third of the entries past this).
        default = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    return {"default": default}
