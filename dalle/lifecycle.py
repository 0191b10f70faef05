"""An image's life: its one transition function, the switch that pauses generation, and
what a shopper is told when a job fails. Below both the services and the worker's runner."""

import logging

from dalle.models import GeneratedImage, GenerationSwitch, ImageEvent
from dalle.providers import ProviderError

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


def generation_pause(*, reason: str) -> None:
    """Turn generation off for everyone and alert managers (error log, admin notice)."""
    logger.error("Image generation paused: %s", reason)
    GenerationSwitch.objects.update_or_create(pk=1, defaults={"enabled": False, "reason": reason})


def generation_resume() -> None:
    GenerationSwitch.objects.update_or_create(pk=1, defaults={"enabled": True, "reason": ""})
