from django.core.cache import cache

from lib.pagination import Page, page_of
from notifications.cache import unread_key
from notifications.models import EmailChoice, Notification

PAGE_SIZE = 30
# Short: a notification made in another process (the worker: "your image is ready") drops the
# cached count at once with Redis, but the per-process memory cache of development only forgets.
UNREAD_CACHE_SECONDS = 60


def unread_count(*, user) -> int:
    """The bell's number, counted now (one COUNT on the partial index of unread ones) and kept
    in the cache for the pages that show the bell."""
    count = Notification.objects.filter(recipient=user, read_at=None).count()
    cache.set(unread_key(user.pk), count, UNREAD_CACHE_SECONDS)
    return count


def unread_count_if_cached(*, user) -> int | None:
    """The bell's number when it is in the cache, else None: a page never queries for it (the
    bell's poll counts it right after the page loads, and every 30 seconds)."""
    return cache.get(unread_key(user.pk))


def notifications_page(*, user, number) -> Page:
    return page_of(Notification.objects.filter(recipient=user), number, PAGE_SIZE)


def email_kinds_of(*, user) -> set[str]:
    return set(EmailChoice.objects.filter(user=user).values_list("kind", flat=True))
