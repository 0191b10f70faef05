from django.core.cache import cache
from django.http import HttpRequest


def viewer_key(request: HttpRequest) -> str:
    """Who a cached page is for: everyone (visitors), or one signed-in user.

    A signed-in user's pages hold forms with their CSRF token, so their CSRF secret is part
    of the key: after a new login (a new secret) the old entries are simply never hit.
    """
    if not request.user.is_authenticated:
        return "anonymous"
    return f"user:{request.user.pk}:{request.META.get('CSRF_COOKIE', '')}"


def version(scope: str) -> int:
    """The current version of a cached family of pages; part of every key in that family."""
    return cache.get_or_set(f"version:{scope}", 1, None)


def bump(scope: str) -> None:
    """Make every cached entry keyed by `version(scope)` stale at once."""
    key = f"version:{scope}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)
