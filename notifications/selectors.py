from django.core.cache import cache

from lib.pagination import Page, page_of
from notifications.cache import unread_key
from notifications.models import EmailChoice, Notification

PAGE_SIZE = 30
UNREAD_CACHE_SECONDS = 86400


def unread_count(*, user) -> int:
    """The bell's number: from the cache, or one COUNT on the partial index of unread ones."""
    return cache.get_or_set(
        unread_key(user.pk),
        lambda: Notification.objects.filter(recipient=user, read_at=None).count(),
        UNREAD_CACHE_SECONDS,
    )


def unread_count_if_cached(*, user) -> int | None:
    """The bell's number when it is in the cache, else None: a page never waits on it (the
    bell then fetches it; any page where it was counted put it in the cache)."""
    return cache.get(unread_key(user.pk))


def notifications_page(*, user, number) -> Page:
    return page_of(Notification.objects.filter(recipient=user), number, PAGE_SIZE)


def email_kinds_of(*, user) -> set[str]:
    return set(EmailChoice.objects.filter(user=user).values_list("kind", flat=True))
