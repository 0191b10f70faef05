"""Calls to the payment provider: never under a row lock, never inside someone's transaction."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from purchases import services
from purchases.models import Order
from tests.purchases.factories import make_order
from tests.purchases.fake_stripe import event, sign

WEBHOOK = "/purchases/stripe/webhook/"
BASE = "http://testserver/"


@pytest.fixture
def order(db, stripe, user, product, print_small):
    return make_order(
        customer=user, product=product, format=print_small, quantity=1, address={"country": "KR"}
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
@pytest.mark.django_db(transaction=True)
def test_the_order_row_is_free_while_stripe_answers(stripe, user, product, print_small):
    """While Stripe handles each call, another connection locks the order row at once (NOWAIT)."""
    order = make_order(
        customer=user, product=product, format=print_small, quantity=1, address={"country": "KR"}
    )
    seen = []

    def lock_the_order(method: str, path: str) -> None:
        # Runs in the fake server's thread, so on a connection of its own.
        try:
            with transaction.atomic():
                rows = list(Order.objects.select_for_update(nowait=True).filter(pk=order.pk))
            seen.append((method, path, len(rows)))
        except DatabaseError as error:
            seen.append((method, path, type(error).__name__))
        finally:
            connection.close()

    stripe.observers.append(lock_the_order)
    services.order_checkout_open(order=order, base_url=BASE)  # creates the session
    order.refresh_from_db()
    services.order_checkout_open(order=order, base_url=BASE)  # finds it open again
    payload = event("checkout.session.completed", stripe.complete(order.checkout_session_id))
    response = Client().post(
        WEBHOOK,
        payload,
        content_type="application/json",
        headers={"Stripe-Signature": sign(payload)},
    )
    assert response.status_code == 200
    services.order_refund(order=order, actor=None, key="t")
    session = f"/v1/checkout/sessions/{order.checkout_session_id}"
    assert seen == [
        ("POST", "/v1/checkout/sessions", 1),
        ("GET", session, 1),
        ("GET", session, 1),
        ("POST", "/v1/refunds", 1),
    ]
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED


@pytest.mark.parametrize(
    "call",
    [
        lambda order: services.order_checkout_open(order=order, base_url=BASE),
        lambda order: services.order_cancel(order=order, actor=None),
        lambda order: services.order_refund(order=order, actor=None, key="t"),
        lambda order: services.checkout_fulfill(session_id=order.checkout_session_id),
    ],
    ids=["checkout", "cancel", "refund", "fulfil"],
)
def test_services_that_call_the_provider_refuse_to_nest(order, stripe, call):
    """Inside another transaction these services fail before they call Stripe."""
    services.order_checkout_open(order=order, base_url=BASE)
    order.refresh_from_db()
    stripe.requests.clear()
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        call(order)
    assert stripe.requests == []


def test_webhook_handling_refuses_to_nest(order, stripe):
    """The webhook service, run inside a transaction, fails before it asks Stripe anything."""
    services.order_checkout_open(order=order, base_url=BASE)
    order.refresh_from_db()
    stripe.requests.clear()
    payload = event("checkout.session.completed", stripe.complete(order.checkout_session_id))
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.webhook_handle(payload=payload, signature=sign(payload))
    assert stripe.requests == []
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
