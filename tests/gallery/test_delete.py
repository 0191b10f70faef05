"""Deleting one's own image: gone with its files, or hidden when orders still need it."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client, TestCase
from django.urls import reverse

from dalle.models import GeneratedImage
from gallery.models import Like
from lib.storages import private_storage
from products.models import Product
from purchases import services as order_services
from tests.dalle.factories import ImageFactory, QueuedImageFactory
from tests.gallery.factories import LikeFactory
from tests.products.factories import FormatFactory, ProductFactory

pytestmark = pytest.mark.django_db


def delete_url(image) -> str:
    return reverse("image_delete", args=[image.public_id])


def test_delete_asks_first_then_deletes_with_files_and_likes(user_client, user):
    """A confirmation page, then the image, its files, its product and its likes are gone."""
    product = ProductFactory(image__owner=user, image__prompt="Goodbye")
    image = product.image
    LikeFactory(image=image)
    remix = ImageFactory(remix_of=image)
    files = [(private_storage(), image.image.name), (default_storage, image.thumbnail.name)]
    page = user_client.get(delete_url(image)).content.decode()
    assert "Delete this image?" in page and "Goodbye" in page
    assert GeneratedImage.objects.filter(pk=image.pk).exists()

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = user_client.post(delete_url(image))
    assert response.url == reverse("image_list")
    assert not GeneratedImage.objects.filter(pk=image.pk).exists()
    assert not Product.objects.filter(pk=product.pk).exists()
    assert not Like.objects.exists()
    assert all(not storage.exists(name) for storage, name in files)
    remix.refresh_from_db()
    assert remix.remix_of is None
    assert "The image is deleted." in user_client.get(reverse("image_list")).content.decode()


def test_an_ordered_image_is_hidden_instead_and_the_order_keeps_its_file(
    user_client, user, other_user
):
    """Someone ordered it: deleting hides it everywhere, the buyer still downloads it."""
    product = ProductFactory(image__owner=user, image__prompt="Ordered once")
    image = product.image
    line = order_services.LineRequest(product=product, format=FormatFactory())
    order_services.order_create(customer=other_user, lines=[line], address=None)
    response = user_client.post(delete_url(image))
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.removed_at is not None and not image.is_public
    assert private_storage().exists(image.image.name)
    assert "Ordered once" not in user_client.get(reverse("image_list")).content.decode()
    assert user_client.get(image.get_absolute_url()).status_code == 404
    assert user_client.get(delete_url(image)).status_code == 404
    visitor = Client()
    for url in (reverse("explore"), reverse("shop"), reverse("home")):
        assert "Ordered once" not in visitor.get(url).content.decode()
    assert visitor.get(product.get_absolute_url()).status_code == 404
    assert user_client.get(product.get_absolute_url()).status_code == 404


def test_only_the_owner_deletes_and_not_while_painting(user_client, user, other_user):
    """Another person's image is a 404; an image still being painted is kept with a reason."""
    theirs = ImageFactory(owner=other_user, visibility=GeneratedImage.Visibility.PUBLIC)
    assert user_client.post(delete_url(theirs)).status_code == 404
    queued = QueuedImageFactory(owner=user)
    response = user_client.post(delete_url(queued), follow=True)
    assert "still being painted" in response.content.decode()
    assert GeneratedImage.objects.filter(pk=queued.pk).exists()
