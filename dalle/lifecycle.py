"""An image's life: its one transition function, the switch that pauses generation, and
what a shopper is told when a job fails. Below both the services and the worker's runner."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from dalle.models import GeneratedImage, GenerationSwitch, ImageEvent
from dalle.providers import ProviderError
from lib.mail import mail_enqueue

logger = logging.getLogger(__name__)

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


class TransitionNotAllowed(Exception):
    pass


def image_transition(image: GeneratedImage, to: str, /, *, note: str = "", **fields) -> None:
    """Move a locked image to another status, with an event row; the one place it happens."""
    if to not in GeneratedImage.TRANSITIONS[image.status]:
        raise TransitionNotAllowed(f"{image.status} → {to}")
    ImageEvent.objects.create(image=image, from_status=image.status, to_status=to, note=note[:300])
    image.status = to
    for name, value in fields.items():
        setattr(image, name, value)
    image.save(update_fields=["status", *fields])


@transaction.atomic
def generation_pause(*, reason: str) -> bool:
    """Turn generation off for everyone; managers get one e-mail per pause, not one per job.

    Jobs already queued are held (not sent to the provider, not failed) until a manager
    resumes. Returns False when generation was already paused.
    """
    GenerationSwitch.load()
    switch = GenerationSwitch.objects.select_for_update().get(pk=1)
    if not switch.enabled:
        return False
    switch.enabled = False
    switch.reason = reason[:300]
    switch.save()
    logger.error("Image generation paused: %s", reason)
    managers = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    mail_enqueue(
        "dalle/generation_paused",
        to=list(managers.values_list("email", flat=True)),
        context={"reason": reason},
    )
    return True


def generation_switch_on() -> None:
    GenerationSwitch.objects.update_or_create(pk=1, defaults={"enabled": True, "reason": ""})


def generation_paused() -> bool:
    return GenerationSwitch.objects.filter(pk=1, enabled=False).exists()
