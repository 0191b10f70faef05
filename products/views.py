from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from dalle import selectors as dalle_selectors
from dalle.services import TransitionNotAllowed
from lib.caching import cache_per_viewer, public_for_visitors
from lib.pagination import page_of
from products import previews, selectors, services
from products.cache import SCOPE, shop_cache_seconds
from products.forms import PreviewForm, PrintChoiceForm
from products.models import ShopSettings

PAGE_SIZE = 24
# A public image's preview may be kept by browsers and shared caches for an hour: the URL names
# the format, not its size, so a manager's edit of a size shows within the hour.
PUBLIC_PREVIEW_MAX_AGE = 3600


@public_for_visitors
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


@public_for_visitors
@cache_per_viewer(scope=SCOPE, seconds=shop_cache_seconds)
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.product_visible_to(user=request.user, slug=slug)
    choices = services.format_choices(image=product.image)
    form = PrintChoiceForm(request.GET)  # the print and crop to preview, when asked
    wanted = form.cleaned_data if form.is_valid() else {}
    context = {
        "product": product,
        "image": product.image,
        "choices": choices,
        "shipping": ShopSettings.load().shipping_flat_rate,
        "preview": previews.page_preview(product=product, choices=choices, wanted=wanted),
    }
    return render(request, "products/detail.html", context)


@require_safe
def product_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The print, or the print on a wall, as a WebP: for whoever may see the product page."""
    product = selectors.product_visible_to(user=request.user, slug=slug)
    form = PreviewForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.error_text(), content_type="text/plain; charset=utf-8")
    try:
        content = previews.preview_render(
            image=product.image,
            fmt=form.cleaned_data["format"],
            fit=form.cleaned_data["fit"],
            position=form.cleaned_data["position"],
            scene=form.cleaned_data["scene"],
        )
    except previews.PreviewUnavailable as error:
        raise Http404("No picture to preview") from error
    response = HttpResponse(content, content_type=previews.CONTENT_TYPE)
    if product.image.is_public:
        response["Cache-Control"] = f"public, max-age={PUBLIC_PREVIEW_MAX_AGE}"
    else:
        response["Cache-Control"] = "private, max-age=300"  # the owner's browser only
    return response


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
