"""What pages compute from stored records, kept between requests, processes and servers.

Everything is kept in Django's cache (Redis when JUNHENG_CACHE_URL names one, the platform's database
otherwise: `web.caches`) under the *data version* of the records it was computed from
(`collection.data_versions`): a token that every write of them renews in its own transaction. Every
process and server reads the same tokens, so the first request after a write computes anew wherever it
lands, and every other request takes what was kept. A region page asks for its counties together
(`kept_many`) and computes only those whose records changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
# Tokens, not time, make what is kept stale; this only lets entries no page asks for any more go.
TIMEOUT = 24 * 60 * 60
PREFIX = "junheng:kept:"


def kept(key: str, version: str | None, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave for `key` while the records had this `version` (None: not kept)."""
    if version is None:
        return compute()
    hit = cache.get(PREFIX + key)
    if hit is not None and hit[0] == version:
        value: T = hit[1]
        return value
    value = compute()
    cache.set(PREFIX + key, (version, value), TIMEOUT)
    return value


def is_kept(key: str) -> bool:
    """Whether anything is kept for `key`, under any version: a page has asked for it lately."""
    return bool(cache.has_key(PREFIX + key))


def kept_many(versions: Mapping[str, str | None], compute: Callable[[Sequence[str]], Mapping[str, T]]) -> dict[str, T]:
    """The value of every key of `versions`: those kept under their version in one cache read, the
    others from one call of `compute(missing keys)`, then kept in one cache write."""
    hits = cache.get_many([PREFIX + key for key, version in versions.items() if version is not None])
    found: dict[str, T] = {}
    for key, version in versions.items():
        hit = hits.get(PREFIX + key)
        if hit is not None and hit[0] == version:
            found[key] = hit[1]
    missing = [key for key in versions if key not in found]
    if missing:
        made = compute(missing)
        cache.set_many(
            {PREFIX + key: (versions[key], made[key]) for key in missing if versions[key] is not None}, TIMEOUT
        )
        found |= {key: made[key] for key in missing}
    return found
