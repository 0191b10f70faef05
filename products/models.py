import math
import uuid
from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils.text import slugify

from dalle.models import GeneratedImage
from lib.mockups import effective_dpi

CM_PER_INCH = Decimal("2.54")
# A print master is never enlarged more than this from the original.
MAX_UPSCALE = 4


class Format(models.Model):
    """A way to buy an artwork (a download, a print size), priced by managers."""

    class Kind(models.TextChoices):
        DIGITAL = "digital", "Digital"
        PHYSICAL = "physical", "Physical"

    class Medium(models.TextChoices):
        """What a print is made on; lib.mockups draws each its own way."""

        PAPER = "paper", "Paper (framed art print)"
        CANVAS = "canvas", "Canvas (gallery wrap)"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=8, choices=Kind)
    medium = models.CharField(
        max_length=8, choices=Medium, blank=True, help_text="Prints only; blank for a download."
    )
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.50"))]
    )
    width_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    min_dpi = models.PositiveSmallIntegerField(
        default=150, help_text="Resolution a print needs; lower images are offered disabled."
    )
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    # The print lab's product for this format, and the pixel size its print area wants (read
    # from the lab with the admin's "Read print sizes from the lab").
    lab_sku = models.CharField(
        "lab SKU", max_length=60, blank=True, help_text="e.g. GLOBAL-FAP-8X8 at Prodigi."
    )
    lab_attributes = models.JSONField(
        default=dict, blank=True, help_text='Lab options, e.g. {"color": "black"}.'
    )
    print_width_px = models.PositiveIntegerField(null=True, blank=True)
    print_height_px = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="digital")
                | models.Q(width_cm__isnull=False, height_cm__isnull=False),
                name="format_physical_has_size",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="digital", medium="")
                | models.Q(kind="physical", medium__in=["paper", "canvas"]),
                name="format_medium_for_prints_only",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_physical(self) -> bool:
        return self.kind == self.Kind.PHYSICAL

    def min_pixels(self) -> tuple[int, int] | None:
        """(long side, short side) in pixels that print well at `min_dpi`."""
        if not self.is_physical:
            return None
        sides = sorted((self.width_cm, self.height_cm), reverse=True)
        return tuple(math.ceil(side / CM_PER_INCH * self.min_dpi) for side in sides)

    def print_pixels(self) -> tuple[int, int] | None:
        """(width, height) of the print master: the lab's print area when known, else the
        size at `min_dpi`."""
        if not self.is_physical:
            return None
        if self.print_width_px and self.print_height_px:
            return self.print_width_px, self.print_height_px
        return tuple(
            math.ceil(side / CM_PER_INCH * self.min_dpi) for side in (self.width_cm, self.height_cm)
        )

    def crop_reason(self, image: GeneratedImage, fit: str) -> str:
        """Why cropping to fill would print this image too coarsely ("" when it is fine):
        a landscape picture filling a portrait print spreads its short side over the long one."""
        if not self.is_physical or fit != "fill" or not image.width:
            return ""
        dpi = effective_dpi(
            image.width, image.height, width_cm=self.width_cm, height_cm=self.height_cm, fit="fill"
        )
        if dpi >= self.min_dpi:
            return ""
        return (
            f"Cropped to fill, this print would have only {dpi} DPI (it needs {self.min_dpi}): "
            "choose to fit the whole picture, or another size."
        )

    def unsuitable_reason(self, image: GeneratedImage) -> str:
        """Why this format cannot print the image well, or "" when it can."""
        needed = self.min_pixels()
        if needed is None or not image.width:
            return ""
        have = sorted((image.width, image.height), reverse=True)
        if have[0] < needed[0] or have[1] < needed[1]:
            return (
                f"Needs at least {needed[0]} × {needed[1]} px to print sharply at this size; "
                f"this image is {have[0]} × {have[1]} px."
            )
        wanted = sorted(self.print_pixels(), reverse=True)
        if wanted[0] > MAX_UPSCALE * have[0] or wanted[1] > MAX_UPSCALE * have[1]:
            return (
                f"The lab prints this size at {wanted[0]} × {wanted[1]} px: this "
                f"{have[0]} × {have[1]} px image would be enlarged more than {MAX_UPSCALE}×."
            )
        return ""


class Product(models.Model):
    """An artwork on sale: made from a generated image when first ordered or published."""

    image = models.OneToOneField(GeneratedImage, on_delete=models.PROTECT, related_name="product")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    # A copy of "the image is public and finished", so the shop reads one table in index order.
    is_listed = models.BooleanField(default=False)
    # The prompt's words for PostgreSQL full-text search, GIN-indexed by a migration that
    # runs on PostgreSQL only (SQLite has no GIN; it falls back to a plain match).
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                F("created_at").desc(),
                F("id").desc(),
                name="product_listed_recent",
                condition=models.Q(is_listed=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("product_detail", kwargs={"slug": self.slug})

    @staticmethod
    def is_listable(image: GeneratedImage) -> bool:
        """The one rule for being in the shop: the image is public and finished."""
        return image.is_public and image.status == GeneratedImage.Status.SUCCEEDED

    @staticmethod
    def name_from_prompt(prompt: str) -> str:
        first_line = " ".join(prompt.split())
        return first_line if len(first_line) <= 120 else first_line[:119].rstrip() + "…"

    @staticmethod
    def slug_from_prompt(prompt: str) -> str:
        """Unique and short for any prompt, in any script: words, then a random suffix."""
        words = slugify(prompt, allow_unicode=True)[:60].strip("-") or "artwork"
        return f"{words}-{uuid.uuid4().hex[:10]}"


class ShopSettings(models.Model):
    """Shop-wide values managers set in the admin, kept in one row."""

    shipping_flat_rate = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("6.00"),
        help_text="Charged once per order that contains a print.",
    )

    class Meta:
        verbose_name = "shop settings"
        verbose_name_plural = "shop settings"

    def __str__(self) -> str:
        return "Shop settings"

    @classmethod
    def load(cls) -> "ShopSettings":
        shop, _ = cls.objects.get_or_create(pk=1)
        return shop
