"""One publish service for owners and managers: the image's visibility and the shop listing."""

import pytest
from django.urls import reverse

from dalle.models import GeneratedImage
from products.models import Product
from tests.dalle.factories import ImageFactory, QueuedImageFactory

pytestmark = pytest.mark.django_db
INLINES = {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}


def test_manager_publishing_in_the_admin_puts_the_image_in_the_shop(client, admin_client):
    """A manager makes a finished private image public: it becomes a product in the shop."""
    image = ImageFactory(prompt="Shared by a manager")
    change = reverse("admin:dalle_generatedimage_change", args=[image.pk])
    assert 'name="visibility"' in admin_client.get(change).content.decode()
    assert admin_client.post(change, {"visibility": "public", **INLINES}).status_code == 302
    assert Product.objects.get(image=image).is_listed
    assert "Shared by a manager" in client.get(reverse("shop")).content.decode()


def test_unfinished_image_cannot_be_made_public_in_the_admin(admin_client):
    """A queued job's visibility is read-only in the admin: only finished images are shared."""
    image = QueuedImageFactory()
    change = reverse("admin:dalle_generatedimage_change", args=[image.pk])
    assert 'name="visibility"' not in admin_client.get(change).content.decode()
    admin_client.post(change, {"visibility": "public", **INLINES})
    image.refresh_from_db()
    assert image.visibility == GeneratedImage.Visibility.PRIVATE
    assert not Product.objects.filter(image=image).exists()


def test_owner_taking_an_ordered_image_back_unlists_it_and_republishing_lists_it(user_client, user):
    """Private again, the product stays (orders point at it) but leaves the shop; public, it returns."""
    image = ImageFactory(owner=user, visibility=GeneratedImage.Visibility.PUBLIC)
    publish = reverse("image_publish", args=[image.public_id])
    user_client.post(publish, {"visibility": "public"})
    product = Product.objects.get(image=image)
    assert product.is_listed
    user_client.post(publish, {"visibility": "private"})
    product.refresh_from_db()
    assert not product.is_listed
    user_client.post(publish, {"visibility": "public"})
    product.refresh_from_db()
    assert product.is_listed
