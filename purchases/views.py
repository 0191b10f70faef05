import logging

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.services import shipping_address_get
from lib.caching import cache_per_viewer
from lib.private_files import private_file_response
from products import selectors as product_selectors
from products.models import ShopSettings
from products.services import format_choices
from purchases import selectors, services
from purchases.cache import all_orders_state, customer_orders_state, orders_cache_seconds
from purchases.forms import OrderAddressForm, OrderFilterForm, OrderForm
from purchases.models import Order

logger = logging.getLogger(__name__)
PAGE_SIZE = 24
PAYMENT_DOWN = (
    "We could not reach the payment provider. Your order is saved: please try again in a minute."
)


@login_required
def order_create(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_selectors.product_visible_to(user=request.user, slug=slug)
    choices = format_choices(image=product.image)
    profile_address = shipping_address_get(user=request.user)
    form = OrderForm(request.POST or None, choices=choices)
    address_form = OrderAddressForm(request.POST or None, instance=profile_address, prefix="ship")
    context = {
        "product": product,
        "form": form,
        "address_form": address_form,
        "choices": choices,
        "shipping": ShopSettings.load().shipping_flat_rate,
    }
    if request.method != "POST":
        return render(request, "purchases/order_form.html", context)
    if not form.is_valid():
        return render(request, "purchases/order_form.html", context, status=400)
    chosen = form.cleaned_data["format"]
    address = None
    if chosen.is_physical:
        if not address_form.is_valid():
            return render(request, "purchases/order_form.html", context, status=400)
        address = {name: str(value) for name, value in address_form.cleaned_data.items()}
    try:
        placed = services.order_place(
            customer=request.user,
            product=product,
            format=chosen,
            quantity=form.cleaned_data["quantity"],
            address=address,
            base_url=request.build_absolute_uri("/"),
        )
    except services.OrderError as error:
        if error.order is None:  # nothing was created
            form.add_error(None, str(error))
            return render(request, "purchases/order_form.html", context, status=400)
        return _checkout_refused(request, error)
    return redirect(placed.checkout_url)


def _checkout_refused(request: HttpRequest, error: services.OrderError) -> HttpResponse:
    """The order is saved but its checkout did not open: back to the order, saying why."""
    if isinstance(error, services.PaymentProviderError):
        messages.error(request, PAYMENT_DOWN)
    else:
        messages.warning(request, str(error))
    return redirect(error.order)


@require_POST
@login_required
def order_pay(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get(user=request.user, public_id=public_id)
    try:
        url = services.order_checkout_open(order=order, base_url=request.build_absolute_uri("/"))
    except services.OrderError as error:
        return _checkout_refused(request, error)
    return redirect(url)


@login_required
def order_success(request: HttpRequest, public_id) -> HttpResponse:
    """Stripe's return address. It checks with the gateway itself; the webhook may be late."""
    order = selectors.order_get(user=request.user, public_id=public_id)
    session_id = request.GET.get("session_id", "")
    if session_id and session_id == order.checkout_session_id:
        try:
            services.checkout_fulfill(session_id=session_id)
        except services.PaymentProviderError:
            logger.warning("Could not confirm checkout %s on the success page", session_id)
        order.refresh_from_db()
    return render(request, "purchases/success.html", {"order": order})


@login_required
def order_canceled(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get(user=request.user, public_id=public_id)
    return render(request, "purchases/canceled.html", {"order": order})


@require_POST
@login_required
def order_cancel(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get(user=request.user, public_id=public_id)
    try:
        services.order_cancel(order=order, actor=request.user)
        messages.success(request, f"Order {order.short_id} is canceled. Nothing was charged.")
    except services.OrderError as error:
        messages.error(request, str(error))
    return redirect(order)


@login_required
@cache_per_viewer(state=customer_orders_state, seconds=orders_cache_seconds)
def order_list(request: HttpRequest) -> HttpResponse:
    orders = selectors.orders_list(user=request.user)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "purchases/order_list.html", {"page": page})


@login_required
def order_detail(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get(user=request.user, public_id=public_id)
    events = selectors.order_events_list(order=order)
    return render(request, "purchases/order_detail.html", {"order": order, "events": events})


@login_required
def order_download(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get(user=request.user, public_id=public_id)
    try:
        original, filename = services.order_download(order=order)
    except services.OrderError as error:
        messages.error(request, str(error))
        return redirect(order)
    return private_file_response(original, filename=filename, attachment=True)


@csrf_exempt  # Stripe cannot send a CSRF token; the signature check stands in for it.
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        outcome = services.webhook_handle(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except services.WebhookInvalid as error:
        logger.warning("Rejected a webhook: %s", error)
        return HttpResponseBadRequest("Invalid signature")
    except Exception:
        logger.exception("Webhook processing failed; Stripe will retry")
        return HttpResponse("Processing failed", status=500)
    return HttpResponse(outcome)


@staff_member_required
@cache_per_viewer(state=all_orders_state, seconds=orders_cache_seconds)
def manager_orders(request: HttpRequest) -> HttpResponse:
    filters = OrderFilterForm(request.GET).filters()
    status, date_from, date_to, query = (
        filters.status, filters.date_from, filters.date_to, filters.query
    )  # fmt: skip
    orders = selectors.orders_all(filters=filters)
    filters = request.GET.copy()
    filters.pop("page", None)

    context = {
        "page": Paginator(orders, 50).get_page(request.GET.get("page")),
        "query_string": filters.urlencode(),
        "status": status,
        "date_from": date_from,
        "date_to": date_to,
        "query": query,
        "statuses": Order.Status.choices,
    }
    return render(request, "purchases/manager_orders.html", context)


@require_POST
@staff_member_required
def manager_order_advance(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get_any(public_id=public_id)
    to = request.POST.get("to", "")
    if to not in Order.Status.values:
        return HttpResponseBadRequest("Unknown status")
    try:
        services.order_advance(order=order, to=to, actor=request.user)
        messages.success(
            request, f"Order {order.short_id} is now {Order.Status(to).label.lower()}."
        )
    except services.OrderError as error:
        messages.error(request, str(error))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("manager_orders")
