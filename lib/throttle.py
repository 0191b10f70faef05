"""Throttles per client address.

Request throttles (sign-up, password reset, API keys) use django-ratelimit, keyed by
`lib.client_ip.client_ip` (its RATELIMIT_IP_META_KEY setting): a fixed window in the cache,
counted atomically. Counts that a service keeps itself (images generated, chat messages),
where only what was done counts and not every attempt, use `count_*` below on the same cache.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PERIOD_WORDS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


def rate_words(rate: str) -> str:
    """'5/h' -> '5 times an hour'."""
    count, _, period = rate.partition("/")
    return f"{count} times a {PERIOD_WORDS.get(period[-1:], 'while')}"


def throttle(group: str, rate_setting: str, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """Refuse a view with 429 when one client address calls it more often than the setting."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            rate = getattr(settings, rate_setting)
            if request.method in methods and is_ratelimited(
                request, group=group, key="ip", rate=rate, method=list(methods), increment=True
            ):
                message = (
                    f"Too many attempts from your network: this may be done {rate_words(rate)}. "
                    "Please wait a while and try again."
                )
                return render(request, "429.html", {"message": message}, status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _count_key(scope: str, ident: str, window: int) -> str:
    return f"throttle:{scope}:{ident}"


def count_get(*, scope: str, ident: str) -> int:
    return int(cache.get(_count_key(scope, ident, 0)) or 0)


def count_add(*, scope: str, ident: str, window_seconds: int, amount: int = 1) -> int:
    """Count `amount` more; the count starts afresh window_seconds after its first hit."""
    key = _count_key(scope, ident, window_seconds)
    if cache.add(key, amount, window_seconds):
        return amount
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.add(key, amount, window_seconds)
        return amount
