"""`{% artwork_img image layout="tile" %}`: an artwork's <picture>, from its sized previews.

The one place that knows how wide each layout draws an artwork (static/css/site.css), so
every page asks for about the pixels it shows: a 48 px order cell loads the 320 px size, a
card 320 or 640, the artwork on its own page 640 with `fetchpriority="high"`.
"""

from dataclasses import dataclass

from django import template

from dalle.models import GeneratedImage, SizedSource

register = template.Library()

# Cards after this many are below the fold on a desktop (two rows of five): loaded lazily.
EAGER_TILES = 8


@dataclass(frozen=True)
class Layout:
    sizes: str
    main: bool = False  # the page's largest image: fetched first, never lazily
    lazy: bool = False
    box: int | None = None  # drawn in a fixed square of this many CSS pixels


LAYOUTS = {
    # .grid: columns of at least 13rem in a 72rem container with 1.25rem padding and 1rem gaps.
    "tile": Layout(
        "(max-width: 471px) calc(100vw - 2.5rem), (max-width: 695px) calc(50vw - 1.75rem), "
        "(max-width: 919px) calc(33.3vw - 1.5rem), (max-width: 1143px) calc(25vw - 1.4rem), "
        "13.1rem"
    ),
    # .detail: 3fr of the container beside a 2fr aside, one column below 821px.
    "main": Layout(
        "(max-width: 820px) calc(100vw - 2.5rem), min(40.5rem, calc(60vw - 2.7rem))", main=True
    ),
    "aside": Layout(
        "(max-width: 820px) calc(100vw - 2.5rem), min(27rem, calc(40vw - 1.8rem))", main=True
    ),
    # td img: 48 × 48 in order tables.
    "cell": Layout("48px", lazy=True, box=48),
}


def _srcset(sources: list[SizedSource]) -> str:
    return ", ".join(f"{source.url} {source.width}w" for source in sources)


@register.inclusion_tag("dalle/_artwork_img.html")
def artwork_img(
    image: GeneratedImage, layout: str, *, alt: str = "", css_class: str = "", index: int = 0
) -> dict:
    """`index` is a card's place in its grid (forloop.counter): later cards load lazily."""
    shape = LAYOUTS[layout]
    lazy = shape.lazy or (layout == "tile" and index > EAGER_TILES)
    context = {"alt": alt, "css_class": css_class, "lazy": lazy, "main": shape.main}
    by_format: dict[str, list[SizedSource]] = {}
    for source in sorted(image.sized_sources(), key=lambda s: s.width):
        by_format.setdefault(source.format, []).append(source)
    if not by_format:  # made before sized previews, and not backfilled yet
        return {
            **context,
            "src": image.thumbnail_src,
            "width": shape.box or image.thumbnail_width,
            "height": shape.box or image.thumbnail_height,
        }
    fallback = by_format.pop("webp", None) or by_format.pop(next(reversed(by_format)))
    drawn = fallback[-1] if shape.main else fallback[0]
    return {
        **context,
        "sizes": shape.sizes,
        "sources": [(f"image/{fmt}", _srcset(sources)) for fmt, sources in by_format.items()],
        "src": drawn.url,
        "srcset": _srcset(fallback),
        "width": shape.box or drawn.width,
        "height": shape.box or drawn.height,
    }
