from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector
from django.db import IntegrityError, connection, transaction
from django.db.models import Value

from dalle import services as dalle_services
from dalle.models import GeneratedImage
from lib.mockups import Fit, effective_dpi
from printlab.contract import LabError
from printlab.gateways import lab_get
from products.models import Format, Product


@dataclass(frozen=True)
class FormatChoice:
    format: Format
    unsuitable_reason: str
    # What a print gets cropped to fill (the coarsest choice); None for a download.
    effective_dpi: int | None = None

    @property
    def available(self) -> bool:
        return not self.unsuitable_reason


def product_for_image(*, image: GeneratedImage) -> Product:
    """The image's product, made on first use; safe when two requests race to make it."""
    existing = Product.objects.filter(image=image).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            product = Product.objects.create(
                image=image,
                name=Product.name_from_prompt(image.prompt),
                slug=Product.slug_from_prompt(image.prompt),
                is_listed=Product.is_listable(image),
            )
    except IntegrityError:
        return Product.objects.get(image=image)
    if connection.vendor == "postgresql":
        vector = SearchVector(Value(image.prompt), config="simple")
        Product.objects.filter(pk=product.pk).update(search_vector=vector)
    return product


@transaction.atomic
def image_publish(*, image: GeneratedImage, public: bool) -> Product | None:
    """Share an image in the shop (it becomes a product) or take it back to private.

    The one way an image's visibility changes, for its owner and for managers in the admin;
    its product's listing follows here, in the same transaction.
    """
    visibility = GeneratedImage.Visibility.PUBLIC if public else GeneratedImage.Visibility.PRIVATE
    image = dalle_services.image_set_visibility(image=image, visibility=visibility)
    product = (
        product_for_image(image=image) if public else Product.objects.filter(image=image).first()
    )
    if product is not None:
        _listing_update(product=product, image=image)
    return product if public else None


def _listing_update(*, product: Product, image: GeneratedImage) -> None:
    listed = Product.is_listable(image)
    if product.is_listed != listed:
        product.is_listed = listed
        product.save(update_fields=["is_listed"])  # the shop's cache drops on the save


def format_choices(*, image: GeneratedImage) -> list[FormatChoice]:
    return [
        FormatChoice(
            format=fmt,
            unsuitable_reason=fmt.unsuitable_reason(image),
            effective_dpi=print_dpi(image=image, fmt=fmt, fit=Fit.FILL),
        )
        for fmt in Format.objects.filter(active=True)
    ]


class FormatLabError(Exception):
    """The lab could not say how it prints a format; the message is for managers."""


def format_read_print_size(*, format: Format) -> tuple[int, int]:
    """Ask the lab the pixel size its print area wants for this format's SKU, and keep it."""
    if not format.lab_sku:
        raise FormatLabError("Give the format a lab SKU first.")
    try:
        product = lab_get().product_get(format.lab_sku)
    except LabError as error:
        raise FormatLabError(f"The lab said: {error.message}") from error
    size = product.print_area_size(format.lab_attributes or None)
    if size is None:
        raise FormatLabError("The lab knows the SKU but gives no print size for these options.")
    Format.objects.filter(pk=format.pk).update(print_width_px=size[0], print_height_px=size[1])
    return size


def print_dpi(*, image: GeneratedImage, fmt: Format, fit: Fit) -> int | None:
    """The DPI a print of the image gets under `fit`; None for a download or an unknown size."""
    if not fmt.is_physical or not (image.width and image.height):
        return None
    return effective_dpi(
        image.width, image.height, width_cm=fmt.width_cm, height_cm=fmt.height_cm, fit=fit
    )
