import re

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from dalle.models import GeneratedImage
from products.models import Product

WORDS = re.compile(r"\w+", re.UNICODE)
MAX_SEARCH_WORDS = 8


def prompt_words_match(query: str, *, product: str = "", prompt: str = "image__prompt") -> Q | None:
    """A filter for rows whose prompt has every word of `query` (None: no words to match).

    `product` and `prompt` are the paths from the rows filtered to the product ("" when they
    are products) and to the prompt, so that the gallery's images and likes search alike.
    """
    words = WORDS.findall(query.lower())[:MAX_SEARCH_WORDS]
    if not words:
        return None
    if connection.vendor == "postgresql":
        # Every word as a prefix ("바다" finds "바다의", "light" finds "lighthouse"), on the GIN
        # index. Words are \w+ only, so the raw tsquery cannot be malformed.
        raw = " & ".join(f"{word}:*" for word in words)
        search = SearchQuery(raw, search_type="raw", config="simple")
        return Q(**{f"{product}search_vector": search})
    match = Q()
    for word in words:
        match &= Q(**{f"{prompt}__icontains": word})
    return match


def shop_products(*, query: str = "") -> QuerySet[Product]:
    """Listed products, newest first (a partial index), optionally matching prompt words."""
    products = (
        Product.objects.filter(is_listed=True)
        .select_related("image")
        .order_by("-created_at", "-id")
    )
    match = prompt_words_match(query)
    return products if match is None else products.filter(match)


def product_visible_to(*, user, slug: str) -> Product:
    """Public products for everyone; a product of a private image for its owner only (not
    once they deleted the image: it stays only for the orders that need it)."""
    visible = Q(is_listed=True)
    if user.is_authenticated:
        visible |= Q(
            image__owner=user,
            image__status=GeneratedImage.Status.SUCCEEDED,
            image__removed_at=None,
        )
    product = Product.objects.filter(visible, slug=slug).select_related("image").first()
    if product is None:
        raise Http404("No such product")
    return product
