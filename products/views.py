from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from dalle import selectors as dalle_selectors
from dalle.services import TransitionNotAllowed
from lib.caching import viewer_key
from lib.pagination import page_of
from products import selectors, services
from products.cache import shop_html
from products.models import ShopSettings

PAGE_SIZE = 24


def shop(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]

    def grid_html() -> str:
        page = page_of(selectors.shop_products(query=query), request.GET.get("page"), PAGE_SIZE)
        query_string = urlencode({"q": query}) if query else ""
        context = {"page": page, "query": query, "query_string": query_string}
        return render_to_string("products/shop.html#grid", context)

    def page_html() -> str:
        # Safe: the fragment was rendered by our own template with autoescaping on.
        grid = mark_safe(shop_html("grid", request.GET.urlencode(), grid_html))
        return render_to_string(
            "products/shop.html", {"grid": grid, "query": query}, request=request
        )

    # The grid is the same for everyone; whole pages are cached per viewer (lib.caching).
    if len(get_messages(request)):
        return HttpResponse(page_html())
    return HttpResponse(
        shop_html("page", f"{viewer_key(request)}|{request.GET.urlencode()}", page_html)
    )


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def page_html() -> str:
        product = selectors.product_visible_to(user=request.user, slug=slug)
        context = {
            "product": product,
            "image": product.image,
            "choices": services.format_choices(image=product.image),
            "shipping": ShopSettings.load().shipping_flat_rate,
        }
        return render_to_string("products/detail.html", context, request=request)

    if len(get_messages(request)):
        return HttpResponse(page_html())
    return HttpResponse(shop_html("product", f"{viewer_key(request)}|{slug}", page_html))


@require_POST
@login_required
def image_order(request: HttpRequest, public_id) -> HttpResponse:
    """'Order this' on one's own image: make its product if needed, then the order form."""
    image = dalle_selectors.image_visible_to(user=request.user, public_id=public_id)
    if image.status != image.Status.SUCCEEDED:
        messages.error(request, "This image is not ready to order yet.")
        return redirect(image)
    product = services.product_for_image(image=image)
    return redirect("order_create", slug=product.slug)


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
