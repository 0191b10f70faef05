"""Order pages cached per viewer, under a key that changes whenever their orders change.

With a shared cache (Redis), every saved order bumps a version for its customer and one for
all orders, so any process sees the change at once without a query. With the per-process
memory cache the key is instead the orders' count and latest `updated_at`, read in one
indexed query, which no process can miss.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet

from lib.caching import bump, version

ALL = "all"


def orders_changed(*, customer_id: int) -> None:
    for scope in (ALL, f"customer:{customer_id}"):
        bump(f"orders:{scope}")


def _state(version_scope: str, orders: QuerySet) -> str:
    if settings.REDIS_URL:
        return str(version(f"orders:{version_scope}"))
    found = orders.order_by().aggregate(count=Count("id"), last=Max("updated_at"))
    return f"{found['count']}|{found['last']}"


def orders_html(
    *, version_scope: str, viewer: str, orders: QuerySet, identity: str, render: Callable[[], str]
) -> str:
    fingerprint = f"{viewer}|{identity}|{_state(version_scope, orders)}"
    key = "orders:page:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:40]
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, settings.ORDERS_CACHE_SECONDS)
    return html
