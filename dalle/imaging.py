import io
import os
import threading

from PIL import Image

# A picture being read, decoded or shrunk takes tens of MB and holds the GIL: a worker with a
# hundred generations in flight handles as many at once as it has cores, not a hundred.
PICTURE_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 2)

THUMBNAIL_MAX_SIDE = 512
THUMBNAIL_QUALITY = 72


def image_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def make_thumbnail(png: bytes) -> tuple[bytes, int, int]:
    """A WebP at most 512 px on its long side, small enough for a grid of 24 (~30 KB)."""
    with Image.open(io.BytesIO(png)) as image:
        image = image.convert("RGB")
        image.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "WEBP", quality=THUMBNAIL_QUALITY, method=4)
        return out.getvalue(), image.width, image.height
