"""An image's life: its one transition function, the switch that pauses generation, and
what a shopper is told when a job fails. Below both the services and the worker's runner."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from dalle.models import GeneratedImage, GenerationSwitch, ImageEvent
from dalle.providers import ProviderError
from lib.mail import mail_enqueue
from notifications.services import Kind, notification_send

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
    """Move a locked image to another status, with an event row; the one place it happens.
    A job that ends tells its owner (and, for a finished remix, the original's owner)."""
    if to not in GeneratedImage.TRANSITIONS[image.status]:
        raise TransitionNotAllowed(f"{image.status} → {to}")
    ImageEvent.objects.create(image=image, from_status=image.status, to_status=to, note=note[:300])
    image.status = to
    for name, value in fields.items():
        setattr(image, name, value)
    image.save(update_fields=["status", *fields])
    if to == GeneratedImage.Status.SUCCEEDED:
        _tell_finished(image)
    elif to == GeneratedImage.Status.FAILED:
        _tell_failed(image)


def _quoted(prompt: str) -> str:
    words = " ".join(prompt.split())
    return f"“{words if len(words) <= 60 else words[:59].rstrip() + '…'}”"


def _tell_finished(image: GeneratedImage) -> None:
    notification_send(
        recipient=image.owner,
        kind=Kind.IMAGE_READY,
        text=f"Your image {_quoted(image.prompt)} is ready.",
        url=image.get_absolute_url(),
        event_key=f"image:{image.pk}:ready",
    )
    original = image.remix_of
    if original is not None and original.owner_id != image.owner_id:
        notification_send(
            recipient=original.owner,
            kind=Kind.IMAGE_REMIXED,
            text=f"{image.owner.public_name} remixed your image {_quoted(original.prompt)}.",
            url=original.get_absolute_url(),
            event_key=f"image:{image.pk}:remix",
        )


def _tell_failed(image: GeneratedImage) -> None:
    notification_send(
        recipient=image.owner,
        kind=Kind.IMAGE_FAILED,
        text=f"Your image {_quoted(image.prompt)} could not be made. {image.error_message}".strip(),
        url=image.get_absolute_url(),
        event_key=f"image:{image.pk}:failed",
    )


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
