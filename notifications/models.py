"""A person's inbox: what happened to their images, orders and questions, once per event.

A notification is a finished sentence and a link, so this app knows no other app's models:
every app below and above it (images, the gallery, orders, support) can write to it.
"""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    class Kind(models.TextChoices):
        IMAGE_READY = "image_ready", "Your image is ready"
        IMAGE_FAILED = "image_failed", "Your image could not be made"
        IMAGE_LIKED = "image_liked", "Someone liked your image"
        IMAGE_REMIXED = "image_remixed", "Someone remixed your image"
        IMAGE_HIDDEN = "image_hidden", "A moderator hid your image"
        ORDER_STATUS = "order_status", "Your order changed status"
        SUPPORT_REPLY = "support_reply", "Support replied"

    # Kinds a person may also get by e-mail if they opt in. Orders and support replies are
    # e-mailed by their own apps already; a moderator's decision is always e-mailed.
    EMAIL_OPTIONAL = (Kind.IMAGE_READY, Kind.IMAGE_FAILED, Kind.IMAGE_LIKED, Kind.IMAGE_REMIXED)
    EMAIL_ALWAYS = (Kind.IMAGE_HIDDEN,)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    # What happened, named once ("image:42:ready"): the same event never notifies twice.
    event_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index("recipient", models.F("created_at").desc(), name="notification_recent"),
            models.Index(
                fields=["recipient"], condition=models.Q(read_at=None), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailChoice(models.Model):
    """One kind of notification a person also wants by e-mail (none unless they opt in)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_emails"
    )
    kind = models.CharField(max_length=20, choices=Notification.Kind)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_email_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"
