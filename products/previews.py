"""Pictures of a print before it is bought: the print as it will be made, and a mock-up.

Drawn by lib.mockups from the image's preview file (512 px on its long side: more than either
picture shows of it) and kept in Django's cache under a key that names everything a picture
depends on: the image and its file, the format's size and medium, the fit, the position and the
scene. An edited format or a new file makes a new key, so a cached picture is never stale.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from PIL import Image, UnidentifiedImageError

from dalle.models import GeneratedImage
from lib import mockups
from lib.mockups import Fit, Position
from products.models import Format, Product
from products.services import FormatChoice

PRINT_LONG_SIDE_PX = 640
MOCKUP_WIDTH_PX = 800
RENDER_CACHE_SECONDS = 7 * 24 * 3600
CONTENT_TYPE = "image/webp"

FIT_LABELS = {
    Fit.FILL: ("Crop to fill", "The picture covers the whole print; its edges are cut off."),
    Fit.FIT: ("Fit the whole picture", "Nothing is cut off; white paper shows round it."),
}
POSITION_LABELS = {
    Position.CENTER: "Keep the centre",
    Position.TOP: "Keep the top",
    Position.BOTTOM: "Keep the bottom",
    Position.LEFT: "Keep the left",
    Position.RIGHT: "Keep the right",
}


class Scene(models.TextChoices):
    PRINT = "print", "The print"
    MOCKUP = "mockup", "On a wall"


class PreviewUnavailable(Exception):
    """The image's file cannot be read or decoded, so there is nothing to draw from."""


@dataclass(frozen=True)
class CropChoice:
    """How the picture goes on one print: only the choices that change what is printed."""

    fit: Fit
    position: Position
    fit_matters: bool  # the aspects differ: filling crops, fitting leaves a border
    positions: tuple[Position, ...]  # which parts a fill-crop may keep; () when nothing is cut


def crop_choice(*, image: GeneratedImage, fmt: Format, fit: Fit, position: Position) -> CropChoice:
    """The fit and position, with a choice that changes nothing turned into the default.

    So "fit" on a print of the picture's own shape, or "top" when only the sides are cut, draw
    (and cache) the same picture as fill and centre.
    """
    if not (image.width and image.height):
        return CropChoice(fit, position, True, tuple(Position))
    positions = mockups.crop_positions(
        image.width, image.height, width_cm=fmt.width_cm, height_cm=fmt.height_cm
    )
    fit_matters = bool(positions)
    fit = fit if fit_matters else Fit.FILL
    position = position if fit is Fit.FILL and position in positions else Position.CENTER
    return CropChoice(fit, position, fit_matters, positions)


def preview_cache_key(
    *, image: GeneratedImage, fmt: Format, fit: Fit, position: Position, scene: Scene
) -> str:
    fingerprint = "|".join(
        str(part)
        for part in (
            image.pk,
            _source(image).name,
            fmt.pk,
            f"{float(fmt.width_cm):g}x{float(fmt.height_cm):g}",  # 40 and 40.0 alike
            fmt.medium,
            fit,
            position,
            scene,
        )
    )
    return "print-preview:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:40]


def preview_render(
    *, image: GeneratedImage, fmt: Format, fit: Fit, position: Position, scene: Scene
) -> bytes:
    """The WebP picture of the image on the print, from the cache or drawn now."""
    choice = crop_choice(image=image, fmt=fmt, fit=fit, position=position)
    key = preview_cache_key(
        image=image, fmt=fmt, fit=choice.fit, position=choice.position, scene=scene
    )
    content = cache.get(key)
    if content is None:
        content = mockups.encode(_draw(_picture(image), fmt, choice, scene))
        cache.set(key, content, RENDER_CACHE_SECONDS)
    return content


def _draw(picture: Image.Image, fmt: Format, choice: CropChoice, scene: Scene) -> Image.Image:
    if scene == Scene.PRINT:
        return mockups.print_area(
            picture,
            width_cm=fmt.width_cm,
            height_cm=fmt.height_cm,
            fit=choice.fit,
            position=choice.position,
            long_side_px=PRINT_LONG_SIDE_PX,
        )
    return mockups.mockup(
        picture,
        width_cm=fmt.width_cm,
        height_cm=fmt.height_cm,
        medium=fmt.medium,
        fit=choice.fit,
        position=choice.position,
        out_width=MOCKUP_WIDTH_PX,
    )


def _source(image: GeneratedImage):
    return image.preview if image.preview else image.image


def _picture(image: GeneratedImage) -> Image.Image:
    try:
        with _source(image).open("rb") as stored:
            picture = Image.open(stored)
            picture.load()
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise PreviewUnavailable(f"The picture of image {image.pk} cannot be read.") from error
    return picture


def preview_url(
    *, product: Product, fmt: Format, fit: Fit, position: Position, scene: Scene
) -> str:
    query = urlencode({"format": fmt.pk, "fit": fit, "position": position, "scene": scene})
    return f"{reverse('product_preview', kwargs={'slug': product.slug})}?{query}"


# What the page shows: the choices and the pictures for one print, and what the page's script
# needs to redraw them when the shopper picks another print.


@dataclass(frozen=True)
class PrintPreview:
    product: Product
    format: Format
    choice: CropChoice
    print_url: str
    mockup_url: str
    print_size: tuple[int, int]
    furniture: str  # "a 200 cm sofa"
    layouts_json: str  # per print on offer: its crop positions, sizes and names

    @property
    def fit(self) -> Fit:
        return self.choice.fit

    @property
    def position(self) -> Position:
        return self.choice.position

    @property
    def base_url(self) -> str:
        return reverse("product_preview", kwargs={"slug": self.product.slug})

    @property
    def fit_options(self) -> list[tuple[str, str, str]]:
        return [(fit.value, label, help) for fit, (label, help) in FIT_LABELS.items()]

    @property
    def position_options(self) -> list[tuple[str, str, bool]]:
        """Every position, and whether it is one this print can choose."""
        return [
            (position.value, label, position in self.choice.positions)
            for position, label in POSITION_LABELS.items()
        ]

    @property
    def caption(self) -> str:
        return describe(self.format, self.choice)


def describe(fmt: Format, choice: CropChoice) -> str:
    """ "Canvas 40×40 cm, cropped to fill, keeping the left" in words, for captions and alt."""
    if not choice.fit_matters:
        return f"{fmt.name}, the whole picture"
    if choice.fit is Fit.FIT:
        return f"{fmt.name}, the whole picture with a white border"
    kept = POSITION_LABELS[choice.position].removeprefix("Keep ")
    return f"{fmt.name}, cropped to fill, keeping {kept}"


def print_preview(
    *,
    product: Product,
    formats: Sequence[Format],
    fmt: Format,
    fit: Fit = Fit.FILL,
    position: Position = Position.CENTER,
) -> PrintPreview:
    """The preview of one print of the product, among the prints in `formats` on offer."""
    image = product.image
    choice = crop_choice(image=image, fmt=fmt, fit=fit, position=position)
    urls = {
        scene: preview_url(
            product=product, fmt=fmt, fit=choice.fit, position=choice.position, scene=scene
        )
        for scene in Scene
    }
    return PrintPreview(
        product=product,
        format=fmt,
        choice=choice,
        print_url=urls[Scene.PRINT],
        mockup_url=urls[Scene.MOCKUP],
        print_size=_print_size(fmt),
        furniture=_furniture(fmt),
        layouts_json=json.dumps(
            {str(other.pk): _layout(image, other) for other in formats if other.is_physical}
        ),
    )


def page_preview(
    *, product: Product, choices: Sequence[FormatChoice], wanted: dict
) -> PrintPreview | None:
    """What the product page previews: the print `wanted` (a PrintChoiceForm's data) when the
    image prints well on it, else the first print that does; None when none does."""
    printable = [
        choice.format for choice in choices if choice.format.is_physical and choice.available
    ]
    if not printable:
        return None
    fmt = wanted.get("format")
    return print_preview(
        product=product,
        formats=[choice.format for choice in choices],
        fmt=fmt if fmt in printable else printable[0],
        fit=wanted.get("fit") or Fit.FILL,
        position=wanted.get("position") or Position.CENTER,
    )


def _print_size(fmt: Format) -> tuple[int, int]:
    return mockups.print_pixels(
        width_cm=fmt.width_cm, height_cm=fmt.height_cm, long_side_px=PRINT_LONG_SIDE_PX
    )


def _furniture(fmt: Format) -> str:
    return mockups.furniture_for(
        width_cm=fmt.width_cm, height_cm=fmt.height_cm, medium=fmt.medium
    ).label


def _layout(image: GeneratedImage, fmt: Format) -> dict:
    """What the script needs to redraw the preview for this print without asking the server."""
    choice = crop_choice(image=image, fmt=fmt, fit=Fit.FILL, position=Position.CENTER)
    captions = {}
    for fit in Fit:
        for position in Position:
            shown = crop_choice(image=image, fmt=fmt, fit=fit, position=position)
            captions[f"{fit}/{position}"] = describe(fmt, shown)
    return {
        "fit_matters": choice.fit_matters,
        "positions": [position.value for position in choice.positions],
        "print_size": _print_size(fmt),
        "furniture": _furniture(fmt),
        "name": fmt.name,
        "captions": captions,
    }
