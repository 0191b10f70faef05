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
    """Many public, listed images fast, sharing one stored file (as bulk_products does), their
    prompts indexed for search on PostgreSQL as the publish service does it."""
    from django.db import connection

    from tests.products.factories import bulk_products

    products = bulk_products(count, prompt)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE products_product p SET search_vector = to_tsvector('simple', i.prompt) "
                "FROM dalle_generatedimage i WHERE i.id = p.image_id AND p.id = ANY(%s)",
                [[product.pk for product in products]],
            )
    return [product.image for product in products]
