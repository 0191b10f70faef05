from django.db.models import Q, QuerySet
from django.http import Http404

from dalle.models import GeneratedImage
from products.models import Product

PUBLIC = Q(
    image__visibility=GeneratedImage.Visibility.PUBLIC,
    image__status=GeneratedImage.Status.SUCCEEDED,
)


def shop_products(*, query: str = "") -> QuerySet[Product]:
    """Products made from public images, newest first, optionally matching prompt words."""
    products = Product.objects.filter(PUBLIC).select_related("image").order_by("-created_at", "-id")
    for word in query.split()[:8]:
        products = products.filter(image__prompt__icontains=word)
    return products


def product_visible_to(*, user, slug: str) -> Product:
    """Public products for everyone; a product of a private image for its owner only."""
    visible = PUBLIC
    if user.is_authenticated:
        visible |= Q(image__owner=user, image__status=GeneratedImage.Status.SUCCEEDED)
    product = Product.objects.filter(visible, slug=slug).select_related("image").first()
    if product is None:
        raise Http404("No such product")
    return product
