"""Where an image's files live. Originals and previews: private storage, random keys.
The public thumbnails: copies of the previews under other random keys, only while the image
is public; making it private deletes those copies, so no public address reaches them any more.

Two kinds of preview follow these rules: `preview`/`thumbnail` (one 512 px WebP, for the API
and the admin) and `sized_previews`/`sized_thumbnails` (every width and format of `srcset`).
"""

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from dalle.imaging import Rendition, make_sizes, size_keys
from dalle.models import GeneratedImage
from lib.storages import private_storage, random_key

logger = logging.getLogger(__name__)


def _folder(image, kind: str) -> str:
    return f"{kind}/{image.created_at:%Y/%m}"


def _keys(sized: list[dict]) -> set[tuple[int, str]]:
    return {(stored["width"], stored["format"]) for stored in sized}


def _save_sizes(image, renditions: list[Rendition]) -> list[dict]:
    storage, folder = private_storage(), _folder(image, "images")
    return [
        {
            "width": rendition.width,
            "height": rendition.height,
            "format": rendition.format,
            "name": storage.save(random_key(folder, rendition.format), ContentFile(rendition.data)),
        }
        for rendition in renditions
    ]


def _delete(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete %s", name)


def image_files_save(
    *, image: GeneratedImage, png: bytes, preview: bytes, sizes: list[Rendition]
) -> dict:
    """Save a new painting's original and previews; returns the fields to set."""
    folder = _folder(image, "images")
    storage = private_storage()
    return {
        "image": storage.save(random_key(folder, "png"), ContentFile(png)),
        "preview": storage.save(random_key(folder, "webp"), ContentFile(preview)),
        "sized_previews": _save_sizes(image, sizes),
    }


def image_files_publish(*, image: GeneratedImage) -> None:
    """Give a public image its public thumbnails (copies of the private previews)."""
    fields = []
    if not image.thumbnail and image.preview:
        with image.preview.open("rb") as preview:
            key = random_key(_folder(image, "thumbs"), "webp")
            image.thumbnail.name = default_storage.save(key, ContentFile(preview.read()))
        fields.append("thumbnail")
    replaced = []
    if _keys(image.sized_thumbnails) != _keys(image.sized_previews):
        replaced = [stored["name"] for stored in image.sized_thumbnails]
        image.sized_thumbnails = [_publish_copy(image, stored) for stored in image.sized_previews]
        fields.append("sized_thumbnails")
    if fields:
        image.save(update_fields=fields)
    _delete(default_storage, replaced)


def _publish_copy(image, stored: dict) -> dict:
    key = random_key(_folder(image, "thumbs"), stored["format"])
    with private_storage().open(stored["name"], "rb") as handle:
        return {**stored, "name": default_storage.save(key, ContentFile(handle.read()))}


def image_files_unpublish(*, image: GeneratedImage) -> None:
    """A private (or hidden) image keeps no file at a public address."""
    # Read again: a backfill may have given the image its public copies since it was loaded.
    image.refresh_from_db(fields=["thumbnail", "sized_thumbnails"])
    names = [stored["name"] for stored in image.sized_thumbnails]
    if image.thumbnail:
        names.append(image.thumbnail.name)
    if not names:
        return
    image.thumbnail = ""
    image.sized_thumbnails = []
    image.save(update_fields=["thumbnail", "sized_thumbnails"])
    _delete(default_storage, names)


def image_sizes_backfill(*, image: GeneratedImage) -> list[str]:
    """Give an image made before sized previews existed (or before a width or format was
    added) its sized previews, and its public copies if it is public. Returns what it did;
    nothing on a second run. Files are made before the row points at them and old ones are
    deleted after, so an interrupted run leaves nothing broken."""
    done = []
    if _keys(image.sized_previews) != size_keys():
        if not image.image or not private_storage().exists(image.image.name):
            logger.warning("Image %s: no original to make sizes from", image.pk)
            return ["skipped: no original"]
        with private_storage().open(image.image.name, "rb") as original:
            made = _save_sizes(image, make_sizes(original.read()))
        old = [stored["name"] for stored in image.sized_previews]
        image.sized_previews = made
        image.save(update_fields=["sized_previews"])
        _delete(private_storage(), old)
        done.append("sized previews made")
    if image.is_public and _keys(image.sized_thumbnails) != _keys(image.sized_previews):
        done += _sizes_publish_if_still_public(image)
    elif not image.is_public and image.sized_thumbnails:
        image_files_unpublish(image=image)
        done.append("public copies of a private image removed")
    return done


def _sizes_publish_if_still_public(image: GeneratedImage) -> list[str]:
    """Copy first (no lock), then keep the copies only if the image is still public when its
    row is locked: an owner who unshares meanwhile never ends up with public files."""
    copies = [_publish_copy(image, stored) for stored in image.sized_previews]
    with transaction.atomic():
        row = GeneratedImage.objects.select_for_update().get(pk=image.pk)
        keep = row.is_public and row.sized_thumbnails == image.sized_thumbnails
        if keep:
            replaced = [stored["name"] for stored in row.sized_thumbnails]
            row.sized_thumbnails = copies
            row.save(update_fields=["sized_thumbnails"])
    if not keep:
        _delete(default_storage, [copy["name"] for copy in copies])
        return ["left alone: its visibility changed meanwhile"]
    _delete(default_storage, replaced)
    image.sized_thumbnails = copies
    return ["public copies made"]


def image_files_delete(*, private: list[str], public: list[str]) -> None:
    """Remove a deleted image's files (original, previews, public copies, every size); one
    that is already gone is no error."""
    _delete(private_storage(), [name for name in private if name])
    _delete(default_storage, [name for name in public if name])


def image_file_names(image: GeneratedImage) -> dict[str, list[str]]:
    """Every stored file of an image, private and public, for `image_files_delete`."""
    return {
        "private": [
            image.image.name,
            image.preview.name,
            *(stored["name"] for stored in image.sized_previews),
        ],
        "public": [
            image.thumbnail.name,
            *(stored["name"] for stored in image.sized_thumbnails),
        ],
    }


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

    # Sized public copies (absent on the historical model of migration 0002) of an image
    # that is not public go, like its thumbnail below.
    sized = getattr(image, "sized_thumbnails", None)
    if sized and image.visibility != "public":
        image.sized_thumbnails = []
        image.save(update_fields=["sized_thumbnails"])
        _delete(public, [stored["name"] for stored in sized])

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
