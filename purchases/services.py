"""Orders: creation, checkout, fulfilment, the state machine, refunds and webhooks."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from lib.mail import mail_enqueue
from products.models import Format, Product, ShopSettings
from products.money import currency, to_minor
from purchases.gateways import CheckoutSession, WebhookEvent, get_gateway
from purchases.models import Order, OrderEvent, StripeEvent

logger = logging.getLogger(__name__)
Status = Order.Status

# Same-order double submissions within this window reuse the first order.
DUPLICATE_WINDOW = timedelta(minutes=10)


class OrderError(Exception):
    """A request about an order that cannot be honoured; the message is for people."""


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


def _locked(**lookup) -> Order | None:
    return Order.objects.select_for_update().filter(**lookup).first()


# Creating and paying.


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


def order_checkout(*, order: Order, base_url: str) -> str:
    """The URL to pay at: the open session again if there is one, else a new session."""
    gateway = get_gateway()
    with transaction.atomic():
        order = _locked(pk=order.pk)
        if not order.can_pay:
            raise OrderError("This order cannot be paid any more.")
        if order.checkout_session_id:
            session = gateway.checkout_retrieve(order.checkout_session_id)
            if session.status == "open":
                return session.url or order.checkout_url
            if session.status == "complete" and order.status == Status.PENDING:
                raise OrderError("This order's payment is already being processed.")
        # Each attempt has its own idempotency key: a retried request gets the same session.
        attempt = order.checkout_attempt + 1
        root = base_url.rstrip("/")
        session = gateway.checkout_create(
            order=order,
            success_url=root + reverse("order_success", args=[order.public_id]),
            cancel_url=root + reverse("order_canceled", args=[order.public_id]),
            expires_at=timezone.now() + timedelta(minutes=settings.CHECKOUT_EXPIRES_MINUTES),
            idempotency_key=f"checkout-{order.public_id}-{attempt}",
        )
        order.checkout_session_id = session.id
        order.checkout_url = session.url
        order.checkout_attempt = attempt
        order.save(
            update_fields=["checkout_session_id", "checkout_url", "checkout_attempt", "updated_at"]
        )
    return session.url


# Fulfilment: called by the success page, the webhook and the simulated checkout.


def fulfill_checkout(session_id: str) -> Order | None:
    """Record a checkout's outcome as the gateway reports it; safe to call any number of times."""
    session = get_gateway().checkout_retrieve(session_id)
    with transaction.atomic():
        order = _locked(checkout_session_id=session.id, public_id=session.order_ref)
        if order is None:
            logger.warning("Checkout %s matches no order", session_id)
            return None
        if session.is_paid:
            _mark_paid(order, session)
        elif session.status == "complete" and order.payment_status != "processing":
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
def order_payment_failed(*, session_id: str) -> None:
    order = _locked(checkout_session_id=session_id)
    if order and order.status == Status.PENDING:
        order_transition(
            order, Status.PAYMENT_FAILED, note="payment failed", payment_status="failed"
        )


@transaction.atomic
def order_expire(*, session_id: str) -> None:
    order = _locked(checkout_session_id=session_id)
    if order and order.status == Status.PENDING:
        order_transition(order, Status.EXPIRED, note="checkout expired unpaid")


def order_cancel(*, order: Order, actor) -> None:
    """The customer gives up an unpaid order; its checkout is closed so it cannot be paid."""
    if order.checkout_session_id:
        get_gateway().checkout_expire(order.checkout_session_id)
    with transaction.atomic():
        order = _locked(pk=order.pk)
        if not order.can_pay:
            raise OrderError("Only an unpaid order can be canceled.")
        order_transition(order, Status.CANCELED, actor=actor, note="canceled by customer")


# Managers.


@transaction.atomic
def order_advance(*, order: Order, to: str, actor, note: str = "") -> Order:
    """Move a paid print order through production, shipping and delivery."""
    order = _locked(pk=order.pk)
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
    if order.status == Status.REFUNDED:
        return order
    if not order.is_paid or not order.payment_intent_id:
        raise OrderError(f"Order {order.short_id} has no payment to refund.")
    refund_id = get_gateway().refund(
        payment_intent=order.payment_intent_id,
        amount=order.total_amount,
        idempotency_key=f"refund-{order.public_id}",
    )
    with transaction.atomic():
        order = _locked(pk=order.pk)
        if order.status != Status.REFUNDED:
            order_transition(
                order,
                Status.REFUNDED,
                actor=actor,
                note=f"full refund {refund_id}",
                refunded_amount=order.total_amount,
                refund_id=refund_id,
            )
    return order


@transaction.atomic
def order_mark_refunded(*, payment_intent_id: str, amount: int, refund_id: str = "") -> None:
    """A refund made elsewhere (the Stripe dashboard): record it when it covers the total."""
    order = _locked(payment_intent_id=payment_intent_id)
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
    """Verify, record once, and act on one Stripe event. Raises InvalidWebhook on bad input."""
    event = get_gateway().webhook_event(payload, signature)
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event.id, type=event.type)
        except IntegrityError:
            return "duplicate"
        # Inside the transaction: if handling fails the event row goes too, and Stripe retries.
        _dispatch(event)
    return "handled"


def _dispatch(event: WebhookEvent) -> None:
    data = event.data
    if event.type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        fulfill_checkout(data["id"])
    elif event.type == "checkout.session.async_payment_failed":
        order_payment_failed(session_id=data["id"])
    elif event.type == "checkout.session.expired":
        order_expire(session_id=data["id"])
    elif event.type == "charge.refunded":
        order_mark_refunded(
            payment_intent_id=data.get("payment_intent") or "",
            amount=data.get("amount_refunded") or 0,
        )
    elif event.type in ("refund.created", "refund.updated") and data.get("status") == "succeeded":
        order_mark_refunded(
            payment_intent_id=data.get("payment_intent") or "",
            amount=data.get("amount") or 0,
            refund_id=data.get("id", ""),
        )


def simulated_checkout_submit(*, session_id: str, action: str) -> CheckoutSession:
    """The TEST MODE page's Pay, Decline and Cancel, driving the same code as Stripe's events."""
    gateway = get_gateway()
    session = gateway.checkout_retrieve(session_id)
    if session.status != "open":
        return session
    if action == "pay":
        gateway.simulate_payment(session_id, succeed=True)
        fulfill_checkout(session_id)
    elif action == "decline":
        gateway.simulate_payment(session_id, succeed=False)
        order_payment_failed(session_id=session_id)
    return gateway.checkout_retrieve(session_id)


def simulated_checkout_open(*, session_id: str) -> CheckoutSession:
    """The TEST MODE page's view of a session; one that ran out expires its order."""
    session = get_gateway().checkout_retrieve(session_id)
    if session.status == "expired":
        order_expire(session_id=session_id)
    return session


def order_download(*, order: Order) -> tuple[FieldFile, str]:
    """The paid original (in private storage) and the name it is saved under."""
    if not order.can_download:
        raise OrderError("The download opens once the order is paid.")
    return order.product.image.image, f"aigallery-{order.product.slug[:40]}-{order.short_id}.png"
