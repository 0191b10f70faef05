"""Orders: placing, checkout, fulfilment, the state machine, refunds and webhooks.

One rule for the payment provider: it is never called while a row lock is held. A service
that calls it locks and reads, releases, calls with an idempotency key, then locks and saves.
Those services open their transactions with `durable=True`, so calling one inside another
transaction (which would keep its locks through the call) fails at once instead.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from accounts.countries import COUNTRIES
from lib.mail import mail_enqueue
from products.models import Format, Product, ShopSettings
from products.money import currency, to_minor
from purchases.gateways import (
    CheckoutRequest,
    CheckoutSession,
    InvalidWebhook,
    PaymentError,
    RefundRequest,
    SessionStatus,
    WebhookEvent,
    gateway_get,
)
from purchases.models import Order, OrderEvent, StripeEvent

logger = logging.getLogger(__name__)
Status = Order.Status

# Same-order double submissions within this window reuse the first order.
DUPLICATE_WINDOW = timedelta(minutes=10)


class OrderError(Exception):
    """A request about an order that cannot be honoured; the message is for people.

    `order` is the order concerned when it exists (a checkout that would not open).
    """

    def __init__(self, message: str, *, order: Order | None = None) -> None:
        super().__init__(message)
        self.order = order


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


def order_transition(
    order: Order, to: str, /, *, actor=None, note: str = "", notify: bool = True, **fields
) -> None:
    """Move a locked order to another status, with its event row and its e-mail."""
    if to not in Order.TRANSITIONS[order.status]:
        raise OrderError(
            f"An order that is {order.get_status_display().lower()} cannot become {Status(to).label.lower()}."
        )
    OrderEvent.objects.create(
        order=order, actor=actor, from_status=order.status, to_status=to, note=note[:500]
    )
    order.status = to
    for name, value in fields.items():
        setattr(order, name, value)
    order.save(update_fields=["status", "updated_at", *fields])
    if notify:
        _email_on_commit(order)


def _email_on_commit(order: Order) -> None:
    mail_enqueue("purchases/order_status", to=[order.email], context={"order": order})


def _order_lock(**lookup) -> Order | None:
    return Order.objects.select_for_update().filter(**lookup).first()


# Placing and paying.


@transaction.atomic
def order_create(
    *, customer, product: Product, format: Format, quantity: int, address: dict | None
) -> Order:
    """A pending order with prices computed here, never taken from the browser."""
    if not format.active:
        raise OrderError("This format is no longer sold.")
    if reason := format.unsuitable_reason(product.image):
        raise OrderError(reason)
    if format.is_physical and not address:
        raise OrderError("A print needs a shipping address.")
    unit = to_minor(format.price)
    shipping = to_minor(ShopSettings.load().shipping_flat_rate) if format.is_physical else 0
    fields = {
        "customer": customer,
        "product": product,
        "format": format,
        "quantity": quantity,
        "currency": currency(),
        "unit_amount": unit,
        "shipping_amount": shipping,
        "total_amount": unit * quantity + shipping,
        "shipping_address": address if format.is_physical else None,
        "email": customer.email,
    }
    recent = Order.objects.filter(
        customer=customer,
        product=product,
        format=format,
        quantity=quantity,
        total_amount=fields["total_amount"],
        status=Status.PENDING,
        created_at__gte=timezone.now() - DUPLICATE_WINDOW,
    )
    for duplicate in recent:
        if duplicate.shipping_address == fields["shipping_address"]:
            return duplicate
    order = Order.objects.create(**fields)
    OrderEvent.objects.create(
        order=order, actor=customer, to_status=Status.PENDING, note="order placed"
    )
    return order


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    checkout_url: str


def order_place(
    *,
    customer,
    product: Product,
    format: Format,
    quantity: int,
    address: dict | None,
    base_url: str,
) -> PlacedOrder:
    """Create the order and open its checkout, for the order page and the API alike.

    An OrderError without `.order` means nothing was created; one with `.order` (a
    PaymentProviderError, say) means the order is saved but its checkout did not open.
    """
    order = order_create(
        customer=customer, product=product, format=format, quantity=quantity, address=address
    )
    return PlacedOrder(
        order=order, checkout_url=order_checkout_open(order=order, base_url=base_url)
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
    return CheckoutRequest(
        order_ref=str(order.public_id),
        email=order.email,
        product_name=order.product.name,
        description=order.format.name,
        quantity=order.quantity,
        unit_amount=order.unit_amount,
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
        order_transition(order, Status.PAID, note=note, **fields)
    else:
        order_transition(order, Status.PAID, note=note, notify=False, **fields)
        order_transition(order, Status.DELIVERED, note="download ready")


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
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        if not order.can_pay:
            raise OrderError("Only an unpaid order can be canceled.", order=order)
    if order.checkout_session_id:
        try:
            gateway_get().checkout_expire(order.checkout_session_id)
        except PaymentError as error:
            raise _provider_error(error, order=order) from error
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        if not order.can_pay:
            raise OrderError("Only an unpaid order can be canceled.", order=order)
        order_transition(order, Status.CANCELED, actor=actor, note="canceled by customer")


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


def order_refund(*, order: Order, actor) -> Order:
    """Refund the whole payment through the gateway; a repeated refund changes nothing."""
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
    if order.status == Status.REFUNDED:
        return order
    if not order.is_paid or not order.payment_intent_id:
        raise OrderError(f"Order {order.short_id} has no payment to refund.", order=order)
    try:
        refund = gateway_get().refund_create(
            RefundRequest(payment_intent=order.payment_intent_id, amount=order.total_amount),
            idempotency_key=f"refund-{order.public_id}",
        )
    except PaymentError as error:
        raise _provider_error(error, order=order) from error
    with transaction.atomic(durable=True):
        order = _order_lock(pk=order.pk)
        if order.status != Status.REFUNDED:
            order_transition(
                order,
                Status.REFUNDED,
                actor=actor,
                note=f"full refund {refund.id}",
                refunded_amount=order.total_amount,
                refund_id=refund.id,
            )
    return order


@transaction.atomic
def order_mark_refunded(*, payment_intent_id: str, amount: int, refund_id: str = "") -> None:
    """A refund made elsewhere (the Stripe dashboard): record it when it covers the total."""
    order = _order_lock(payment_intent_id=payment_intent_id)
    if order is None or order.status == Status.REFUNDED or not order.is_paid:
        return
    order.refunded_amount = max(order.refunded_amount, amount)
    if order.refunded_amount >= order.total_amount:
        order_transition(
            order,
            Status.REFUNDED,
            note="refunded in Stripe",
            refunded_amount=order.refunded_amount,
            refund_id=refund_id,
        )
    else:
        order.save(update_fields=["refunded_amount", "updated_at"])
        OrderEvent.objects.create(
            order=order,
            from_status=order.status,
            to_status=order.status,
            note=f"partial refund of {order.money(amount)}",
        )


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
            "charge.refunded": self.charge_refunded,
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

    def charge_refunded(self) -> None:
        order_mark_refunded(
            payment_intent_id=self.data.get("payment_intent") or "",
            amount=self.data.get("amount_refunded") or 0,
        )

    def refund_changed(self) -> None:
        if self.data.get("status") == "succeeded":
            order_mark_refunded(
                payment_intent_id=self.data.get("payment_intent") or "",
                amount=self.data.get("amount") or 0,
                refund_id=self.data.get("id", ""),
            )


def order_download(*, order: Order) -> tuple[FieldFile, str]:
    """The paid original (in private storage) and the name it is saved under."""
    if not order.can_download:
        raise OrderError("The download opens once the order is paid.")
    return order.product.image.image, f"aigallery-{order.product.slug[:40]}-{order.short_id}.png"
