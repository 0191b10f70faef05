"""The gallery around the images: who liked what, and when (the top fives count by date)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dalle.models import GeneratedImage


class Like(models.Model):
    """One person's like of one image: at most one, the database says so."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes"
    )
    image = models.ForeignKey(GeneratedImage, on_delete=models.CASCADE, related_name="likes")
    # Not auto_now_add: the top fives count likes by this date, and imports set their own.
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image", "user"], name="like_once_per_user"),
        ]
        indexes = [
            # Today's and this week's top: the likes of a window, grouped by image.
            models.Index(fields=["created_at", "image"], name="like_recent"),
            models.Index(fields=["user", "image"], name="like_by_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.image_id}"


class Report(models.Model):
    """Someone thinks a public image should not be in the gallery; a manager decides."""

    class Reason(models.TextChoices):
        SEXUAL = "sexual", "Sexual content"
        VIOLENCE = "violence", "Violence or gore"
        HATE = "hate", "Hate or harassment"
        COPYRIGHT = "copyright", "It copies someone else's work"
        PERSONAL = "personal", "It shows a real person without consent"
        SPAM = "spam", "Spam or advertising"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        HIDDEN = "hidden", "Image hidden"
        DISMISSED = "dismissed", "Dismissed"

    image = models.ForeignKey(GeneratedImage, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=16, choices=Reason)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.CharField(
        "reason told to the owner",
        max_length=300,
        blank=True,
        help_text="When you hide the image, the owner reads this (the report's reason if empty).",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "reporter"],
                condition=models.Q(status="open"),
                name="report_one_open_per_person",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="report_queue")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.get_status_display()})"
