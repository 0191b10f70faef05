"""Image generation: requesting, running, retrying, cancelling and publishing jobs."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from dalle import tasks
from dalle.imaging import image_size, make_thumbnail
from dalle.models import GeneratedImage, GenerationSwitch, ImageEvent
from dalle.providers import Picture, ProviderError, get_provider, provider_identity

logger = logging.getLogger(__name__)
User = get_user_model()
Status = GeneratedImage.Status

DAY = timedelta(hours=24)
RETRY_DELAY_CAP_SECONDS = 300
STORE_ATTEMPTS = 3

UNAVAILABLE_MESSAGE = "Image generation is temporarily unavailable. Please try again later."
USER_MESSAGES = {
    ProviderError.SAFETY: "Your prompt was rejected by the safety system. Please rephrase it and try again.",
    ProviderError.BILLING: UNAVAILABLE_MESSAGE,
    ProviderError.AUTH: UNAVAILABLE_MESSAGE,
    ProviderError.RATE_LIMITED: "The image service is busy right now. Please try again in a few minutes.",
    ProviderError.SERVER: "The image service is busy right now. Please try again in a few minutes.",
    ProviderError.TIMEOUT: "The image service is busy right now. Please try again in a few minutes.",
    ProviderError.CONNECTION: "The image service is busy right now. Please try again in a few minutes.",
    ProviderError.BAD_REQUEST: "The image service could not paint this prompt. Please change it and try again.",
    ProviderError.BAD_RESPONSE: "The image service returned something that is not an image. Please try again.",
    ProviderError.STORAGE: "We could not save your image. Please try again.",
    "stale": "Painting took far too long and was stopped. Please try again.",
}


class GenerationRefused(Exception):
    """A request that may not start now; the message is for the shopper."""

    def __init__(self, message: str, retry_at: datetime | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_at = retry_at


class TransitionNotAllowed(Exception):
    pass


@dataclass(frozen=True)
class Allowance:
    used: int
    limit: int


def image_transition(image: GeneratedImage, to: str, /, *, note: str = "", **fields) -> None:
    """Move a locked image to another status, with an event row; the one place it happens."""
    if to not in GeneratedImage.TRANSITIONS[image.status]:
        raise TransitionNotAllowed(f"{image.status} → {to}")
    ImageEvent.objects.create(image=image, from_status=image.status, to_status=to, note=note[:300])
    image.status = to
    for name, value in fields.items():
        setattr(image, name, value)
    image.save(update_fields=["status", *fields])


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
    used = GeneratedImage.objects.filter(
        owner=user, status__in=GeneratedImage.COUNTED, created_at__gte=timezone.now() - DAY
    ).count()
    return Allowance(used=used, limit=settings.GENERATION_DAILY_LIMIT_PER_USER)


@transaction.atomic
def generation_request(*, user: User, prompt: str, size: str) -> GeneratedImage:
    """Queue a generation if the switch and the daily limits allow it; never waits for it."""
    if GenerationSwitch.objects.filter(pk=1, enabled=False).exists():
        raise GenerationRefused(UNAVAILABLE_MESSAGE)
    # One request at a time per user, so two quick clicks cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    window = GeneratedImage.objects.filter(
        status__in=GeneratedImage.COUNTED, created_at__gte=timezone.now() - DAY
    )
    mine = window.filter(owner=user)
    used = window.aggregate(site=Count("id"), mine=Count("id", filter=Q(owner=user)))
    if used["mine"] >= settings.GENERATION_DAILY_LIMIT_PER_USER:
        raise GenerationRefused(
            f"You have used your {settings.GENERATION_DAILY_LIMIT_PER_USER} images for today.",
            retry_at=_retry_at(mine, settings.GENERATION_DAILY_LIMIT_PER_USER),
        )
    if used["site"] >= settings.GENERATION_DAILY_LIMIT_SITE:
        raise GenerationRefused(
            "The gallery has painted all the images it can today.",
            retry_at=_retry_at(window, settings.GENERATION_DAILY_LIMIT_SITE),
        )
    provider, model, quality = provider_identity()
    image = GeneratedImage(
        owner=user, prompt=prompt, size=size, provider=provider, model=model, quality=quality
    )
    # Field checks here; uniqueness and the prompt-length constraint are the database's job.
    image.full_clean(validate_unique=False, validate_constraints=False)
    image.save()
    ImageEvent.objects.create(image=image, to_status=Status.QUEUED, note="requested")
    transaction.on_commit(lambda: tasks.generate_image.enqueue(image_id=image.pk))
    return image


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
    image.visibility = visibility
    image.save(update_fields=["visibility"])
    return image


# Running jobs (in the task worker).


def generation_run(*, image_id: int) -> None:
    image = _claim(image_id)
    if image is None:
        return
    _release_connection()
    try:
        picture = get_provider().generate(
            prompt=image.prompt, size=image.size, user_ref=f"aigallery-user-{image.owner_id}"
        )
        stored = _store(image, picture)
    except ProviderError as error:
        _fail_or_retry(image, error)
        return
    except Exception:
        # A bug, not the provider: end the job visibly rather than leave it spinning.
        _fail_or_retry(image, ProviderError(ProviderError.BAD_RESPONSE, "unexpected error"))
        raise
    _finish(image, picture, stored)


def _release_connection() -> None:
    """Give the database connection back while the provider works (seconds to minutes).

    One worker process runs dozens of generations at once, each on its own thread: held idle,
    their connections would empty the pool (or the server's max_connections) for nothing.
    """
    if not connection.in_atomic_block:  # inside a test's transaction, keep it
        connection.close()


@transaction.atomic
def _claim(image_id: int) -> GeneratedImage | None:
    """Mark a queued job running; any other status means another run got it first."""
    image = GeneratedImage.objects.select_for_update().filter(pk=image_id).first()
    if image is None or image.status != Status.QUEUED:
        return None
    image_transition(
        image,
        Status.RUNNING,
        note=f"attempt {image.attempts + 1}",
        attempts=image.attempts + 1,
        started_at=timezone.now(),
    )
    return image


def _store(image: GeneratedImage, picture: Picture) -> dict:
    """Save the original and its thumbnail under keys named after the job's UUID."""
    thumbnail, thumb_width, thumb_height = make_thumbnail(picture.png)
    width, height = image_size(picture.png)
    folder = f"images/{image.created_at:%Y/%m}"
    files = {
        "image": (f"{folder}/{image.public_id}.png", picture.png),
        "thumbnail": (f"{folder}/{image.public_id}-thumb.webp", thumbnail),
    }
    stored = {}
    for field, (key, content) in files.items():
        for attempt in range(1, STORE_ATTEMPTS + 1):
            try:
                if default_storage.exists(key):  # a retried run replaces its own file
                    default_storage.delete(key)
                stored[field] = default_storage.save(key, ContentFile(content))
                break
            except (OSError, BotoCoreError, ClientError) as error:
                logger.warning("Storing %s failed (attempt %s): %s", key, attempt, error)
                if attempt == STORE_ATTEMPTS:
                    raise ProviderError(ProviderError.STORAGE, str(error)) from error
                time.sleep(attempt * settings.GENERATION_STORE_RETRY_SECONDS)
    stored.update(
        width=width, height=height, thumbnail_width=thumb_width, thumbnail_height=thumb_height
    )
    return stored


@transaction.atomic
def _finish(image: GeneratedImage, picture: Picture, stored: dict) -> None:
    image = GeneratedImage.objects.select_for_update().get(pk=image.pk)
    if image.status != Status.RUNNING:
        logger.warning("Image %s finished after it was %s; result dropped", image.pk, image.status)
        return
    image_transition(
        image,
        Status.SUCCEEDED,
        note="painted",
        revised_prompt=picture.revised_prompt,
        model=picture.model,
        usage=picture.usage,
        finished_at=timezone.now(),
        **stored,
    )


def _may_retry(image: GeneratedImage, error: ProviderError) -> bool:
    if not error.retryable or image.attempts >= settings.GENERATION_MAX_ATTEMPTS:
        return False
    # The API takes no idempotency key: after a timeout the image may have been made and
    # billed, so a timeout is retried fewer times than errors that did no work.
    return error.code != ProviderError.TIMEOUT or (
        image.timeouts < settings.GENERATION_MAX_TIMEOUT_RETRIES
    )


@transaction.atomic
def _fail_or_retry(image: GeneratedImage, error: ProviderError) -> None:
    image = GeneratedImage.objects.select_for_update().get(pk=image.pk)
    if image.status != Status.RUNNING:
        return
    timeouts = image.timeouts + (error.code == ProviderError.TIMEOUT)
    if _may_retry(image, error):
        delay = settings.GENERATION_RETRY_BASE_SECONDS * 2 ** (image.attempts - 1)
        delay = min(max(delay, error.retry_after or 0), RETRY_DELAY_CAP_SECONDS)
        image_transition(
            image, Status.QUEUED, note=f"retry in {delay:.0f}s after {error}", timeouts=timeouts
        )
        run_after = timezone.now() + timedelta(seconds=delay)
        transaction.on_commit(
            lambda: tasks.generate_image.using(run_after=run_after).enqueue(image_id=image.pk)
        )
        return
    image_transition(
        image,
        Status.FAILED,
        note=str(error),
        error_code=error.code,
        error_message=USER_MESSAGES.get(error.code, USER_MESSAGES[ProviderError.SERVER]),
        timeouts=timeouts,
        finished_at=timezone.now(),
    )
    if error.alerts_managers:
        generation_pause(reason=f"The image provider refused our account ({error}).")


def generation_pause(*, reason: str) -> None:
    """Turn generation off for everyone and alert managers (error log, admin notice)."""
    logger.error("Image generation paused: %s", reason)
    GenerationSwitch.objects.update_or_create(pk=1, defaults={"enabled": False, "reason": reason})


def generation_resume() -> None:
    GenerationSwitch.objects.update_or_create(pk=1, defaults={"enabled": True, "reason": ""})


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
