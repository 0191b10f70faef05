"""Image generation: requesting, running, retrying, cancelling and publishing jobs."""

import logging
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from dalle import tasks
from dalle.files import (
    image_file_names,
    image_files_delete,
    image_files_publish,
    image_files_unpublish,
)
from dalle.lifecycle import (  # noqa: F401  (the services' public names)
    UNAVAILABLE_MESSAGE,
    USER_MESSAGES,
    TransitionNotAllowed,
    generation_pause,
    generation_paused,
    generation_switch_on,
    image_transition,
)
from dalle.models import PUBLIC, GeneratedImage, ImageEvent
from dalle.providers import provider_identity
from dalle.selectors import DAY, Allowance, allowance_of, blocked_word_in
from lib.throttle import count_add, count_get

logger = logging.getLogger(__name__)
User = get_user_model()
Status = GeneratedImage.Status

RETRY_DELAY_CAP_SECONDS = 300
STORE_ATTEMPTS = 3


class GenerationRefused(Exception):
    """A request that may not start now; the message is for the shopper."""

    def __init__(
        self, message: str, retry_at: datetime | None = None, code: str = "limit_reached"
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retry_at = retry_at
        self.code = code


MAX_VARIATIONS = 4
REMIX_NOT_PUBLIC = "This image is not public (any more), so its prompt cannot be remixed."
UNVERIFIED_MESSAGE = (
    "Please confirm your e-mail address first: follow the link we sent you when you signed up."
)


def _retry_at(counted, limit: int) -> datetime | None:
    """When the oldest jobs that fill the allowance leave the 24-hour window (None: never)."""
    used = counted.count()
    if used == 0 or used < limit:
        return None  # a limit of 0: generation is simply closed
    oldest_blocking = counted.order_by("created_at").values_list("created_at", flat=True)[
        used - limit
    ]
    return oldest_blocking + DAY


def allowance_for(user: User) -> Allowance:
    """The old name of dalle.selectors.allowance_of, kept for its callers."""
    return allowance_of(user=user)


def generation_request(**request) -> GeneratedImage:
    """Queue one image (see generations_request); returns it."""
    return generations_request(count=1, **request)[0]


@transaction.atomic
def generations_request(
    *,
    user: User,
    prompt: str,
    size: str,
    style: str = "",
    count: int = 1,
    remix_of: GeneratedImage | None = None,
    again: bool = False,
    client_ip: str = "",
) -> list[GeneratedImage]:
    """Queue one to four images of a prompt if the switch and the daily limits allow them all;
    never waits for them. Each is its own job and counts against the limits.

    A verified e-mail comes first, so that new accounts cannot multiply the daily allowance,
    and all accounts from one client address share GENERATION_DAILY_LIMIT_PER_IP. A prompt with
    a word managers blocked is refused before anything is queued. A remix takes the prompt of
    a public image and records it; a private image cannot be remixed. The first image of a
    request paints what the prompt alone gives; the others (and all of them `again`, for
    "Regenerate" and "Variations of this") get a random variant.
    """
    if not 1 <= count <= MAX_VARIATIONS:
        raise GenerationRefused(
            f"Ask for one to {MAX_VARIATIONS} images at a time.", code="bad_count"
        )
    if settings.ACCOUNT_EMAIL_VERIFICATION != "none" and not user.email_verified:
        raise GenerationRefused(UNVERIFIED_MESSAGE, code="email_unverified")
    if word := blocked_word_in(prompt):
        raise GenerationRefused(
            f"Your prompt uses a word this gallery does not accept (“{word}”). "
            "Please change it and try again.",
            code="prompt_blocked",
        )
    if remix_of is not None and not GeneratedImage.objects.filter(PUBLIC, pk=remix_of.pk).exists():
        raise GenerationRefused(REMIX_NOT_PUBLIC, code="remix_not_public")
    if generation_paused():
        raise GenerationRefused(UNAVAILABLE_MESSAGE)
    if client_ip and count_get(scope="generations", ident=client_ip) + count > (
        settings.GENERATION_DAILY_LIMIT_PER_IP
    ):
        raise GenerationRefused(
            "Your network has used all the images it may create today. Please come back tomorrow."
        )
    # One request at a time per user, so two quick clicks cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    window = GeneratedImage.objects.filter(
        status__in=GeneratedImage.COUNTED, created_at__gte=timezone.now() - DAY
    )
    mine = window.filter(owner=user)
    used = window.aggregate(site=Count("id"), mine=Count("id", filter=Q(owner=user)))
    limit = settings.GENERATION_DAILY_LIMIT_PER_USER
    if used["mine"] + count > limit:
        left = max(limit - used["mine"], 0)
        message = f"You have used your {limit} images for today."
        if left:
            message = f"You have {left} of your {limit} images left today: ask for fewer."
        raise GenerationRefused(message, retry_at=_retry_at(mine, limit) if not left else None)
    if used["site"] + count > settings.GENERATION_DAILY_LIMIT_SITE:
        raise GenerationRefused(
            "The gallery has painted all the images it can today.",
            retry_at=_retry_at(window, settings.GENERATION_DAILY_LIMIT_SITE),
        )
    provider, model, quality = provider_identity()
    batch = uuid.uuid4() if count > 1 or again else None
    images = []
    for number in range(count):
        image = GeneratedImage(
            owner=user,
            prompt=prompt,
            size=size,
            style=style,
            remix_of=remix_of,
            batch=batch,
            variant=secrets.randbelow(2**31 - 1) + 1 if again or number else 0,
            provider=provider,
            model=model,
            quality=quality,
        )
        # Field checks here; uniqueness and the prompt-length constraint are the database's job.
        image.full_clean(validate_unique=False, validate_constraints=False)
        image.save()
        ImageEvent.objects.create(image=image, to_status=Status.QUEUED, note="requested")
        transaction.on_commit(lambda pk=image.pk: tasks.generate_image.enqueue(image_id=pk))
        images.append(image)
    if client_ip:
        count_add(scope="generations", ident=client_ip, window_seconds=86400, amount=count)
    return images


@transaction.atomic
def generation_cancel(*, image: GeneratedImage) -> GeneratedImage:
    image = GeneratedImage.objects.select_for_update().get(pk=image.pk)
    if image.status != Status.QUEUED:
        raise TransitionNotAllowed("Only a job that has not started yet can be canceled.")
    image_transition(image, Status.CANCELED, note="canceled by owner", finished_at=timezone.now())
    return image


def image_set_visibility(*, image: GeneratedImage, visibility: str) -> GeneratedImage:
    if image.status != Status.SUCCEEDED:
        raise TransitionNotAllowed("Only a finished image can be shared.")
    if visibility == GeneratedImage.Visibility.PUBLIC and image.hidden_at is not None:
        raise TransitionNotAllowed(
            f"A moderator hid this image, so it cannot be shared again: {image.hidden_reason}"
        )
    image.visibility = visibility
    image.save(update_fields=["visibility"])
    if image.is_public:
        image_files_publish(image=image)
    else:
        image_files_unpublish(image=image)
    return image


def image_moderation_hide(*, image: GeneratedImage, reason: str) -> GeneratedImage:
    """Mark an image hidden by a moderator (the caller has taken it out of the shop)."""
    image.visibility = GeneratedImage.Visibility.PRIVATE
    image.hidden_at = timezone.now()
    image.hidden_reason = reason[:300]
    image.save(update_fields=["visibility", "hidden_at", "hidden_reason"])
    image_files_unpublish(image=image)
    return image


def image_moderation_restore(*, image: GeneratedImage) -> GeneratedImage:
    """A moderator changed their mind: the owner may share the image again (it stays private)."""
    image.hidden_at = None
    image.hidden_reason = ""
    image.save(update_fields=["hidden_at", "hidden_reason"])
    return image


def image_remove(*, image: GeneratedImage) -> GeneratedImage:
    """Deleted by its owner while orders still need its files: private, and off their pages."""
    image.removed_at = timezone.now()
    image.visibility = GeneratedImage.Visibility.PRIVATE
    image.save(update_fields=["removed_at", "visibility"])
    image_files_unpublish(image=image)
    return image


def image_delete(*, image: GeneratedImage) -> None:
    """Delete the image and its events; its files go once the deletion is committed."""
    if image.is_pending:
        raise TransitionNotAllowed("An image that is being painted cannot be deleted yet.")
    files = image_file_names(image)
    image.delete()
    transaction.on_commit(lambda: image_files_delete(**files))


@transaction.atomic
def generation_resume() -> int:
    """Switch generation back on and send the jobs held during the pause; returns how many."""
    generation_switch_on()
    held = list(GeneratedImage.objects.filter(status=Status.QUEUED).values_list("pk", flat=True))
    for pk in held:
        transaction.on_commit(lambda pk=pk: tasks.generate_image.enqueue(image_id=pk))
    return len(held)


def generation_recover_stale(*, now: datetime | None = None, image_id: int | None = None) -> int:
    """Requeue or fail jobs left running by a worker that died; returns how many it found.

    With `image_id`, only that job: what its page does when someone reloads it.
    """
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.GENERATION_STALE_SECONDS)
    found = 0
    stale = GeneratedImage.objects.filter(status=Status.RUNNING, started_at__lt=cutoff)
    if image_id is not None:
        stale = stale.filter(pk=image_id)
    stale_ids = stale.values_list("pk", flat=True)
    for stale_id in stale_ids:
        with transaction.atomic():
            image = (
                GeneratedImage.objects.select_for_update(skip_locked=True)
                .filter(pk=stale_id, status=Status.RUNNING, started_at__lt=cutoff)
                .first()
            )
            if image is None:
                continue
            found += 1
            if image.attempts < settings.GENERATION_MAX_ATTEMPTS:
                image_transition(image, Status.QUEUED, note="requeued: worker stopped answering")
                transaction.on_commit(lambda pk=image.pk: tasks.generate_image.enqueue(image_id=pk))
            else:
                image_transition(
                    image,
                    Status.FAILED,
                    note="stale after the last attempt",
                    error_code="stale",
                    error_message=USER_MESSAGES["stale"],
                    finished_at=timezone.now(),
                )
    return found
