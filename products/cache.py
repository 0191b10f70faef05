"""The shop's cache family: its pages and its product grid, all stale when a product changes.

A version number in every key (`lib.caching.version("shop")`) is bumped on every change, so
every cached page and grid is stale at once. With Redis (REDIS_URL) all web processes see the
bump immediately; with the per-process memory cache the others catch up within
SHOP_CACHE_SECONDS.
"""

from django.conf import settings

from lib.caching import bump

SCOPE = "shop"


def shop_cache_invalidate() -> None:
    bump(SCOPE)


def shop_cache_seconds() -> int:
    return settings.SHOP_CACHE_SECONDS
