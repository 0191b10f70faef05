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
    price = Decimal("24.00")
    width_cm = Decimal("15")
    height_cm = Decimal("15")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    image = factory.SubFactory(ImageFactory, visibility=GeneratedImage.Visibility.PUBLIC)
    name = factory.LazyAttribute(lambda p: Product.name_from_prompt(p.image.prompt))
    slug = factory.LazyAttribute(lambda p: Product.slug_from_prompt(p.image.prompt))
