import re

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from dalle.models import GeneratedImage
from products.models import Product

WORDS = re.compile(r"\w+", re.UNICODE)
MAX_SEARCH_WORDS = 8


def shop_products(*, query: str = "") -> QuerySet[Product]:
    """Listed products, newest first (a partial index), optionally matching prompt words."""
    products = (
        Product.objects.filter(is_listed=True)
        .select_related("image")
        .order_by("-created_at", "-id")
    )
    words = WORDS.findall(query.lower())[:MAX_SEARCH_WORDS]
    if not words:
        return products
    if connection.vendor == "postgresql":
        # Every word as a prefix ("바다" finds "바다의", "light" finds "lighthouse"), on the GIN
        # index. Words are \w+ only, so the raw tsquery cannot be malformed.
        raw = " & ".join(f"{word}:*" for word in words)
        return products.filter(search_vector=SearchQuery(raw, search_type="raw", config="simple"))
    for word in words:
        products = products.filter(image__prompt__icontains=word)
    return products


def product_visible_to(*, user, slug: str) -> Product:
    """Public products for everyone; a product of a private image for its owner only."""
    visible = Q(is_listed=True)
    if user.is_authenticated:
        visible |= Q(image__owner=user, image__status=GeneratedImage.Status.SUCCEEDED)
    product = Product.objects.filter(visible, slug=slug).select_related("image").first()
    if product is None:
        raise Http404("No such product")
    return product
