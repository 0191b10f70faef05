"""Sized previews: two widths, AVIF (this Pillow has it) and WebP, light enough for grids."""

import io

import pytest
from PIL import Image, features

from bench.photos import photograph_png
from dalle.imaging import SIZE_FORMATS, make_sizes, size_keys


def test_this_pillow_encodes_avif():
    """The shop relies on AVIF being there; a Pillow without it would fall back to WebP only."""
    assert features.check("avif")
    assert SIZE_FORMATS == ("avif", "webp")


@pytest.mark.parametrize(
    ("original", "heights"), [((1024, 1024), (320, 640)), ((1536, 1024), (213, 427))]
)
def test_every_width_is_made_in_every_format(original, heights):
    """320 and 640 px wide, in AVIF and WebP, the aspect ratio kept: each file is what it says."""
    renditions = make_sizes(photograph_png(1, original))
    assert {(r.width, r.format) for r in renditions} == size_keys()
    assert len(renditions) == 4
    for rendition in renditions:
        with Image.open(io.BytesIO(rendition.data)) as decoded:
            assert decoded.format == rendition.format.upper()
            assert decoded.size == (rendition.width, rendition.height)
        assert rendition.height == heights[(320, 640).index(rendition.width)]


def test_a_photographic_card_is_light():
    """Photographic art (not flat colours): AVIF is lighter than WebP, and 24 cards at 640 px
    fit in well under 1 MB."""
    sizes = {(r.width, r.format): len(r.data) for r in make_sizes(photograph_png(2))}
    assert sizes[(320, "avif")] < sizes[(320, "webp")] < 20_000
    assert sizes[(640, "avif")] < sizes[(640, "webp")]
    assert 24 * sizes[(640, "avif")] < 900_000
