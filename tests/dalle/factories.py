import functools

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from dalle.imaging import Rendition, make_sizes, make_thumbnail
from dalle.models import GeneratedImage
from dalle.providers import paint
from lib.storages import private_storage, random_key
from tests.factories import UserFactory


def png_bytes(
    prompt: str = "test", size: tuple[int, int] = (64, 64), stored: tuple[int, int] | None = None
) -> bytes:
    """A painted PNG; `stored` enlarges it (cheaply) to the size the image row claims."""
    import io

    from PIL import Image

    picture = paint(prompt, *size)
    if stored and stored != size:
        picture = picture.resize(stored, Image.Resampling.NEAREST)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


@functools.cache
def _sizes() -> list[Rendition]:
    """Encoded once per run: every sized image of the tests shares these bytes."""
    return make_sizes(png_bytes("sizes", (128, 128)))


def stored_sizes(storage, folder: str, renditions: list[Rendition] | None = None) -> list[dict]:
    """Sized previews saved under fresh random keys, as the image's fields record them."""
    return [
        {
            "width": rendition.width,
            "height": rendition.height,
            "format": rendition.format,
            "name": storage.save(random_key(folder, rendition.format), ContentFile(rendition.data)),
        }
        for rendition in renditions or _sizes()
    ]


class ImageFactory(factory.django.DjangoModelFactory):
    """A finished image with real files in storage. `sized=True`: with its sized previews
    (and, when public, their public copies), as images are made today; without, as images
    made before sized previews existed."""

    class Meta:
        model = GeneratedImage

    class Params:
        sized = False

    owner = factory.SubFactory(UserFactory)
    prompt = factory.Sequence(lambda n: f"A quiet harbour at dawn, number {n}")
    provider = "offline"
    model = "offline-painter-1"
    status = GeneratedImage.Status.SUCCEEDED
    visibility = GeneratedImage.Visibility.PRIVATE
    width = 1024
    height = 1024

    @factory.lazy_attribute
    def image(self):
        """The original at the size the row says, as the print lab's master needs it."""
        stored = (self.width, self.height) if self.width and self.height else None
        return ContentFile(png_bytes(self.prompt, stored=stored), name=random_key("images", "png"))

    @factory.lazy_attribute
    def preview(self):
        webp, _, _ = make_thumbnail(png_bytes(self.prompt))
        return ContentFile(webp, name=random_key("images", "webp"))

    @factory.lazy_attribute
    def thumbnail(self):
        """Public images only, as the publish service makes it."""
        if self.visibility != GeneratedImage.Visibility.PUBLIC:
            return ""
        webp, _, _ = make_thumbnail(png_bytes(self.prompt))
        return ContentFile(webp, name=random_key("thumbs", "webp"))

    thumbnail_width = 64
    thumbnail_height = 64

    @factory.lazy_attribute
    def sized_previews(self):
        return stored_sizes(private_storage(), "images") if self.sized else []

    @factory.lazy_attribute
    def sized_thumbnails(self):
        if not (self.sized and self.visibility == GeneratedImage.Visibility.PUBLIC):
            return []
        return stored_sizes(default_storage, "thumbs")


class QueuedImageFactory(ImageFactory):
    status = GeneratedImage.Status.QUEUED
    image = ""
    preview = ""
    thumbnail = ""
    sized_previews = []
    sized_thumbnails = []
    width = None
    height = None
