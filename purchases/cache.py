"""Order pages cached per viewer, under a state that changes whenever their orders change.

With a shared cache (Redis), every saved order bumps a version for its customer and one for
all orders, so any process sees the change at once without a query. With the per-process
memory cache the state is instead the orders' count and latest `updated_at`, read in one
indexed query, which no process can miss.
"""

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest

from lib.caching import bump, version
from purchases.models import Order

ALL = "all"


def orders_changed(*, customer_id: int) -> None:
    for scope in (ALL, f"customer:{customer_id}"):
        bump(f"orders:{scope}")


def orders_cache_seconds() -> int:
    return settings.ORDERS_CACHE_SECONDS


def customer_orders_state(request: HttpRequest, *args, **kwargs) -> str:
    """The state of the signed-in customer's orders (My orders)."""
    return _state(f"customer:{request.user.pk}", Order.objects.filter(customer=request.user))


def all_orders_state(request: HttpRequest, *args, **kwargs) -> str:
    """The state of every order (the managers' list, whatever its filters)."""
    return _state(ALL, Order.objects.all())


def _state(version_scope: str, orders: QuerySet) -> str:
    if settings.REDIS_URL:
        return str(version(f"orders:{version_scope}"))
    found = orders.order_by().aggregate(count=Count("id"), last=Max("updated_at"))
    return f"{found['count']}|{found['last']}"
