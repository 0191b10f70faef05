"""Cache versions and whole-page caching, in one place.

A family of cached things (the shop, the orders of one customer) shares a version number that
is part of every key; `bump` makes them all stale at once. Views are cached whole, per viewer,
by the `cache_per_viewer` decorator, so a view body stays form -> service -> render.
Pages that every visitor without a session sees alike are also marked for the shared caches
in front (Nginx's micro-cache, a CDN) by `public_for_visitors`.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

View = Callable[..., HttpResponse]


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


def cache_per_viewer(
    *,
    seconds: int | Callable[[], int],
    scope: str | None = None,
    state: Callable[..., str] | None = None,
) -> Callable[[View], View]:
    """Serve a GET page from the cache, per viewer and full path (query string included).

    The key also holds the page's data state: `version(scope)`, or what `state(request,
    *args, **kwargs)` returns (for example a version, or an aggregate that no process can
    miss). `seconds` (or a function giving it, read at each store so settings can change)
    bounds how long an entry lives. Pages with messages pending are rendered (the messages
    show once); only plain 200 responses that set no cookie are stored.
    """
    if (scope is None) == (state is None):
        raise TypeError("cache_per_viewer needs exactly one of scope= or state=")

    def decorator(view: View) -> View:
        name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or len(get_messages(request)):
                return view(request, *args, **kwargs)
            now = version(scope) if scope is not None else state(request, *args, **kwargs)
            fingerprint = f"{name}|{viewer_key(request)}|{request.get_full_path()}|{now}"
            key = "page:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:40]
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
            had_csrf_secret = "CSRF_COOKIE" in request.META
            response = view(request, *args, **kwargs)
            if _reusable(request, response, had_csrf_secret):
                timeout = seconds() if callable(seconds) else seconds
                cache.set(key, (response.content, response["Content-Type"]), timeout)
            return response

        return cached_view

    return decorator


def _reusable(request: HttpRequest, response: HttpResponse, had_csrf_secret: bool) -> bool:
    """A response that another request of the same viewer may get as it is."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not had_csrf_secret and "CSRF_COOKIE" in request.META:
        return False  # a new CSRF secret: its cookie goes out with this response only
    # A CSRF token on a page for every visitor would be one visitor's token for all.
    return request.user.is_authenticated or not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def cache_result(*, seconds: int) -> Callable[[Callable], Callable]:
    """Keep what a keyword-only function returns for `seconds`, per its arguments.

    For figures that may be a little old (a dashboard's aggregates): the key is the
    function's name and the repr of its keyword arguments, so they must be values with a
    stable repr (dates, strings, numbers). The result must pickle.
    """

    def decorator(function: Callable) -> Callable:
        name = f"{function.__module__}.{function.__qualname__}"

        @wraps(function)
        def cached(**kwargs):
            fingerprint = f"{name}|{sorted(kwargs.items())!r}"
            key = "result:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:40]
            hit = cache.get(key)
            if hit is not None:
                return hit
            result = function(**kwargs)
            cache.set(key, result, seconds)
            return result

        return cached

    return decorator


def public_for_visitors(view: View) -> View:
    """Let shared caches keep the page for SHARED_CACHE_SECONDS when it is nobody's own.

    Public: a GET or HEAD from a visitor without a session cookie (not signed in, no cart,
    nothing pending in a session) answered with a plain 200 that sets no cookie, shows no
    message and holds no CSRF token. Anything else is `private, no-store`: a signed-in page,
    a flash message, a form's token or an error is never kept for someone else. Always
    `Vary: Cookie`, so a cache that keys on it cannot mix the two either. A view that set its
    own Cache-Control keeps it; an error page raised past this (Http404) carries none, which
    Nginx's micro-cache never keeps (nginx/default.conf.template).
    """

    @wraps(view)
    def marked_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ("Cookie",))
        if "Cache-Control" in response:
            return response
        seconds = settings.SHARED_CACHE_SECONDS
        if seconds > 0 and _nobodys_own(request, response):
            patch_cache_control(response, public=True, max_age=seconds)
        else:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return marked_view


def _nobodys_own(request: HttpRequest, response: HttpResponse) -> bool:
    """A response that any visitor without a session would get byte for byte."""
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if request.user.is_authenticated:  # signed in some other way than the session
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # Messages shown (or added) by this request: the message cookie is dropped only later.
    if len(get_messages(request)):
        return False
    return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a token was put in the page
