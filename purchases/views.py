import logging
import uuid

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.services import shipping_address_get
from lib.caching import cache_per_viewer
from lib.private_files import private_file_response
from lib.receipts import receipt_pdf
from printlab.gateways import lab_enabled
from products import previews
from products import selectors as product_selectors
from products.forms import PrintChoiceForm
from products.models import ShopSettings
from products.services import format_choices
from purchases import carts, exports, fulfilment, receipts, selectors, services
from purchases.cache import all_orders_state, customer_orders_state, orders_cache_seconds
from purchases.forms import (
    CartAddForm,
    CartQuantityForm,
    OrderAddressForm,
    OrderFilterForm,
    RefundForm,
    ShipByHandForm,
)
from purchases.models import CartItem, LabStage, Order

logger = logging.getLogger(__name__)
PAGE_SIZE = 24
PAYMENT_DOWN = (
    "We could not reach the payment provider. Your order is saved: please try again in a minute."
)
PAYMENT_DOWN_CANCEL = (
    "We could not reach the payment provider, so nothing was canceled or refunded yet. "
    "Please try again in a minute."
)


def cart_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose a format, copies and the crop for an artwork, and put it in the cart."""
    product = product_selectors.product_visible_to(user=request.user, slug=slug)
    choices = format_choices(image=product.image)
    form = CartAddForm(request.POST or None, choices=choices, initial=_add_initial(request))
    wanted = PrintChoiceForm(request.POST or request.GET)  # the print and crop to preview
    context = {
        "product": product,
        "form": form,
        "choices": choices,
        "shipping": ShopSettings.load().shipping_flat_rate,
        "preview": previews.page_preview(
            product=product,
            choices=choices,
            wanted=wanted.cleaned_data if wanted.is_valid() else {},
        ),
    }
    if request.method != "POST":
        return render(request, "purchases/order_form.html", context)
    if not form.is_valid():
        return render(request, "purchases/order_form.html", context, status=400)
    data = form.cleaned_data
    try:
        item = carts.cart_add(
            user=request.user,
            session=request.session,
            product=product,
            format=data["format"],
            quantity=data["quantity"],
            fit=data["fit"],
            position=data["position"],
        )
    except carts.CartError as error:
        form.add_error(None, str(error))
        return render(request, "purchases/order_form.html", context, status=400)
    _count_changed(request, item.cart)
    messages.success(request, f"Added to your cart: {item}.")
    return redirect("cart")


def _add_initial(request: HttpRequest) -> dict:
    """A format chosen on the product page (?format=) arrives preselected."""
    initial = {}
    for name in ("format", "fit", "position"):
        if value := request.GET.get(name, "")[:20]:
            initial[name] = value
    return initial


def _count_changed(request: HttpRequest, cart) -> None:
    request.cart_count = carts.cart_count(cart=cart)


def cart_detail(request: HttpRequest) -> HttpResponse:
    cart = carts.cart_find(user=request.user, session=request.session)
    return _cart_page(request, cart)


def _cart_page(request: HttpRequest, cart, *, address_form=None, status: int = 200):
    profile = shipping_address_get(user=request.user) if request.user.is_authenticated else None
    country = profile.country if profile else ""
    # The lab's quote for the profile's country (kept an hour); the flat rate when it fails.
    review = carts.cart_review(cart=cart, user=request.user, country=country, ask_lab=True)
    if address_form is None and review.has_prints:
        address_form = OrderAddressForm(instance=profile, prefix="ship")
    context = {"review": review, "address_form": address_form, "lab_on": lab_enabled()}
    template = "purchases/cart.html#cart" if request.htmx else "purchases/cart.html"
    return render(request, template, context, status=status)


@require_POST
def cart_item_update(request: HttpRequest, item_id: int) -> HttpResponse:
    """A new number of copies (0 removes the item); the cart re-renders in place with htmx."""
    form = CartQuantityForm(request.POST)
    cart = carts.cart_find(user=request.user, session=request.session)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["quantity"]))
        return _cart_back(request, cart, status=400)
    try:
        carts.cart_item_set_quantity(
            user=request.user,
            session=request.session,
            item_id=item_id,
            quantity=form.cleaned_data["quantity"],
        )
    except CartItem.DoesNotExist:
        raise Http404("No such item in your cart.") from None
    except carts.CartError as error:
        messages.error(request, str(error))
        return _cart_back(request, cart, status=400)
    _count_changed(request, cart)
    return _cart_back(request, cart)


@require_POST
def cart_item_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    cart = carts.cart_find(user=request.user, session=request.session)
    try:
        carts.cart_item_remove(user=request.user, session=request.session, item_id=item_id)
    except CartItem.DoesNotExist:
        raise Http404("No such item in your cart.") from None
    _count_changed(request, cart)
    return _cart_back(request, cart)


def _cart_back(request: HttpRequest, cart, *, status: int = 200) -> HttpResponse:
    """htmx gets the cart fragment; a plain form post goes back to the cart page."""
    if request.htmx:
        return _cart_page(request, cart, status=status)
    return redirect("cart")


@require_POST
@login_required
def cart_checkout(request: HttpRequest) -> HttpResponse:
    """One order and one payment for the whole cart."""
    cart = carts.cart_find(user=request.user, session=request.session)
    if cart is None:
        messages.error(request, "Your cart is empty.")
        return redirect("cart")
    review = carts.cart_review(cart=cart, user=request.user)
    address = address_form = None
    if review.has_prints:
        address_form = OrderAddressForm(request.POST, prefix="ship")
        if not address_form.is_valid():
            return _cart_page(request, cart, address_form=address_form, status=400)
        address = {name: str(value) for name, value in address_form.cleaned_data.items()}
    try:
        placed = services.checkout_start(
            customer=request.user,
            cart=cart,
            address=address,
            base_url=request.build_absolute_uri("/"),
        )
    except services.PricesChanged as error:
        messages.warning(request, str(error))
        # The cart again at the new prices, with the address as typed: one more press pays.
        return _cart_page(request, cart, address_form=address_form, status=409)
    except services.OrderError as error:
        if error.order is None:
            messages.error(request, str(error))
            return redirect("cart")
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
    # A paid cart is emptied by the fulfilment: the header's count follows.
    _count_changed(request, carts.cart_find(user=request.user, session=request.session))
    return render(request, "purchases/success.html", _order_context(order))


@login_required
def order_canceled(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get(user=request.user, public_id=public_id)
    return render(request, "purchases/canceled.html", {"order": order, **_cancel_context(order)})


@require_POST
@login_required
def order_cancel(request: HttpRequest, public_id) -> HttpResponse:
    """An unpaid order is closed; a paid print not yet in production is refunded in full."""
    order = selectors.order_get(user=request.user, public_id=public_id)
    try:
        if order.can_pay:
            services.order_cancel(order=order, actor=request.user)
            messages.success(request, f"Order {order.short_id} is canceled. Nothing was charged.")
        else:
            refund = services.order_cancel_paid(order=order, actor=request.user)
            messages.success(
                request,
                f"Order {order.short_id} is canceled and {refund.amount_display} is refunded "
                "to your payment method. An e-mail confirms it.",
            )
    except services.PaymentProviderError:
        messages.error(request, PAYMENT_DOWN_CANCEL)
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
    return render(request, "purchases/order_detail.html", _order_context(order))


def _order_context(order) -> dict:
    context = {
        "order": order,
        "items": selectors.order_items_list(order=order),
        "refunds": selectors.order_refunds_list(order=order),
        "shipments": selectors.order_shipments_list(order=order),
        "events": selectors.order_events_list(order=order),
        "lab_on": lab_enabled(),
        **_cancel_context(order),
    }
    if order.can_cancel_paid:
        context["address_form"] = OrderAddressForm(initial=order.shipping_address, prefix="ship")
    return context


def _cancel_context(order) -> dict:
    # What a self-service cancel gives back: what is left after any partial refund.
    return {"cancel_refund_display": order.money(order.refundable_amount)}


@login_required
def order_item_download(request: HttpRequest, public_id, item_id: int) -> HttpResponse:
    order = selectors.order_get(user=request.user, public_id=public_id)
    try:
        original, filename = services.order_item_download(order=order, item_id=item_id)
    except services.OrderError as error:
        messages.error(request, str(error))
        return redirect(order)
    return private_file_response(original, filename=filename, attachment=True)


@login_required
def order_receipt(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get(user=request.user, public_id=public_id)
    if not order.paid_at:
        messages.info(request, "The receipt is ready once the order is paid.")
        return redirect(order)
    context = {
        "receipt": receipts.receipt_for(order=order),
        "order_url": order.get_absolute_url(),
        "pdf_url": reverse("order_receipt_pdf", args=[order.public_id]),
    }
    return render(request, "purchases/receipt.html", context)


@login_required
def order_receipt_pdf(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get(user=request.user, public_id=public_id)
    if not order.paid_at:
        raise Http404("No receipt before payment")
    response = HttpResponse(
        receipt_pdf(receipts.receipt_for(order=order)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="receipt-{order.short_id}.pdf"'
    return response


@require_POST
@login_required
def order_address_change(request: HttpRequest, public_id) -> HttpResponse:
    """A paid print not yet in production gets a new address (the lab agrees first)."""
    order = selectors.order_get(user=request.user, public_id=public_id)
    form = OrderAddressForm(request.POST, prefix="ship")
    if not form.is_valid():
        context = {**_order_context(order), "address_form": form}
        return render(request, "purchases/order_detail.html", context, status=400)
    address = {name: str(value) for name, value in form.cleaned_data.items()}
    try:
        fulfilment.order_address_change(order=order, address=address, actor=request.user)
        messages.success(request, "The new address is saved; your print goes there.")
    except services.OrderError as error:
        messages.error(request, str(error))
    return redirect(order)


def lab_master(request: HttpRequest, token: str) -> HttpResponse:
    """The print lab downloads a print master here, with the signed link it was given."""
    item = fulfilment.master_for_token(token)
    if item is None:
        return HttpResponse("This download link is not valid or has expired.", status=403)
    return private_file_response(item.master, filename=f"master-{item.pk}.png")


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
    status, lab, date_from, date_to, query = (
        filters.status, filters.lab_stage, filters.date_from, filters.date_to, filters.query
    )  # fmt: skip
    orders = selectors.orders_all(filters=filters)
    filters = request.GET.copy()
    filters.pop("page", None)

    context = {
        "page": Paginator(orders, 50).get_page(request.GET.get("page")),
        "query_string": filters.urlencode(),
        "status": status,
        "lab": lab,
        "lab_stages": LabStage.choices,
        "date_from": date_from,
        "date_to": date_to,
        "query": query,
        "statuses": Order.Status.choices,
    }
    return render(request, "purchases/manager_orders.html", context)


@staff_member_required
def manager_order_detail(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get_any(public_id=public_id)
    context = {
        **_order_context(order),
        "refund_form": RefundForm(order=order),
        "ship_form": ShipByHandForm(),
    }
    return render(request, "purchases/manager_order.html", context)


@require_POST
@staff_member_required
def manager_order_refund(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get_any(public_id=public_id)
    form = RefundForm(request.POST, order=order)
    if form.is_valid():
        try:
            refund = services.order_refund(order=order, actor=request.user, **form.request())
        except services.OrderError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, refund.confirmation)
            return redirect("manager_order_detail", public_id=order.public_id)
    context = {**_order_context(order), "refund_form": form, "ship_form": ShipByHandForm()}
    return render(request, "purchases/manager_order.html", context, status=400)


@require_POST
@staff_member_required
def manager_order_resend(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get_any(public_id=public_id)
    subject = services.order_email_resend(order=order, actor=request.user)
    messages.success(request, f"Sent again to {order.email}: “{subject}”.")
    return redirect("manager_order_detail", public_id=order.public_id)


@require_POST
@staff_member_required
def manager_order_cancel(request: HttpRequest, public_id) -> HttpResponse:
    """A manager cancels: an unpaid order is closed; a paid one is canceled (at the lab too,
    when it has it) and refunded in full."""
    order = selectors.order_get_any(public_id=public_id)
    try:
        if order.can_pay:
            services.order_cancel(order=order, actor=request.user)
            messages.success(request, f"Order {order.short_id} is canceled. Nothing was charged.")
        else:
            refund = services.order_cancel_paid(order=order, actor=request.user, by_shop=True)
            messages.success(
                request, f"Order {order.short_id} is canceled and {refund.amount_display} refunded."
            )
    except services.OrderError as error:
        messages.error(request, str(error))
    return redirect("manager_order_detail", public_id=order.public_id)


@staff_member_required
def manager_item_master(request: HttpRequest, public_id, item_id: int) -> HttpResponse:
    """A print master, for managers checking what the lab prints."""
    order = selectors.order_get_any(public_id=public_id)
    item = order.items.filter(pk=item_id).exclude(master="").first()
    if item is None:
        raise Http404("No print file")
    return private_file_response(item.master, filename=f"master-{order.short_id}-{item.pk}.png")


@staff_member_required
def manager_packing_slips(request: HttpRequest) -> HttpResponse:
    """Printable packing slips: one order (?order=<id>) or a batch (?order=…&order=…)."""
    ids = []
    for value in request.GET.getlist("order")[:200]:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            return HttpResponseBadRequest("An order id in the address is not valid.")
    orders = selectors.orders_by_ids(public_ids=ids)
    if not orders:
        messages.warning(request, "Choose the orders to print slips for.")
        return redirect("manager_orders")
    return render(request, "purchases/packing_slips.html", {"orders": orders})


@staff_member_required
def manager_orders_csv(request: HttpRequest) -> HttpResponse:
    """The fulfilment CSV of the orders the filters select: one row per item."""
    filters = OrderFilterForm(request.GET).filters()
    return exports.fulfilment_csv(selectors.order_items_for_export(filters=filters))


@require_POST
@staff_member_required
def manager_order_lab_retry(request: HttpRequest, public_id) -> HttpResponse:
    order = selectors.order_get_any(public_id=public_id)
    try:
        services.lab_retry(order=order, actor=request.user)
        messages.success(request, f"Order {order.short_id} is sent to the lab again.")
    except services.OrderError as error:
        messages.error(request, str(error))
    return redirect("manager_order_detail", public_id=order.public_id)


@require_POST
@staff_member_required
def manager_order_ship(request: HttpRequest, public_id) -> HttpResponse:
    """Without a lab: a manager marks a print shipped with its carrier and tracking."""
    order = selectors.order_get_any(public_id=public_id)
    form = ShipByHandForm(request.POST)
    if not form.is_valid():
        context = {
            **_order_context(order),
            "refund_form": RefundForm(order=order),
            "ship_form": form,
        }
        return render(request, "purchases/manager_order.html", context, status=400)
    try:
        fulfilment.order_ship_by_hand(order=order, actor=request.user, **form.cleaned_data)
        messages.success(request, f"Order {order.short_id} is shipped; the customer is told.")
    except services.OrderError as error:
        messages.error(request, str(error))
    return redirect("manager_order_detail", public_id=order.public_id)


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
