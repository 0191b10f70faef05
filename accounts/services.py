import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, ShippingAddress
from accounts.selectors import shipping_address_of
from lib.mail import mail_enqueue

User = get_user_model()
VERIFY_SALT = "accounts.email-verification"


class SignUpConflict(Exception):
    """Someone else took the e-mail or username a moment ago (two submissions at once)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class VerificationFailed(Exception):
    """A verification link that is broken, expired or for another address."""


def user_sign_up(*, username: str, email: str, password: str) -> User:
    """A new account, and the e-mail with its verification link (sent on commit).

    The form already refused a taken e-mail; two sign-ups racing past that check meet the
    case-insensitive unique constraint, and the loser gets the same sentence as a form error.
    """
    try:
        with transaction.atomic():
            verified = timezone.now() if settings.ACCOUNT_EMAIL_VERIFICATION == "none" else None
            user = User.objects.create_user(
                username=username, email=email, password=password, email_verified_at=verified
            )
            if verified is None:
                email_verification_send(user=user)
    except IntegrityError:
        if User.objects.filter(email__iexact=email).exists():
            raise SignUpConflict(
                "email", "An account with this e-mail already exists. Log in instead?"
            ) from None
        raise SignUpConflict("username", "A user with that username already exists.") from None
    return user


def email_verification_url(*, user: User) -> str:
    """The signed link (relative) that proves the owner reads mail sent to user.email."""
    token = signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=VERIFY_SALT)
    return reverse("email_verify", kwargs={"token": token})


def email_verification_send(*, user: User) -> None:
    mail_enqueue(
        "accounts/verify_email",
        to=[user.email],
        context={
            "user": user,
            "verify_url": email_verification_url(user=user),
            "days": settings.ACCOUNT_VERIFICATION_DAYS,
        },
    )


def email_verify(*, token: str) -> User:
    """Mark the address of the link verified; following a link twice is harmless."""
    try:
        data = signing.loads(
            token, salt=VERIFY_SALT, max_age=settings.ACCOUNT_VERIFICATION_DAYS * 86400
        )
        user = User.objects.get(pk=data["u"], is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        raise VerificationFailed(
            "This verification link is broken or has expired. Log in and ask for a new one."
        ) from None
    if user.email.lower() != data.get("e"):
        raise VerificationFailed("This link was for an e-mail address the account no longer has.")
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def shipping_address_get(*, user: User) -> ShippingAddress | None:
    """The old name of accounts.selectors.shipping_address_of, kept for its callers."""
    return shipping_address_of(user=user)


def shipping_address_save(*, user: User, data: dict[str, str]) -> ShippingAddress:
    address, _ = ShippingAddress.objects.update_or_create(user=user, defaults=data)
    return address


def public_profile_save(*, user: User, display_name: str, bio: str) -> User:
    """The public name and bio; saving the user drops its cached copy (accounts.backends)."""
    user.display_name = display_name
    user.bio = bio
    user.save(update_fields=["display_name", "bio"])
    return user


class DuplicateSubmission(Exception):
    """The same form was sent again (a double click, a reload): nothing new is made."""


def api_token_create(*, user: User, name: str, once: str = "") -> tuple[ApiToken, str]:
    """A new API key for the user: the stored row, and the key itself to show once.

    `once` is the form's one-time value: a second submission of the same form makes no
    second key (the first response showed the key; it cannot be shown again).
    """
    if once and not cache.add(f"accounts:api-key-once:{user.pk}:{once[:64]}", 1, 86400):
        raise DuplicateSubmission("This form was already sent: the key is in the list below.")
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
