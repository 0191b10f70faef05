import pytest

from dalle.models import GeneratedImage
from tests.products.factories import FormatFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_anyone_lists_and_searches_public_products(client):
    """Products are public: listed newest first, searchable, private ones absent."""
    ProductFactory(image__prompt="Lighthouse at dawn")
    ProductFactory(image__prompt="A cat asleep")
    hidden = ProductFactory(
        image__prompt="secret", image__visibility=GeneratedImage.Visibility.PRIVATE
    )
    body = client.get("/api/v1/products/").json()
    assert body["count"] == 2
    assert [
        p["name"] for p in client.get("/api/v1/products/", {"q": "lighthouse"}).json()["results"]
    ] == ["Lighthouse at dawn"]
    assert client.get(f"/api/v1/products/{hidden.slug}/").status_code == 404


def test_owner_reads_own_private_product(client, user):
    """The owner of a private image can still read its product."""
    product = ProductFactory(image__owner=user, image__visibility=GeneratedImage.Visibility.PRIVATE)
    client.force_login(user)
    assert client.get(f"/api/v1/products/{product.slug}/").json()["slug"] == product.slug


def test_formats_with_prices(client):
    """Formats list their price as a decimal string with the currency."""
    FormatFactory()
    FormatFactory(name="Old", active=False)
    results = client.get("/api/v1/formats/").json()["results"]
    assert results == [
        {
            "id": results[0]["id"],
            "name": "Digital download",
            "kind": "digital",
            "medium": "",
            "price": "5.00",
            "currency": "usd",
            "width_cm": None,
            "height_cm": None,
            "min_dpi": 150,
        }
    ]
