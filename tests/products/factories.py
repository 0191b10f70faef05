from decimal import Decimal

import factory

from dalle.models import GeneratedImage
from products.models import Format, Product
from tests.dalle.factories import ImageFactory


class FormatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Format

    name = "Digital download"
    kind = Format.Kind.DIGITAL
    price = Decimal("5.00")


class PrintFormatFactory(FormatFactory):
    name = "Art print 15×15 cm"
    kind = Format.Kind.PHYSICAL
    medium = Format.Medium.PAPER
    price = Decimal("24.00")
    width_cm = Decimal("15")
    height_cm = Decimal("15")
    lab_sku = "GLOBAL-FAP-6X6"  # the simulated lab's 6 × 6 in fine-art print


class CanvasFormatFactory(PrintFormatFactory):
    name = "Canvas 40×40 cm"
    medium = Format.Medium.CANVAS
    price = Decimal("79.00")
    width_cm = Decimal("40")
    height_cm = Decimal("40")
    min_dpi = 60


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    image = factory.SubFactory(ImageFactory, visibility=GeneratedImage.Visibility.PUBLIC)
    name = factory.LazyAttribute(lambda p: Product.name_from_prompt(p.image.prompt))
    slug = factory.LazyAttribute(lambda p: Product.slug_from_prompt(p.image.prompt))
    is_listed = factory.LazyAttribute(
        lambda p: p.image.is_public and p.image.status == GeneratedImage.Status.SUCCEEDED
    )

    @factory.post_generation
    def search_vector(product, create, extracted, **kwargs):
        """Indexed for search as products_services.product_for_image does it."""
        from django.contrib.postgres.search import SearchVector
        from django.db import connection
        from django.db.models import Value

        if create and connection.vendor == "postgresql":
            vector = SearchVector(Value(product.image.prompt), config="simple")
            Product.objects.filter(pk=product.pk).update(search_vector=vector)


def bulk_products(count: int, prompt: str = "Bulk painting") -> list[Product]:
    """Many listed products fast, sharing one stored image file (as the benchmark seeds them)."""
    from tests.factories import UserFactory

    first = ImageFactory(visibility=GeneratedImage.Visibility.PUBLIC, prompt=f"{prompt} 0")
    owner = UserFactory()
    images = GeneratedImage.objects.bulk_create(
        GeneratedImage(
            owner=owner,
            prompt=f"{prompt} {n}",
            provider="offline",
            status=GeneratedImage.Status.SUCCEEDED,
            visibility=GeneratedImage.Visibility.PUBLIC,
            image=first.image.name,
            thumbnail=first.thumbnail.name,
            width=1024,
            height=1024,
            thumbnail_width=64,
            thumbnail_height=64,
        )
        for n in range(1, count)
    )
    return Product.objects.bulk_create(
        Product(
            image=image,
            name=image.prompt,
            slug=Product.slug_from_prompt(image.prompt),
            is_listed=True,
        )
        for image in [first, *images]
    )
