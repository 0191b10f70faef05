from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from accounts.countries import COUNTRY_CHOICES


class User(AbstractUser):
    """A shopper; managers are staff users."""

    email = models.EmailField("e-mail address")
    # Set when the owner follows the signed link e-mailed at sign-up; needed to generate.
    email_verified_at = models.DateTimeField("e-mail verified", null=True, blank=True)
    # The public profile: the name and the few words on the creator's page and cards.
    display_name = models.CharField(
        max_length=60, blank=True, help_text="Shown on your artwork instead of your user name."
    )
    bio = models.CharField(
        max_length=300, blank=True, help_text="A sentence or two about you, on your public page."
    )

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]
        # Sign-ups per day on the managers' console.
        indexes = [models.Index(fields=["date_joined"], name="user_joined")]


class ShippingAddress(models.Model):
    """Where a user's prints go; it prefills the address of each print order."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shipping_address"
    )
    full_name = models.CharField(max_length=200)
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField("state, province or region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES)
    phone = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.full_name}, {self.city} ({self.country})"

    def as_dict(self) -> dict[str, str]:
        """A snapshot for an order, which must not change when the profile does."""
        return {field: getattr(self, field) for field in ADDRESS_FIELDS}


ADDRESS_FIELDS = (
    "full_name",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country",
    "phone",
)


class ApiToken(models.Model):
    """A personal API key. Only its SHA-256 is stored; the key is shown once, at creation."""

    PREFIX = "aig_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(
        max_length=12, help_text="The key's first characters, to tell keys apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"
