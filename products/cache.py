"""The anonymous shop page, cached whole and dropped whenever a product changes.

A version number in the cache key is bumped on every change, so every cached page is stale at
once. With Redis (REDIS_URL) all web processes see the bump immediately; with the per-process
memory cache the others catch up within SHOP_CACHE_SECONDS.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from lib.caching import bump, version

SCOPE = "shop"


def shop_cache_invalidate() -> None:
    bump(SCOPE)


def shop_html(kind: str, identity: str, render: Callable[[], str]) -> str:
    """Rendered shop HTML (a page or a fragment) that is the same for every visitor."""
    version_now = version(SCOPE)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"shop:{kind}:{version_now}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, settings.SHOP_CACHE_SECONDS)
    return html
