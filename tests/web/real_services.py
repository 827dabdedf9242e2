"""The real PostgreSQL and Redis that scripts/test.sh starts, for the tests that need both at once."""

from __future__ import annotations

import os

import pytest

DATABASE = os.environ.get("JUNHENG_DATABASE_URL", "")
CACHE = os.environ.get("JUNHENG_CACHE_URL", "")

needs_postgres_and_redis = pytest.mark.skipif(
    not (DATABASE.startswith("postgres") and CACHE.startswith("redis")),
    reason="needs JUNHENG_DATABASE_URL=postgresql://… and JUNHENG_CACHE_URL=redis://… (scripts/test.sh sets both)",
)
