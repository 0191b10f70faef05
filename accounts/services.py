import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, ShippingAddress
from accounts.selectors import shipping_address_of

User = get_user_model()


@transaction.atomic
def user_sign_up(*, username: str, email: str, password: str) -> User:
    return User.objects.create_user(username=username, email=email, password=password)


def shipping_address_get(*, user: User) -> ShippingAddress | None:
    """The old name of accounts.selectors.shipping_address_of, kept for its callers."""
    return shipping_address_of(user=user)


def shipping_address_save(*, user: User, data: dict[str, str]) -> ShippingAddress:
    address, _ = ShippingAddress.objects.update_or_create(user=user, defaults=data)
    return address


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API key for the user: the stored row, and the key itself to show once."""
    key = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip() or "API key", key_hash=api_token_hash(key), hint=key[:10]
    )
    return token, key


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_revoke(*, user: User, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def api_token_user(*, key: str) -> User | None:
    """The active user a key belongs to; marks the key used (at most once a minute)."""
    token = ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
