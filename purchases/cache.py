"""Order tables cached per viewer, keyed by what would change them.

The key holds the orders' count and latest `updated_at`, read in one indexed query, so any
status change, in any process, gives a new key: a cached table is never stale.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet


def orders_html(scope: str, orders: QuerySet, identity: str, render: Callable[[], str]) -> str:
    state = orders.order_by().aggregate(count=Count("id"), last=Max("updated_at"))
    fingerprint = f"{scope}|{identity}|{state['count']}|{state['last']}"
    key = "orders:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:40]
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, settings.ORDERS_CACHE_SECONDS)
    return html
