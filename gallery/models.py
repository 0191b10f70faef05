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
