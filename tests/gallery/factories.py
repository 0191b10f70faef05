import factory

from dalle.models import GeneratedImage
from gallery.models import Like
from tests.dalle.factories import ImageFactory
from tests.factories import UserFactory


class LikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Like

    user = factory.SubFactory(UserFactory)
    image = factory.SubFactory(ImageFactory, visibility=GeneratedImage.Visibility.PUBLIC)


def bulk_public_images(count: int, prompt: str = "Bulk painting") -> list[GeneratedImage]:
    """Many public, listed images fast, sharing one stored file (as bulk_products does)."""
    from tests.products.factories import bulk_products

    return [product.image for product in bulk_products(count, prompt)]
