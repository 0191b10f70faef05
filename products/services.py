from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector
from django.db import IntegrityError, connection, transaction
from django.db.models import Value

from dalle import services as dalle_services
from dalle.models import GeneratedImage
from products.models import Format, Product


@dataclass(frozen=True)
class FormatChoice:
    format: Format
    unsuitable_reason: str

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
                is_listed=image.is_public and image.status == GeneratedImage.Status.SUCCEEDED,
            )
    except IntegrityError:
        return Product.objects.get(image=image)
    if connection.vendor == "postgresql":
        vector = SearchVector(Value(image.prompt), config="simple")
        Product.objects.filter(pk=product.pk).update(search_vector=vector)
    return product


def image_publish(*, image: GeneratedImage, public: bool) -> Product | None:
    """Share an image in the shop (it becomes a product) or take it back to private."""
    visibility = GeneratedImage.Visibility.PUBLIC if public else GeneratedImage.Visibility.PRIVATE
    dalle_services.image_set_visibility(image=image, visibility=visibility)
    return product_for_image(image=image) if public else None


def format_choices(*, image: GeneratedImage) -> list[FormatChoice]:
    return [
        FormatChoice(format=fmt, unsuitable_reason=fmt.unsuitable_reason(image))
        for fmt in Format.objects.filter(active=True)
    ]
