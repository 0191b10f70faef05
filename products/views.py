from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from dalle import selectors as dalle_selectors
from dalle.services import TransitionNotAllowed
from lib.caching import cache_per_viewer
from lib.pagination import page_of
from products import selectors, services
from products.cache import SCOPE, shop_cache_seconds
from products.models import ShopSettings

PAGE_SIZE = 24


@cache_per_viewer(scope=SCOPE, seconds=shop_cache_seconds)
def shop(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    number = request.GET.get("page", "")
    products = selectors.shop_products(query=query)
    context = {
        # Read only when the grid is not in its fragment cache (templates/products/shop.html).
        "page": SimpleLazyObject(partial(page_of, products, number, PAGE_SIZE)),
        "page_number": number,
        "query": query,
        "query_string": urlencode({"q": query}) if query else "",
    }
    return render(request, "products/shop.html", context)


@cache_per_viewer(scope=SCOPE, seconds=shop_cache_seconds)
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.product_visible_to(user=request.user, slug=slug)
    context = {
        "product": product,
        "image": product.image,
        "choices": services.format_choices(image=product.image),
        "shipping": ShopSettings.load().shipping_flat_rate,
    }
    return render(request, "products/detail.html", context)


@require_POST
@login_required
def image_order(request: HttpRequest, public_id) -> HttpResponse:
    """'Order this' on one's own image: make its product if needed, then the order form."""
    image = dalle_selectors.image_visible_to(user=request.user, public_id=public_id)
    if image.status != image.Status.SUCCEEDED:
        messages.error(request, "This image is not ready to order yet.")
        return redirect(image)
    product = services.product_for_image(image=image)
    return redirect("cart_add", slug=product.slug)


@require_POST
@login_required
def image_publish(request: HttpRequest, public_id) -> HttpResponse:
    image = dalle_selectors.image_owned_by(user=request.user, public_id=public_id)
    public = request.POST.get("visibility") == "public"
    try:
        services.image_publish(image=image, public=public)
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
        return redirect(image)
    if public:
        messages.success(request, "Your image is public: anyone can see and order it in the shop.")
    else:
        messages.success(request, "Your image is private again: only you can see it.")
    return redirect(image)
