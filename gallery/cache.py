"""What a cached gallery page depends on, so that it is dropped in time.

The shop's version changes whenever an image is shared, hidden or deleted (its product is
saved), so those show at once. A viewer's own likes change that viewer's pages at once.
Other people's likes show when the entry expires, after GALLERY_CACHE_SECONDS.
"""

from django.conf import settings
from django.http import HttpRequest

from lib.caching import bump, version
from products.cache import SCOPE as SHOP_SCOPE


def _viewer_scope(user_id: int) -> str:
    return f"gallery-viewer:{user_id}"


def gallery_state(request: HttpRequest, *args, **kwargs) -> str:
    """The part of a gallery page's cache key that says which data it shows."""
    viewer = version(_viewer_scope(request.user.pk)) if request.user.is_authenticated else 0
    # An htmx request gets a fragment of the page at the same address: a key of its own.
    return f"{version(SHOP_SCOPE)}.{viewer}.{int(bool(getattr(request, 'htmx', False)))}"


def gallery_viewer_changed(*, user_id: int) -> None:
    """The viewer liked or unliked something: their own cached pages are stale."""
    bump(_viewer_scope(user_id))


def gallery_cache_seconds() -> int:
    return settings.GALLERY_CACHE_SECONDS
