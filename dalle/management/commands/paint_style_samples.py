"""Paint the small sample picture of each style preset shown on Create (static/img/styles/).

The files are committed; run this again only when the painter or the presets change.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image

from dalle.models import STYLE_CHOICES
from dalle.painter import paint

LANCZOS = Image.Resampling.LANCZOS

SAMPLE_PROMPT = "A lighthouse on a cliff by the sea at sunset"
SAMPLE_PIXELS = 144  # twice the size shown, for sharp screens
PAINTED_PIXELS = (
    576  # painted larger and scaled down: the styles' textures read as they do at full size
)


class Command(BaseCommand):
    help = "Paint static/img/styles/<style>.webp, one sample per style preset."

    def handle(self, *args, **options) -> None:
        folder = Path(settings.BASE_DIR) / "static" / "img" / "styles"
        folder.mkdir(parents=True, exist_ok=True)
        for style, label in STYLE_CHOICES:
            picture = paint(SAMPLE_PROMPT, PAINTED_PIXELS, PAINTED_PIXELS, style or "none")
            picture = picture.convert("RGB").resize((SAMPLE_PIXELS, SAMPLE_PIXELS), LANCZOS)
            out = io.BytesIO()
            picture.save(out, "WEBP", quality=80, method=6)
            (folder / f"{style or 'plain'}.webp").write_bytes(out.getvalue())
            self.stdout.write(f"{label}: {style or 'plain'}.webp ({len(out.getvalue())} bytes)")
