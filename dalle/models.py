import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse

from dalle.painter import STYLES
from lib.storages import private_storage

PROMPT_MAX_LENGTH = 1000
# "": the prompt's own words decide the look; otherwise one of the painter's style presets.
STYLE_CHOICES = [("", "Just my words")] + [
    (key, label) for key, label in STYLES.items() if key != "none"
]
# The one rule for being seen by everyone (the gallery, the shop, creators' pages).
PUBLIC = models.Q(visibility="public", status="succeeded")


@dataclass(frozen=True)
class SizedSource:
    """One `srcset` candidate: a sized preview and the address a page shows it at."""

    width: int
    height: int
    format: str
    url: str


class GeneratedImage(models.Model):
    """One generation job and, once it succeeds, its artwork."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Painting"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private"
        PUBLIC = "public", "Public"

    class Size(models.TextChoices):
        SQUARE = "1024x1024", "Square (1024 × 1024)"
        LANDSCAPE = "1536x1024", "Landscape (1536 × 1024)"
        PORTRAIT = "1024x1536", "Portrait (1024 × 1536)"

    # Allowed status changes; dalle.services.image_transition enforces them.
    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING, Status.CANCELED, Status.FAILED},
        Status.RUNNING: {Status.SUCCEEDED, Status.FAILED, Status.QUEUED},
        Status.SUCCEEDED: set(),
        Status.FAILED: set(),
        Status.CANCELED: set(),
    }
    PENDING = (Status.QUEUED, Status.RUNNING)
    # Jobs that use up a daily allowance: failed, rejected and canceled ones do not.
    COUNTED = (Status.QUEUED, Status.RUNNING, Status.SUCCEEDED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="images"
    )
    prompt = models.TextField(
        validators=[MinLengthValidator(1), MaxLengthValidator(PROMPT_MAX_LENGTH)]
    )
    size = models.CharField(max_length=16, choices=Size, default=Size.SQUARE)
    style = models.CharField(max_length=16, choices=STYLE_CHOICES, default="", blank=True)
    # The public image whose prompt this one took ("Use this prompt"); kept when that one is
    # deleted as None, so a remix never keeps a private picture reachable.
    remix_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="remixes"
    )
    provider = models.CharField(max_length=32)
    model = models.CharField(max_length=100, blank=True)
    quality = models.CharField(max_length=16, blank=True)
    revised_prompt = models.TextField(blank=True)

    status = models.CharField(max_length=16, choices=Status, default=Status.QUEUED)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The task run that holds the job while it runs (the same on every delivery of one task).
    run_id = models.CharField(max_length=64, blank=True)
    timeouts = models.PositiveSmallIntegerField(default=0)

    # The original and a preview live in private storage under random keys; `thumbnail` is
    # the public copy of the preview, present only while the image is public.
    image = models.FileField(max_length=255, blank=True, storage=private_storage)
    preview = models.FileField(max_length=255, blank=True, storage=private_storage)
    thumbnail = models.FileField(max_length=255, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)
    # The same two rules for the sized previews of `srcset` (dalle.imaging.SIZE_WIDTHS ×
    # SIZE_FORMATS), each {"width", "height", "format", "name"}: `sized_previews` in private
    # storage, `sized_thumbnails` their public copies, present only while the image is public.
    sized_previews = models.JSONField(default=list, blank=True)
    sized_thumbnails = models.JSONField(default=list, blank=True)

    visibility = models.CharField(max_length=8, choices=Visibility, default=Visibility.PRIVATE)
    usage = models.JSONField(default=dict, blank=True)
    # What the provider charged, in USD millionths, set when the job succeeds (lib.ai_costs):
    # 0 for the offline painter, None when unknown (no usage reported, or no price for the model).
    cost_microusd = models.PositiveBigIntegerField("cost (micro-USD)", null=True, blank=True)

    # Images asked for in one request (variations) share a batch; `variant` makes each differ
    # (0: the picture the prompt alone gives, the same every time with the offline painter).
    batch = models.UUIDField(null=True, blank=True, db_index=True)
    variant = models.PositiveIntegerField(default=0)

    # Deleted by its owner while orders still need its files: gone from every page but theirs.
    removed_at = models.DateTimeField(null=True, blank=True)
    # Hidden by a moderator: private, and it cannot be shared again; the owner is told why.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="image_owner_recent"),
            models.Index(fields=["status", "started_at"], name="image_status_started"),
            # Explore and creators' pages: public images newest first, in index order.
            models.Index(
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="image_public_recent",
                condition=PUBLIC,
            ),
            models.Index(
                "owner",
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="image_owner_public_recent",
                condition=PUBLIC,
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("prompt"), 1)
                & LessThanOrEqual(Length("prompt"), PROMPT_MAX_LENGTH),
                name="image_prompt_length",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="succeeded") | ~models.Q(image=""),
                name="image_succeeded_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prompt[:60]} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("image_detail", kwargs={"public_id": self.public_id})

    @property
    def thumbnail_src(self) -> str:
        """The public thumbnail when there is one, else the checked preview view."""
        if self.thumbnail:
            return self.thumbnail.url
        return reverse("image_preview", kwargs={"public_id": self.public_id})

    def sized_sources(self) -> list[SizedSource]:
        """Every sized preview with the address this page may show it at: the public copy
        while there is one, else the checked preview view (owner and managers)."""
        if self.sized_thumbnails:
            return [
                SizedSource(s["width"], s["height"], s["format"], default_storage.url(s["name"]))
                for s in self.sized_thumbnails
            ]
        return [
            SizedSource(
                s["width"],
                s["height"],
                s["format"],
                reverse(
                    "image_preview_sized",
                    kwargs={"public_id": self.public_id, "width": s["width"], "fmt": s["format"]},
                ),
            )
            for s in self.sized_previews
        ]

    def sized_preview_file(self, *, width: int, fmt: str) -> FieldFile | None:
        """One private sized preview as a stored file, or None when there is no such size."""
        for stored in self.sized_previews:
            if stored["width"] == width and stored["format"] == fmt:
                return FieldFile(self, self._meta.get_field("preview"), stored["name"])
        return None

    @property
    def original_src(self) -> str:
        return reverse("image_original", kwargs={"public_id": self.public_id})

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_finished(self) -> bool:
        return self.status not in self.PENDING

    @property
    def is_offline(self) -> bool:
        return self.provider == "offline"


class ImageEvent(models.Model):
    """Every status change of a generation job: when, from, to, and why."""

    image = models.ForeignKey(GeneratedImage, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class BlockedWord(models.Model):
    """A word that managers do not accept in prompts: a request with it is refused at once,
    before any provider sees it."""

    word = models.CharField(
        max_length=60,
        unique=True,
        help_text="In any letter case. A word in Latin letters matches as a whole word (or its "
        "plural); a word in another script (Korean, where particles attach) matches anywhere.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why, for other managers.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word

    def save(self, *args, **kwargs) -> None:
        self.word = " ".join(self.word.split()).casefold()
        super().save(*args, **kwargs)


class GenerationSwitch(models.Model):
    """The site-wide on/off switch for image generation, kept in one row."""

    enabled = models.BooleanField(default=True)
    reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why generation is off: shown to managers, never to shoppers.",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "generation switch"
        verbose_name_plural = "generation switch"

    def __str__(self) -> str:
        return "Generation is on" if self.enabled else f"Generation is paused: {self.reason}"

    @classmethod
    def load(cls) -> "GenerationSwitch":
        switch, _ = cls.objects.get_or_create(pk=1)
        return switch


class ModelPrice(models.Model):
    """A provider model's price, kept by managers in the admin; it overrides OPENAI_PRICES.

    Figures are USD per million tokens (per picture for `per_image`), as OpenAI publishes them.
    """

    model = models.CharField(
        max_length=100, unique=True, help_text="e.g. gpt-image-1, or a dated snapshot's family."
    )
    input = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    cached_input = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    output = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    image_input = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    image_output = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    per_image = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    PRICE_FIELDS = ("input", "cached_input", "output", "image_input", "image_output", "per_image")

    class Meta:
        ordering = ["model"]

    def __str__(self) -> str:
        return self.model

    def as_prices(self) -> dict[str, str]:
        return {
            name: str(getattr(self, name))
            for name in self.PRICE_FIELDS
            if getattr(self, name) is not None
        }
