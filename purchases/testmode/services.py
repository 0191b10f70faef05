"""The TEST MODE page's side: what Stripe's hosted page and its events would do.

A button changes the simulated session, as the shopper paying on Stripe would, then sends the
event Stripe would send through the shop's webhook handlers, so fulfilment is the same code.
"""

import secrets

from django.http import Http404
from django.utils import timezone

from purchases import services
from purchases.gateways.contract import (
    CheckoutSession,
    PaymentStatus,
    SessionStatus,
    WebhookEvent,
)
from purchases.testmode.gateway import TestModeGateway, session_of
from purchases.testmode.models import SimulatedCheckout


def testmode_checkout_get(*, user, session_id: str) -> SimulatedCheckout:
    """A customer's own test checkout; anyone else's is a 404."""
    checkout = (
        SimulatedCheckout.objects.select_related("order")
        .filter(session_id=session_id, order__customer=user)
        .first()
    )
    if checkout is None:
        raise Http404("No such checkout")
    return checkout


def testmode_checkout_open(*, checkout: SimulatedCheckout) -> CheckoutSession:
    """The page's view of a session; one that ran out tells the shop it expired."""
    session = TestModeGateway().checkout_retrieve(checkout.session_id)
    if session.status == SessionStatus.EXPIRED:
        _send("checkout.session.expired", session.id)
    return session


def testmode_checkout_pay(*, checkout: SimulatedCheckout) -> CheckoutSession:
    """The test card is charged: the session completes paid and the shop hears of it."""
    return _complete(checkout, paid=True, event_type="checkout.session.completed")


def testmode_checkout_decline(*, checkout: SimulatedCheckout) -> CheckoutSession:
    """The test card is declined: the session completes unpaid and the payment fails."""
    return _complete(checkout, paid=False, event_type="checkout.session.async_payment_failed")


def _complete(checkout: SimulatedCheckout, *, paid: bool, event_type: str) -> CheckoutSession:
    updated = SimulatedCheckout.objects.filter(
        pk=checkout.pk, status=SessionStatus.OPEN, expires_at__gt=timezone.now()
    ).update(
        status=SessionStatus.COMPLETE,
        payment_status=PaymentStatus.PAID if paid else PaymentStatus.UNPAID,
        payment_intent_id=f"pi_sim_{secrets.token_hex(10)}",
    )
    if updated:
        _send(event_type, checkout.session_id)
    checkout.refresh_from_db()
    return session_of(checkout)


def _send(event_type: str, session_id: str) -> None:
    event = WebhookEvent(
        id=f"evt_sim_{secrets.token_hex(8)}", type=event_type, data={"id": session_id}
    )
    services.webhook_dispatch(event=event)
