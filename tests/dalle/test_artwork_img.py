"""`{% artwork_img %}` on every page that shows an artwork: AVIF and WebP `srcset`s with
`sizes`, lazy below the fold, `fetchpriority="high"` on a page's main image."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from dalle.models import GeneratedImage
from tests.dalle.factories import ImageFactory
from tests.products.factories import FormatFactory, ProductFactory
from tests.purchases.factories import make_order

pytestmark = pytest.mark.django_db
PUBLIC = GeneratedImage.Visibility.PUBLIC


class Pictures(HTMLParser):
    """Each artwork <img> of a page, with the <source>s of its <picture>."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.images: list[dict] = []
        self._sources: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag == "source":
            self._sources.append(attrs)
        elif tag == "img" and "favicon" not in attrs.get("src", ""):
            self.images.append({**attrs, "sources": self._sources})
            self._sources = []


def candidates(srcset: str) -> dict[int, str]:
    """{width: url} of a srcset."""
    pairs = (item.strip().rsplit(" ", 1) for item in srcset.split(","))
    return {int(width.rstrip("w")): url for url, width in pairs}


def artworks(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    return Pictures(response.content.decode()).images


def assert_sized(img: dict, image: GeneratedImage) -> None:
    """AVIF first, WebP in the <img>: 320 and 640 px each, with the same `sizes`."""
    (avif,) = img["sources"]
    assert avif["type"] == "image/avif"
    urls = {(s.width, s.format): s.url for s in image.sized_sources()}
    assert candidates(avif["srcset"]) == {320: urls[320, "avif"], 640: urls[640, "avif"]}
    assert candidates(img["srcset"]) == {320: urls[320, "webp"], 640: urls[640, "webp"]}
    assert avif["sizes"] == img["sizes"]


def test_shop_cards_have_srcsets_and_load_lazily_below_the_fold(client):
    """Each card a 320/640 AVIF and WebP picture; the first 8 eager, the rest lazy."""
    products = [ProductFactory(image__sized=True) for _ in range(12)]
    images = artworks(client, reverse("shop"))
    assert len(images) == 12
    newest_first = [p.image for p in reversed(products)]
    for n, (img, image) in enumerate(zip(images, newest_first, strict=True), start=1):
        assert_sized(img, image)
        assert img["sizes"].endswith(", 13.1rem")
        assert img["loading"] == ("eager" if n <= 8 else "lazy")
        assert "fetchpriority" not in img
        assert img["alt"] == "", "the caption below says it already"


def test_the_product_page_draws_the_640_px_size_first(client):
    """The artwork on its own page: 640 px (its drawn width), fetched with high priority."""
    product = ProductFactory(image__sized=True, image__prompt="A whale in a night sky")
    (img,) = artworks(client, product.get_absolute_url())
    assert_sized(img, product.image)
    assert img["fetchpriority"] == "high" and "loading" not in img
    assert (img["width"], img["height"]) == ("640", "640")
    assert img["src"] == candidates(img["srcset"])[640]
    assert img["alt"] == "A whale in a night sky"


def test_the_image_page_shows_its_owner_the_sized_preview_not_the_original(client, user):
    """The owner of a private image sees it through the checked sizes, linked to the original."""
    image = ImageFactory(owner=user, sized=True)
    client.force_login(user)
    (img,) = artworks(client, image.get_absolute_url())
    assert_sized(img, image)
    assert img["fetchpriority"] == "high"
    assert image.original_src not in img["src"]
    assert all(
        f"/images/{image.public_id}/preview/" in url for url in candidates(img["srcset"]).values()
    )


def test_others_see_a_public_image_from_its_public_copies(client, other_user):
    image = ImageFactory(visibility=PUBLIC, sized=True)
    client.force_login(other_user)
    (img,) = artworks(client, image.get_absolute_url())
    assert_sized(img, image)
    assert all(url.startswith("/media/thumbs/") for url in candidates(img["srcset"]).values())


def test_my_images_tiles_have_srcsets(client, user):
    images = [ImageFactory(owner=user, sized=True) for _ in range(3)]
    client.force_login(user)
    tiles = artworks(client, reverse("image_list"))
    for img, image in zip(tiles, reversed(images), strict=True):
        assert_sized(img, image)


def test_order_tables_ask_for_48_px_and_so_get_the_320_px_size(client, user, manager):
    """A 48 px cell says `sizes="48px"`: the smallest size (320) covers it on any screen."""
    product = ProductFactory(image__sized=True)
    order = make_order(
        customer=user, product=product, format=FormatFactory(), quantity=1, address=None
    )
    for who, url in ((user, reverse("order_list")), (manager, reverse("manager_orders"))):
        client.force_login(who)
        (img,) = artworks(client, url)
        assert_sized(img, product.image)
        assert img["sizes"] == "48px"
        assert (img["width"], img["height"], img["loading"]) == ("48", "48", "lazy")
        assert min(candidates(img["srcset"])) == 320
        assert img["src"] == candidates(img["srcset"])[320]
    client.force_login(user)
    (img,) = artworks(client, order.get_absolute_url())  # the items table's cell
    assert_sized(img, product.image)
    assert img["sizes"] == "48px"


def test_an_image_without_sizes_yet_keeps_its_single_thumbnail(client):
    """Before the backfill has run, a card still shows its one 512 px thumbnail."""
    product = ProductFactory()
    (img,) = artworks(client, reverse("shop"))
    assert img["src"] == product.image.thumbnail.url
    assert "srcset" not in img and img["sources"] == []
