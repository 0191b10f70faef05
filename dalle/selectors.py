import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dalle.models import PUBLIC, BlockedWord, GeneratedImage, ModelPrice

DAY = timedelta(hours=24)


@dataclass(frozen=True)
class Allowance:
    used: int
    limit: int


def allowance_of(*, user) -> Allowance:
    """How many of today's images (the last 24 hours) the user has used, and the limit."""
    used = GeneratedImage.objects.filter(
        owner=user, status__in=GeneratedImage.COUNTED, created_at__gte=timezone.now() - DAY
    ).count()
    return Allowance(used=used, limit=settings.GENERATION_DAILY_LIMIT_PER_USER)


def public_images() -> QuerySet[GeneratedImage]:
    """Finished public images, newest first (a partial index): what everyone may see."""
    return GeneratedImage.objects.filter(PUBLIC).order_by("-created_at", "-id")


def public_image(*, public_id) -> GeneratedImage:
    """A public image, for anyone (to like, to remix); anything else (a malformed id too)
    is a 404."""
    try:
        image = GeneratedImage.objects.filter(PUBLIC, public_id=public_id).first()
    except (ValidationError, ValueError):
        image = None
    if image is None:
        raise Http404("No such image")
    return image


def images_of(*, user) -> QuerySet[GeneratedImage]:
    """The owner's images, newest first, but not those they deleted (kept for orders)."""
    return GeneratedImage.objects.filter(owner=user, removed_at=None).order_by("-created_at", "-id")


def image_visible_to(*, user, public_id) -> GeneratedImage:
    """The owner sees their images; others see public ones; anything else is a 404."""
    visible = PUBLIC
    if user.is_authenticated:
        visible |= Q(owner=user, removed_at=None)
    image = (
        GeneratedImage.objects.filter(visible, public_id=public_id)
        .select_related("owner", "remix_of__owner")
        .first()
    )
    if image is None:
        raise Http404("No such image")
    return image


def image_owned_by(*, user, public_id) -> GeneratedImage:
    image = GeneratedImage.objects.filter(owner=user, removed_at=None, public_id=public_id).first()
    if image is None:
        raise Http404("No such image")
    return image


def image_files_for(*, user, public_id) -> GeneratedImage:
    """The original is the owner's (and managers'); a buyer downloads it from the order."""
    image = GeneratedImage.objects.filter(
        public_id=public_id, status=GeneratedImage.Status.SUCCEEDED
    ).first()
    if image is None or not (
        user.is_authenticated
        and (user.is_staff or (image.owner_id == user.pk and image.removed_at is None))
    ):
        raise Http404("No such image")
    return image


def image_preview_for(*, user, public_id) -> GeneratedImage:
    """Public images' previews for anyone; private ones for the owner and managers."""
    if user.is_authenticated and user.is_staff:
        image = GeneratedImage.objects.filter(public_id=public_id).first()
        if image is None:
            raise Http404("No such image")
        return image
    return image_visible_to(user=user, public_id=public_id)


def blocked_word_in(prompt: str) -> str:
    """The first word of the managers' list that the prompt uses, or ""."""
    text = prompt.casefold()
    for word in BlockedWord.objects.values_list("word", flat=True):
        if word.isascii():
            if re.search(rf"(?<!\w){re.escape(word)}(?:s|es)?(?!\w)", text):
                return word
        elif word in text:
            return word
    return ""


def batch_of(*, image: GeneratedImage) -> list[GeneratedImage]:
    """The images asked for together with this one (variations), in the order they were made."""
    if image.batch is None:
        return []
    return list(
        GeneratedImage.objects.filter(
            batch=image.batch, owner=image.owner_id, removed_at=None
        ).order_by("created_at", "id")
    )


def price_table() -> dict:
    """The AI price table: settings.OPENAI_PRICES, with the managers' rows from the admin
    winning for their models (one small query)."""
    table = dict(settings.OPENAI_PRICES)
    for row in ModelPrice.objects.all():
        table[row.model] = row.as_prices()
    return table
