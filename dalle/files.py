"""Where an image's files live. Originals and previews: private storage, random keys.
The public thumbnail: a copy of the preview under another random key, only while the image
is public; making it private deletes that copy, so no public address reaches it any more."""

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from dalle.models import GeneratedImage
from lib.storages import private_storage, random_key

logger = logging.getLogger(__name__)


def image_files_save(*, image: GeneratedImage, png: bytes, preview: bytes) -> dict:
    """Save a new painting's original and preview; returns the fields to set."""
    folder = f"images/{image.created_at:%Y/%m}"
    storage = private_storage()
    return {
        "image": storage.save(random_key(folder, "png"), ContentFile(png)),
        "preview": storage.save(random_key(folder, "webp"), ContentFile(preview)),
    }


def image_files_publish(*, image: GeneratedImage) -> None:
    """Give a public image its public thumbnail (a copy of the private preview)."""
    if image.thumbnail or not image.preview:
        return
    with image.preview.open("rb") as preview:
        key = random_key(f"thumbs/{image.created_at:%Y/%m}", "webp")
        image.thumbnail.name = default_storage.save(key, ContentFile(preview.read()))
    image.save(update_fields=["thumbnail"])


def image_files_unpublish(*, image: GeneratedImage) -> None:
    """A private (or hidden) image keeps no file at a public address."""
    if not image.thumbnail:
        return
    name = image.thumbnail.name
    image.thumbnail = ""
    image.save(update_fields=["thumbnail"])
    try:
        default_storage.delete(name)
    except OSError:
        logger.exception("Could not delete the public thumbnail %s", name)


def image_files_delete(original: str, preview: str, thumbnail: str) -> None:
    """Remove a deleted image's files; one that is already gone is no error."""
    for storage, name in ((private_storage(), original), (private_storage(), preview)) + (
        (default_storage, thumbnail),
    ):
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete the file %s of a deleted image", name)


def _copy(source, name: str, target, key: str) -> str:
    with source.open(name, "rb") as handle:
        return target.save(key, ContentFile(handle.read()))


def relocate_image_files(image) -> None:
    """Move one image's files from the old layout (everything public, keys derived from the
    image's id) to today's. Each step saves the row before it deletes the old file, and a
    step already done is skipped, so it is safe to run again after an interruption.

    Works on the real model and on a migration's historical one alike (it uses names only).
    """
    private, public = private_storage(), default_storage
    folder = f"images/{image.created_at:%Y/%m}"
    original = image.image.name
    if original and not private.exists(original) and public.exists(original):
        image.image.name = _copy(public, original, private, random_key(folder, "png"))
        image.save(update_fields=["image"])
        public.delete(original)
    elif original and not private.exists(original):
        logger.warning("Image %s: original %s is missing; left as it is", image.pk, original)

    thumbnail = image.thumbnail.name
    if thumbnail and not image.preview.name and public.exists(thumbnail):
        image.preview.name = _copy(public, thumbnail, private, random_key(folder, "webp"))
        image.save(update_fields=["preview"])
    if not thumbnail:
        return
    if image.visibility != "public":
        image.thumbnail.name = ""
        image.save(update_fields=["thumbnail"])
        public.delete(thumbnail)
    elif not thumbnail.startswith("thumbs/") and public.exists(thumbnail):
        key = random_key(f"thumbs/{image.created_at:%Y/%m}", "webp")
        image.thumbnail.name = _copy(public, thumbnail, public, key)
        image.save(update_fields=["thumbnail"])
        public.delete(thumbnail)
