import io
import os
import threading
from dataclasses import dataclass

from PIL import Image, features

# A picture being read, decoded or shrunk takes tens of MB and holds the GIL: a worker with a
# hundred generations in flight handles as many at once as it has cores, not a hundred.
PICTURE_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 2)

THUMBNAIL_MAX_SIDE = 512
THUMBNAIL_QUALITY = 72

# Sized previews for `srcset`: a grid card is drawn 200–350 px wide (320 on a plain screen,
# 640 on a sharp one or a phone), the artwork on its own page about 650 px (640).
SIZE_WIDTHS = (320, 640)
# AVIF first when this Pillow has it: at the same PSNR it is 40–55 % lighter than WebP on
# photographic art (bench/README.md, "Light images"); WebP stays as every browser's fallback.
SIZE_FORMATS = ("avif", "webp") if features.check("avif") else ("webp",)
# Chosen on photographic test art (bench/photos.py) so that 24 cards stay under 1 MB even
# when every card loads its 640 px size. The 640 px files are seen on sharp screens (small
# pixels hide artefacts) or alone on a page, so they take a lower number than the 320s.
SIZE_QUALITY = {("avif", 320): 50, ("avif", 640): 45, ("webp", 320): 70, ("webp", 640): 60}
_SAVE_OPTIONS = {"avif": {"speed": 6}, "webp": {"method": 6}}


@dataclass(frozen=True)
class Rendition:
    """One encoded size of an artwork, before it is stored."""

    width: int
    height: int
    format: str
    data: bytes


def image_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def make_thumbnail(png: bytes) -> tuple[bytes, int, int]:
    """A WebP at most 512 px on its long side: the API's and the admin's thumbnail."""
    with Image.open(io.BytesIO(png)) as image:
        image = image.convert("RGB")
        image.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "WEBP", quality=THUMBNAIL_QUALITY, method=4)
        return out.getvalue(), image.width, image.height


def size_keys() -> set[tuple[int, str]]:
    """The (width, format) pairs every finished image should have."""
    return {(width, fmt) for width in SIZE_WIDTHS for fmt in SIZE_FORMATS}


def make_sizes(png: bytes) -> list[Rendition]:
    """The artwork at each width of SIZE_WIDTHS in each of SIZE_FORMATS (originals are at
    least 1024 px wide; a smaller one, as in tests, is enlarged so that every width exists)."""
    with Image.open(io.BytesIO(png)) as original:
        original = original.convert("RGB")
        renditions = []
        for width in SIZE_WIDTHS:
            height = max(1, round(original.height * width / original.width))
            scaled = original.resize((width, height), Image.Resampling.LANCZOS)
            for fmt in SIZE_FORMATS:
                out = io.BytesIO()
                quality = SIZE_QUALITY[(fmt, width)]
                scaled.save(out, fmt.upper(), quality=quality, **_SAVE_OPTIONS[fmt])
                renditions.append(Rendition(width, height, fmt, out.getvalue()))
        return renditions
