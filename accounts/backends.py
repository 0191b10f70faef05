"""Authentication that reads the signed-in user from the cache on each request.

Every signed-in page loaded the user row once per request; this keeps it in the cache
(Redis in production) and drops it whenever the user is saved or deleted, so a password
change, a deactivation or a demotion takes effect on the next request. Changes made with
QuerySet.update() skip the signal: they take effect within AUTH_USER_CACHE_SECONDS.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver


def _key(user_id) -> str:
    return f"auth:user:{user_id}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = cache.get(_key(user_id))
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(_key(user_id), user, settings.AUTH_USER_CACHE_SECONDS)
            return user
        return user if self.user_can_authenticate(user) else None


@receiver(post_save, sender=get_user_model())
@receiver(post_delete, sender=get_user_model())
def forget_cached_user(sender, instance, **kwargs) -> None:
    cache.delete(_key(instance.pk))
