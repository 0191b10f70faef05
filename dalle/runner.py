"""Running one generation job in the task worker: claim, paint, store, finish or retry.

`generation_run` returns when the job should run again (a retry), so the task that called it
re-enqueues itself: this module never imports the tasks.
"""

import logging
import time
from datetime import datetime, timedelta

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dalle.files import image_files_save
from dalle.imaging import PICTURE_SLOTS, image_size, make_sizes, make_thumbnail
from dalle.lifecycle import USER_MESSAGES, generation_pause, generation_paused, image_transition
from dalle.models import GeneratedImage
from dalle.providers import Picture, ProviderError, get_provider
from dalle.selectors import price_table
from lib.ai_costs import usage_cost_micros

logger = logging.getLogger(__name__)
Status = GeneratedImage.Status

RETRY_DELAY_CAP_SECONDS = 300
STORE_ATTEMPTS = 3


def generation_run(*, image_id: int, run_id: str = "") -> datetime | None:
    """Paint one queued job; returns when to try again, or None when it is over.

    `run_id` names the task run (the same on every delivery of one task): a job still marked
    running by that same run was handed back by a worker that stopped mid-job, and is taken up
    again; any other run finds the job taken and does nothing.
    """
    image = _claim(image_id, run_id)
    if image is None:
        return None
    _release_connection()
    try:
        picture = get_provider().generate(
            prompt=image.prompt,
            size=image.size,
            style=image.style,
            variant=image.variant,
            user_ref=f"aigallery-user-{image.owner_id}",
        )
        stored = _store(image, picture)
    except ProviderError as error:
        return _fail_or_retry(image, error)
    except Exception:
        # A bug, not the provider: end the job visibly rather than leave it spinning.
        _fail_or_retry(image, ProviderError(ProviderError.BAD_RESPONSE, "unexpected error"))
        raise
    _finish(image, picture, stored)
    return None


def _release_connection() -> None:
    """Give the database connection back while the provider works (seconds to minutes).

    One Celery worker runs dozens of generations at once: held idle, their connections would
    empty the process's pool, and the claims and saves of the others would wait for nothing.
    """
    if not connection.in_atomic_block:  # inside a test's transaction, keep it
        connection.close()


@transaction.atomic
def _claim(image_id: int, run_id: str) -> GeneratedImage | None:
    """Mark a queued job running; any other status means another run got it first.

    A job running under this very run id was handed back mid-job (its worker stopped, and the
    broker delivered the task again): it is claimed again, as a new attempt.
    """
    image = GeneratedImage.objects.select_for_update().filter(pk=image_id).first()
    if image is None:
        return None
    handed_back = bool(run_id) and image.status == Status.RUNNING and image.run_id == run_id
    if image.status != Status.QUEUED and not handed_back:
        return None
    if generation_paused():
        # Held, not failed: resuming generation enqueues every queued job again.
        logger.info("Image %s held while generation is paused", image.pk)
        return None
    if handed_back:
        image_transition(image, Status.QUEUED, note="handed back by a stopping worker")
    image_transition(
        image,
        Status.RUNNING,
        note=f"attempt {image.attempts + 1}",
        attempts=image.attempts + 1,
        started_at=timezone.now(),
        run_id=run_id,
    )
    return image


def _store(image: GeneratedImage, picture: Picture) -> dict:
    """Save the original and its previews in private storage, retrying a flaky store."""
    with PICTURE_SLOTS:  # a few at a time: each decode takes tens of MB and the GIL
        preview, thumb_width, thumb_height = make_thumbnail(picture.png)
        sizes = make_sizes(picture.png)
        width, height = image_size(picture.png)
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            stored = image_files_save(image=image, png=picture.png, preview=preview, sizes=sizes)
            break
        except (OSError, BotoCoreError, ClientError) as error:
            logger.warning("Storing image %s failed (attempt %s): %s", image.pk, attempt, error)
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
        cost_microusd=usage_cost_micros(
            model=picture.model, usage=picture.usage, prices=price_table()
        ),
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
def _fail_or_retry(image: GeneratedImage, error: ProviderError) -> datetime | None:
    image = GeneratedImage.objects.select_for_update().get(pk=image.pk)
    if image.status != Status.RUNNING:
        return None
    timeouts = image.timeouts + (error.code == ProviderError.TIMEOUT)
    if _may_retry(image, error):
        delay = settings.GENERATION_RETRY_BASE_SECONDS * 2 ** (image.attempts - 1)
        delay = min(max(delay, error.retry_after or 0), RETRY_DELAY_CAP_SECONDS)
        image_transition(
            image, Status.QUEUED, note=f"retry in {delay:.0f}s after {error}", timeouts=timeouts
        )
        return timezone.now() + timedelta(seconds=delay)
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
    return None
