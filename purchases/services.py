"""Orders: placing, checkout, fulfilment, the state machine, refunds and webhooks.

One rule for the payment provider: it is never called while a row lock is held. A service
that calls it locks and reads, releases, calls with an idempotency key, then locks and saves.
Those services open their transactions with `durable=True`, so calling one inside another
transaction (which would keep its locks through the call) fails at once instead.
"""

import contextlib
import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from accounts.countries import COUNTRIES
from lib.mail import mail_enqueue, mail_render
from printlab.gateways import lab_enabled
from products.models import Format, Product
from products.money import currency
from purchases import fulfilment
from purchases.carts import (
    cart_clear_paid,
    cart_prices_acknowledge,
    cart_review,
    line_problem,
    shipping_price,
    unit_price,
)
from purchases.gateways import (
    CheckoutLine,
    CheckoutRequest,
    CheckoutSession,
    InvalidWebhook,
    PaymentError,
    RefundRequest,
    SessionStatus,
    WebhookEvent,
    gateway_get,
)
from purchases.models import (
    MAX_CART_ITEMS,
    MAX_QUANTITY,
    Cart,
    Fit,
    LabStage,
    Order,
    OrderEvent,
    OrderItem,
    Position,
    Refund,
    StripeEvent,
)
from purchases.tasks import order_lab_refresh, order_lab_submit
from purchases.transitions import OrderError, order_note, order_transition

logger = logging.getLogger(__name__)
Status = Order.Status

# Same-order double submissions within this window reuse the first order.
DUPLICATE_WINDOW = timedelta(minutes=10)


class PaymentProviderError(OrderError):
    """The payment provider refused or could not be reached; `permanent` is False when
    trying again later may work."""

    def __init__(self, message: str, *, permanent: bool, order: Order | None = None) -> None:
        super().__init__(message, order=order)
        self.permanent = permanent


class WebhookInvalid(Exception):
    """A webhook whose signature or body does not verify."""


def _provider_error(error: PaymentError, *, order: Order | None = None) -> PaymentProviderError:
    return PaymentProviderError(str(error), permanent=error.permanent, order=order)


def _order_lock(**lookup) -> Order | None:
    return Order.objects.select_for_update().filter(**lookup).first()


# Placing and paying.


@dataclass(frozen=True)
class LineRequest:
    """One line a shopper asks for: the server prices it."""

    product: Product
    format: Format
    quantity: int = 1
    fit: str = ""
    position: str = ""


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    checkout_url: str


def _lines_checked(*, customer, lines: list[LineRequest]) -> list[LineRequest]:
    if not lines:
        raise OrderError("Choose at least one artwork to order.")
    if len(lines) > MAX_CART_ITEMS:
        raise OrderError(f"An order holds at most {MAX_CART_ITEMS} different items.")
    checked = []
    for line in lines:
        fit, position = (line.fit or Fit.FILL, line.position or Position.CENTER)
        if not line.format.is_physical:
            fit, position = "", ""
        elif fit not in Fit.values or position not in Position.values:
            raise OrderError("Choose how the picture fills the print.")
        if problem := line_problem(
            product=line.product, format=line.format, user=customer, fit=fit
        ):
            raise OrderError(f"{line.product.name}: {problem}")
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise OrderError(f"Order between 1 and {MAX_QUANTITY} copies of one item.")
        checked.append(replace(line, fit=fit, position=position))
    return checked


def _order_create(
    *,
    customer,
    lines: list[LineRequest],
    address: dict | None,
    cart: Cart | None = None,
    note: str = "order placed",
) -> Order:
    """A pending order and its items, priced here; call inside a transaction."""
    has_prints = any(line.format.is_physical for line in lines)
    if has_prints and not address:
        raise OrderError("A print needs a shipping address.")
    subtotal = sum(unit_price(line.format) * line.quantity for line in lines)
    # The lab's quote was asked for before any lock was taken (_quote_warm): only read here.
    shipping = shipping_price(
        has_prints=has_prints,
        prints=_prints(lines),
        country=(address or {}).get("country", ""),
        ask_lab=False,
    )
    order = Order.objects.create(
        customer=customer,
        cart=cart,
        cart_version=cart.version if cart else 0,
        currency=currency(),
        subtotal_amount=subtotal,
        shipping_amount=shipping,
        total_amount=subtotal + shipping,
        shipping_address=address if has_prints else None,
        email=customer.email,
    )
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            product=line.product,
            format=line.format,
            quantity=line.quantity,
            fit=line.fit,
            position=line.position,
            unit_amount=unit_price(line.format),
            line_amount=unit_price(line.format) * line.quantity,
        )
        for line in lines
    )
    OrderEvent.objects.create(order=order, actor=customer, to_status=Status.PENDING, note=note)
    return order


def _prints(lines: list[LineRequest]) -> list[tuple]:
    return [(line.format, line.quantity) for line in lines if line.format.is_physical]


def _quote_warm(*, lines: list[LineRequest], address: dict | None) -> None:
    """Ask the lab for the shipping quote now, outside any transaction, so that the order,
    made under locks, finds it at hand."""
    prints = _prints(lines)
    shipping_price(
        has_prints=bool(prints), prints=prints, country=(address or {}).get("country", "")
    )


def _line_key(line) -> tuple:
    product = getattr(line, "product_id", None) or line.product.pk
    format_ = getattr(line, "format_id", None) or line.format.pk
    return (product, format_, line.quantity, line.fit, line.position)


@transaction.atomic
def order_create(*, customer, lines: list[LineRequest], address: dict | None) -> Order:
    """A pending order straight from lines (the API); the same request again reuses it."""
    lines = _lines_checked(customer=customer, lines=lines)
    wanted = sorted(_line_key(line) for line in lines)
    has_prints = any(line.format.is_physical for line in lines)
    recent = Order.objects.filter(
        customer=customer,
        cart=None,
        status=Status.PENDING,
        created_at__gte=timezone.now() - DUPLICATE_WINDOW,
    ).prefetch_related("items")
    for duplicate in recent:
        same_lines = sorted(_line_key(item) for item in duplicate.items.all()) == wanted
        if same_lines and duplicate.shipping_address == (address if has_prints else None):
            return duplicate
    return _order_create(customer=customer, lines=lines, address=address)


def order_place(
    *, customer, lines: list[LineRequest], address: dict | None, base_url: str
) -> PlacedOrder:
    """Create the order and open its checkout (the API's one-step order).

    An OrderError without `.order` means nothing was created; one with `.order` (a
    PaymentProviderError, say) means the order is saved but its checkout did not open.
    """
    _quote_warm(lines=lines, address=address)
    order = order_create(customer=customer, lines=lines, address=address)
    return PlacedOrder(
        order=order, checkout_url=order_checkout_open(order=order, base_url=base_url)
    )


class PricesChanged(OrderError):
    """Prices moved since the shopper saw them; they have now been shown the new ones."""


def checkout_start(*, customer, cart: Cart, address: dict | None, base_url: str) -> PlacedOrder:
    """One checkout for the whole cart: one order, one payment session, one shipping charge.

    Checking out the same unchanged cart again (a second tab, a double click) returns the same
    order and session. A cart changed since an earlier checkout gets a new order, and the older
    unpaid one is closed, so the two can never both be paid.
    """
    country = (address or {}).get("country", "")
    cart_review(cart=cart, user=customer, country=country, ask_lab=True)  # the quote, unlocked
    with transaction.atomic(durable=True):
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
        review = cart_review(cart=cart, user=customer)
        changes = review.price_changes
        if changes:
            cart_prices_acknowledge(cart=cart)
    if changes:
        raise PricesChanged(_prices_changed_message(changes))
    with transaction.atomic(durable=True):
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
        review = cart_review(cart=cart, user=customer)
        if not review.lines:
            raise OrderError("Your cart is empty.")
        if review.problems:
            raise OrderError(f"{review.problems[0]} Remove it from your cart to check out.")
        address = address if review.has_prints else None
        open_orders = list(cart.orders.filter(status__in=(Status.PENDING, Status.PAYMENT_FAILED)))
        order = next(
            (
                o
                for o in open_orders
                if o.cart_version == cart.version and o.shipping_address == address
            ),
            None,
        )
        if order is None:
            lines = [
                LineRequest(
                    product=line.item.product,
                    format=line.item.format,
                    quantity=line.item.quantity,
                    fit=line.item.fit,
                    position=line.item.position,
                )
                for line in review.lines
            ]
            order = _order_create(
                customer=customer, lines=lines, address=address, cart=cart, note="checked out"
            )
        superseded = [o for o in open_orders if o.pk != order.pk]
    for old in superseded:
        # Paid meanwhile (OrderError): it stays paid, and its fulfilment notes the changed cart.
        with contextlib.suppress(OrderError):
            _order_close(order=old, actor=customer, note="replaced by a newer checkout of the cart")
    return PlacedOrder(
        order=order, checkout_url=order_checkout_open(order=order, base_url=base_url)
    )


def _prices_changed_message(changes) -> str:
    parts = [
        f"{line.item.product.name} ({line.item.format.name}) is now {line.unit_display}, "
        f"was {line.price_was_display}"
        for line in changes
    ]
    return (
        "Prices changed since you added them: "
        + "; ".join(parts)
        + ". Check the new total, then check out again."
    )


def order_checkout_open(*, order: Order, base_url: str) -> str:
    """The URL to pay at: the open session again if there is one, else a new session."""
    gateway = gateway_get()
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        if not order.can_pay:
            raise OrderError("This order cannot be paid any more.", order=order)
    # The lock is released: the provider is called without it.
    try:
        if order.checkout_session_id:
            session = gateway.checkout_retrieve(order.checkout_session_id)
            if session.status == SessionStatus.OPEN:
                return session.url or order.checkout_url
            if session.status == SessionStatus.COMPLETE and order.status == Status.PENDING:
                raise OrderError("This order's payment is already being processed.", order=order)
        # Each attempt has its own idempotency key: a retried request gets the same session.
        attempt = order.checkout_attempt + 1
        session = gateway.checkout_create(
            _checkout_request(order, base_url),
            idempotency_key=f"checkout-{order.public_id}-{attempt}",
        )
    except PaymentError as error:
        raise _provider_error(error, order=order) from error
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        if order.checkout_attempt >= attempt:
            # A concurrent request saved this attempt (same key, so the same session) or a later one.
            return order.checkout_url
        order.checkout_session_id = session.id
        order.checkout_url = session.url
        order.checkout_attempt = attempt
        order.save(
            update_fields=["checkout_session_id", "checkout_url", "checkout_attempt", "updated_at"]
        )
    return session.url


def _checkout_request(order: Order, base_url: str) -> CheckoutRequest:
    root = base_url.rstrip("/")
    items = order.items.select_related("product", "format")
    return CheckoutRequest(
        order_ref=str(order.public_id),
        email=order.email,
        lines=tuple(
            CheckoutLine(
                name=item.product.name,
                description=" · ".join(filter(None, [item.format.name, item.crop_label])),
                quantity=item.quantity,
                unit_amount=item.unit_amount,
            )
            for item in items
        ),
        currency=order.currency,
        shipping_amount=order.shipping_amount if order.is_physical else None,
        allowed_countries=tuple(sorted(COUNTRIES)),
        success_url=root + reverse("order_success", args=[order.public_id]),
        cancel_url=root + reverse("order_canceled", args=[order.public_id]),
        expires_at=timezone.now() + timedelta(minutes=settings.CHECKOUT_EXPIRES_MINUTES),
    )


# Fulfilment: driven by the success page and the webhook (TEST MODE's page sends it events too).


def checkout_fulfill(*, session_id: str) -> Order | None:
    """Record a checkout's outcome as the gateway reports it; safe to call any number of times."""
    with transaction.atomic(durable=True):
        known = Order.objects.filter(checkout_session_id=session_id).exists()
    if not known:
        logger.warning("Checkout %s matches no order", session_id)
        return None
    try:
        session = gateway_get().checkout_retrieve(session_id)
    except PaymentError as error:
        raise _provider_error(error) from error
    with transaction.atomic(durable=True):
        order = _order_lock(checkout_session_id=session.id, public_id=session.order_ref)
        if order is None:
            logger.warning("Checkout %s matches no order", session_id)
            return None
        if session.is_paid:
            _mark_paid(order, session)
        elif session.status == SessionStatus.COMPLETE and order.payment_status != "processing":
            order.payment_status = "processing"
            order.save(update_fields=["payment_status", "updated_at"])
            OrderEvent.objects.create(
                order=order,
                from_status=order.status,
                to_status=order.status,
                note="payment processing",
            )
    return order


def _mark_paid(order: Order, session: CheckoutSession) -> None:
    if order.is_paid or order.status == Status.REFUNDED:
        return  # already recorded: a duplicate event or the success page racing the webhook
    fields = {
        "payment_status": "paid",
        "payment_intent_id": session.payment_intent,
        "payment_method": session.payment_method[:100],
        "paid_at": timezone.now(),
    }
    note = "payment received"
    if order.status != Status.PENDING:
        note = f"payment received after the order was {order.get_status_display().lower()}"
    if order.is_physical and session.shipping and session.shipping.get("address"):
        fields["shipping_address"] = {
            **order.shipping_address,
            **_address_from_stripe(session.shipping),
        }
        note += "; address confirmed at checkout"
    if order.is_physical:
        if lab_enabled():
            fields["lab_stage"] = LabStage.WAITING
            order_id = order.pk
            transaction.on_commit(lambda: order_lab_submit.enqueue(order_id=order_id, attempt=1))
        order_transition(order, Status.PAID, note=note, **fields)
    else:
        order_transition(order, Status.PAID, note=note, notify=False, **fields)
        order_transition(order, Status.DELIVERED, note="download ready")
    _paid_checks(order, session)


def _paid_checks(order: Order, session: CheckoutSession) -> None:
    """What managers must hear about a payment: a charge that differs from the order, a cart
    that changed while its checkout was open. The order keeps what was paid for."""
    if session.amount_total is not None and session.amount_total != order.total_amount:
        order_note(
            order,
            f"check the payment: the provider charged {order.money(session.amount_total)}, "
            f"the order totals {order.total_display}",
        )
    if order.cart_id and not cart_clear_paid(cart=order.cart, version=order.cart_version):
        order_note(
            order,
            "the cart changed during checkout: this order holds what was paid for, "
            "and the cart was left as it is",
        )


def _address_from_stripe(shipping: dict) -> dict:
    address = shipping.get("address") or {}
    return {
        "full_name": shipping.get("name") or "",
        "line1": address.get("line1") or "",
        "line2": address.get("line2") or "",
        "city": address.get("city") or "",
        "region": address.get("state") or "",
        "postal_code": address.get("postal_code") or "",
        "country": address.get("country") or "",
    }


@transaction.atomic
def order_payment_fail(*, session_id: str) -> None:
    order = _order_lock(checkout_session_id=session_id)
    if order and order.status == Status.PENDING:
        order_transition(
            order, Status.PAYMENT_FAILED, note="payment failed", payment_status="failed"
        )


@transaction.atomic
def order_expire(*, session_id: str) -> None:
    order = _order_lock(checkout_session_id=session_id)
    if order and order.status == Status.PENDING:
        order_transition(order, Status.EXPIRED, note="checkout expired unpaid")


def order_cancel(*, order: Order, actor) -> None:
    """The customer gives up an unpaid order; its checkout is closed so it cannot be paid."""
    _order_close(order=order, actor=actor, note="canceled by customer")


def _order_close(*, order: Order, actor, note: str) -> None:
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        if not order.can_pay:
            raise OrderError("Only an unpaid order can be canceled.", order=order)
    if order.checkout_session_id:
        gateway = gateway_get()
        try:
            gateway.checkout_expire(order.checkout_session_id)
            # A session already complete cannot expire: it may have been paid a moment ago,
            # before its webhook arrived. Then the order is paid, not canceled.
            session = gateway.checkout_retrieve(order.checkout_session_id)
        except PaymentError as error:
            raise _provider_error(error, order=order) from error
        if session.status == SessionStatus.COMPLETE:
            checkout_fulfill(session_id=session.id)
            raise OrderError(
                f"Order {order.short_id} was paid a moment ago, so it is not canceled. "
                "To cancel it now, use Cancel and refund on its page.",
                order=order,
            )
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        if not order.can_pay:
            raise OrderError("Only an unpaid order can be canceled.", order=order)
        order_transition(order, Status.CANCELED, actor=actor, note=note)


def order_cancel_paid(*, order: Order, actor, by_shop: bool = False) -> Refund:
    """The shopper cancels a paid print order before production: the lab cancels its copy
    first (when it has one and still allows it), then all of it is refunded.

    `by_shop`: a manager cancels, which a print made by hand allows in production too.
    """
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        by_hand = by_shop and not order.lab_order_id and order.status == Status.IN_PRODUCTION
        if not (order.can_cancel_paid or by_hand or (by_shop and order.status == Status.PAID)):
            raise OrderError(_why_not_cancelable(order), order=order)
        if not order.lab_order_id and order.lab_stage in (LabStage.WAITING, LabStage.PROBLEM):
            # Not sent yet: it never will be now (a submission in flight sees this and cancels).
            order.lab_stage = LabStage.CANCELED
            order.save(update_fields=["lab_stage", "updated_at"])
    if order.lab_order_id and order.lab_stage != LabStage.CANCELED:
        fulfilment.lab_cancel_first(order=order)
    return order_refund(
        order=order,
        actor=actor,
        key=f"cancel-{order.public_id}",
        reason="canceled by the shop" if by_shop else "canceled by the customer before production",
    )


def order_email_resend(*, order: Order, actor) -> str:
    """Send the customer the last e-mail about their order again; its subject, for the page."""
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        shipments = list(order.shipments.all())
        if order.status == Status.SHIPPED and shipments:
            name, context = "purchases/order_shipped", {
                "order": order, "parcels": shipments, "all_parcels": shipments,
            }  # fmt: skip
        else:
            name, context = "purchases/order_status", {"order": order}
        subject, _, _ = mail_render(name, context)
        mail_enqueue(name, to=[order.email], context=context)
        order_note(order, f"e-mail sent again: {subject}", actor=actor)
    return subject


def lab_retry(*, order: Order, actor) -> None:
    """A manager sends an order with a lab problem again, once its cause is fixed."""
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        if order.lab_stage != LabStage.PROBLEM or not order.is_paid:
            raise OrderError(f"Order {order.short_id} has no lab problem to retry.", order=order)
        order_note(order, "sent to the lab again", actor=actor)
        if order.lab_order_id:
            lab_order_id = order.lab_order_id
            transaction.on_commit(lambda: order_lab_refresh.enqueue(lab_order_id=lab_order_id))
            return
        order.lab_stage = LabStage.WAITING
        order.save(update_fields=["lab_stage", "updated_at"])
        order_id = order.pk
        transaction.on_commit(lambda: order_lab_submit.enqueue(order_id=order_id, attempt=1))


def _why_not_cancelable(order: Order) -> str:
    if order.status in (Status.IN_PRODUCTION, Status.SHIPPED, Status.DELIVERED):
        return (
            f"Order {order.short_id} is {order.get_status_display().lower()}: it can no longer "
            "be canceled. If something is wrong with it, ask us on the contact page."
        )
    if order.status == Status.REFUNDED:
        return f"Order {order.short_id} is already refunded."
    return f"Order {order.short_id} cannot be canceled now."


# Managers.


@transaction.atomic
def order_advance(*, order: Order, to: str, actor, note: str = "") -> Order:
    """Move a paid print order through production, shipping and delivery."""
    order = _order_lock(pk=order.pk)
    if not order.is_physical:
        raise OrderError("Downloads are delivered on payment; there is nothing to ship.")
    if order.next_step != to:
        raise OrderError(
            f"Order {order.short_id} is {order.get_status_display().lower()}: it cannot become {Status(to).label.lower()}."
        )
    order_transition(order, to, actor=actor, note=note or f"marked {Status(to).label.lower()}")
    return order


def order_refund(
    *,
    order: Order,
    actor,
    key: str,
    amount: int | None = None,
    item: OrderItem | None = None,
    reason: str = "",
) -> Refund:
    """Give back all that is left of a payment, one item's line, or an amount.

    `key` names the request: the same key again returns the first refund and refunds nothing
    more. The refund is reserved (a pending row) before the provider is called, so two requests
    can never together give back more than was paid.
    """
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        refund = Refund.objects.filter(key=key).first()
        if refund is not None and refund.order_id != order.pk:
            raise OrderError("That refund request belongs to another order.")
        if refund is not None and refund.status != Refund.Status.FAILED:
            refund.repeated = True  # the same request again: nothing more is refunded
            return refund
        if refund is not None:
            # A first try the provider refused: keep it on record, and try again under the key.
            refund.key = f"{key}-failed-{refund.pk}"[:100]
            refund.save(update_fields=["key"])
        refund = _refund_reserve(
            order=order, actor=actor, key=key, amount=amount, item=item, reason=reason
        )
    # The lock is released: the provider is called without it.
    try:
        made = gateway_get().refund_create(
            RefundRequest(
                payment_intent=order.payment_intent_id, amount=refund.amount, reference=key
            ),
            idempotency_key=f"refund-{key}",
        )
    except PaymentError as error:
        Refund.objects.filter(pk=refund.pk).update(
            status=Refund.Status.FAILED, failure=str(error)[:300]
        )
        raise _provider_error(error, order=order) from error
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        _refund_succeed(order=order, refund=refund, provider_id=made.id)
    return refund


def _refund_reserve(
    *, order: Order, actor, key: str, amount: int | None, item: OrderItem | None, reason: str
) -> Refund:
    if not order.payment_intent_id or not (order.is_paid or order.status == Status.REFUNDED):
        raise OrderError(f"Order {order.short_id} has no payment to refund.", order=order)
    pending = sum(
        order.refunds.filter(status=Refund.Status.PENDING).values_list("amount", flat=True)
    )
    left = order.refundable_amount - pending
    if item is not None:
        if item.order_id != order.pk:
            raise OrderError("That item is not in this order.", order=order)
        item = OrderItem.objects.select_for_update().get(pk=item.pk)
        amount = item.refundable_amount
        if amount <= 0:
            raise OrderError(f"“{item}” is already refunded; nothing more was refunded.")
    if amount is None:
        amount = left
    if left <= 0:
        raise OrderError(
            f"Order {order.short_id} is already refunded in full "
            f"({order.refunded_display}); nothing more was refunded.",
            order=order,
        )
    if amount <= 0 or amount > left:
        raise OrderError(
            f"Only {order.money(left)} is left to refund on order {order.short_id}; "
            "nothing was refunded.",
            order=order,
        )
    return Refund.objects.create(
        order=order, item=item, amount=amount, key=key, reason=reason[:200], actor=actor
    )


def _refund_succeed(*, order: Order, refund: Refund, provider_id: str) -> None:
    """Record a refund the provider made: amounts, an event, the status and the e-mail."""
    if refund.status == Refund.Status.SUCCEEDED:
        return
    refund.status, refund.provider_refund_id = Refund.Status.SUCCEEDED, provider_id
    refund.save(update_fields=["status", "provider_refund_id"])
    if refund.item_id:
        OrderItem.objects.filter(pk=refund.item_id).update(
            refunded_amount=F("refunded_amount") + refund.amount
        )
    order.refunded_amount += refund.amount
    what = f" for {refund.item}" if refund.item_id else ""
    note = f"refunded {refund.amount_display}{what}"
    if refund.reason:
        note += f": {refund.reason}"
    if order.refunded_amount >= order.total_amount and order.status != Status.REFUNDED:
        order_transition(
            order,
            Status.REFUNDED,
            actor=refund.actor,
            note=note,
            refunded_amount=order.total_amount,
        )
        return
    order.save(update_fields=["refunded_amount", "updated_at"])
    order_note(order, note, actor=refund.actor)
    mail_enqueue(
        "purchases/order_refunded", to=[order.email], context={"order": order, "refund": refund}
    )


@transaction.atomic
def refund_record(
    *, payment_intent_id: str, refund_id: str, amount: int, reference: str = ""
) -> None:
    """A refund the provider reports (its webhook): ours is confirmed, one made elsewhere (the
    Stripe dashboard) is recorded once, under the provider's id."""
    order = _order_lock(payment_intent_id=payment_intent_id) if payment_intent_id else None
    if order is None or amount <= 0:
        return
    match = Q(provider_refund_id=refund_id)
    if reference:
        match |= Q(key=reference)
    refund = Refund.objects.select_for_update().filter(match, order=order).first()
    if refund is None:
        left = order.refundable_amount
        if left <= 0:
            return
        refund = Refund.objects.create(
            order=order,
            amount=min(amount, left),
            key=f"provider-{refund_id}",
            reason="refunded in the payment provider's dashboard",
        )
    if refund.status != Refund.Status.SUCCEEDED:
        _refund_succeed(order=order, refund=refund, provider_id=refund_id)


# Webhooks.


def webhook_handle(*, payload: bytes, signature: str) -> str:
    """Verify, act, then record the event id once. Raises WebhookInvalid on bad input.

    The handlers may call the provider, so they run outside any transaction, and each is safe
    to run twice. The id is recorded only once handling has succeeded: when it fails the view
    answers 5xx, and Stripe's retry finds no record and runs it again.
    """
    try:
        event = gateway_get().webhook_parse(payload, signature)
    except InvalidWebhook as error:
        raise WebhookInvalid(str(error)) from error
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return "duplicate"
    webhook_dispatch(event=event)
    with transaction.atomic(durable=True):
        _, created = StripeEvent.objects.get_or_create(
            event_id=event.id, defaults={"type": event.type}
        )
    return "handled" if created else "duplicate"


def webhook_dispatch(*, event: WebhookEvent) -> None:
    """Act on one verified event; Stripe's webhook and the TEST MODE page both send here."""
    WebhookHandler(event).handle()


class WebhookHandler:
    """Event type -> the service that acts on it (djangoproject.com's WebhookHandler).

    A type missing from the table is acknowledged and ignored, so Stripe stops sending it.
    """

    def __init__(self, event: WebhookEvent) -> None:
        self.event = event
        self.data = event.data

    def handle(self) -> None:
        handlers = {
            "checkout.session.completed": self.checkout_completed,
            "checkout.session.async_payment_succeeded": self.checkout_completed,
            "checkout.session.async_payment_failed": self.checkout_payment_failed,
            "checkout.session.expired": self.checkout_expired,
            "refund.created": self.refund_changed,
            "refund.updated": self.refund_changed,
        }
        handler = handlers.get(self.event.type)
        if handler is not None:
            handler()

    def checkout_completed(self) -> None:
        # Re-read from the provider: events arrive out of order, and the session knows best.
        checkout_fulfill(session_id=self.data["id"])

    def checkout_payment_failed(self) -> None:
        order_payment_fail(session_id=self.data["id"])

    def checkout_expired(self) -> None:
        order_expire(session_id=self.data["id"])

    def refund_changed(self) -> None:
        # Refund events carry the refund's own id and our request's reference in its metadata;
        # "charge.refunded" (a running total) is left alone so that nothing is counted twice.
        if self.data.get("status") == "succeeded":
            refund_record(
                payment_intent_id=self.data.get("payment_intent") or "",
                refund_id=self.data.get("id", ""),
                amount=self.data.get("amount") or 0,
                reference=(self.data.get("metadata") or {}).get("refund_key", ""),
            )


def order_item_download(*, order: Order, item_id: int) -> tuple[FieldFile, str]:
    """A paid download's original (in private storage) and the name it is saved under."""
    item = order.items.select_related("product__image", "format").filter(pk=item_id).first()
    if item is None:
        raise OrderError("That item is not in this order.")
    if item.is_physical:
        raise OrderError("This item is a print: it comes by post, not as a download.")
    if not item.can_download:
        raise OrderError("The download opens once the order is paid.")
    name = f"aigallery-{item.product.slug[:40]}-{order.short_id}.png"
    return item.product.image.image, name
