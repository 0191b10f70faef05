"""What every page's <head> carries (issue #20): a meta description made from the page, and
htmx only on the pages whose parts it updates."""

import re

import pytest
from django.urls import reverse

from dalle.models import GeneratedImage
from tests.dalle.factories import ImageFactory, QueuedImageFactory
from tests.products.factories import ProductFactory

pytestmark = pytest.mark.django_db


def head_of(client, url: str) -> tuple[str, bool]:
    html = client.get(url).content.decode()
    (description,) = re.findall(r'<meta name="description" content="([^"]*)">', html)
    return description, "js/htmx.min.js" in html


def test_public_pages_describe_themselves(client):
    """The product and image pages quote their prompt; the shop says what it sells."""
    product = ProductFactory(image__prompt="A lighthouse in a storm, oil painting")
    image = ImageFactory(visibility=GeneratedImage.Visibility.PUBLIC, prompt="Foxes at dusk")
    pages = {
        reverse("home"): "AI Gallery paints artwork",
        reverse("shop"): "Shop artwork painted by AI Gallery",
        reverse("shop") + "?q=lighthouse": "matching “lighthouse”",
        product.get_absolute_url(): "“A lighthouse in a storm, oil painting” — AI-painted artwork",
        image.get_absolute_url(): "“Foxes at dusk” — artwork painted by AI Gallery",
        reverse("contact"): "Questions about prices",
    }
    for url, words in pages.items():
        description, _ = head_of(client, url)
        assert words in description, url


def test_htmx_loads_only_where_a_page_uses_it(client, user):
    """Shop, product and a finished private image: no htmx, nor the home page for visitors.
    A painting in progress, the chat, Explore (its "More"), and for signed-in people the pages
    with like buttons (home, a public image): htmx."""
    product = ProductFactory()
    done = ImageFactory(owner=user)
    painting = QueuedImageFactory(owner=user)
    assert not head_of(client, reverse("home"))[1]
    client.force_login(user)
    without = [reverse("shop"), product.get_absolute_url(), done.get_absolute_url()]
    assert not any(head_of(client, url)[1] for url in without)
    with_htmx = [
        painting.get_absolute_url(),
        reverse("contact"),
        reverse("explore"),
        reverse("home"),
        product.image.get_absolute_url(),
    ]
    assert all(head_of(client, url)[1] for url in with_htmx)
