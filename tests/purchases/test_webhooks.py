"""Stripe's webhook: each event type reaches its handler, and unknown types are acknowledged."""

import pytest

from purchases.models import Order, StripeEvent
from tests.purchases.conftest import ADDRESS
from tests.purchases.fake_stripe import event
from tests.purchases.test_stripe import deliver

pytestmark = pytest.mark.django_db
Status = Order.Status


@pytest.fixture
def order(stripe, checkout, product, print_small):
    checkout(product, print_small, address=ADDRESS)
    return Order.objects.get()


def paid(stripe, order) -> dict:
    return stripe.complete(order.checkout_session_id)


def pending_unpaid(stripe, order) -> dict:
    return stripe.complete(order.checkout_session_id, paid=False)


def ran_out(stripe, order) -> dict:
    stripe.sessions[order.checkout_session_id]["status"] = "expired"
    return stripe.sessions[order.checkout_session_id]


@pytest.mark.parametrize(
    ("type_", "session", "status", "payment_status"),
    [
        ("checkout.session.completed", paid, Status.PAID, "paid"),
        ("checkout.session.completed", pending_unpaid, Status.PENDING, "processing"),
        ("checkout.session.async_payment_succeeded", paid, Status.PAID, "paid"),
        ("checkout.session.async_payment_failed", pending_unpaid, Status.PAYMENT_FAILED, "failed"),
        ("checkout.session.expired", ran_out, Status.EXPIRED, ""),
    ],
)
def test_checkout_events(order, stripe, client, type_, session, status, payment_status):
    """Each checkout event moves the order as it says, and its id is recorded once."""
    payload = event(type_, session(stripe, order), event_id="evt_table")
    response = deliver(client, payload)
    assert (response.status_code, response.content) == (200, b"handled")
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (status, payment_status)
    assert StripeEvent.objects.get().type == type_


@pytest.fixture
def paid_order(order, stripe, client):
    deliver(client, event("checkout.session.completed", paid(stripe, order)))
    order.refresh_from_db()
    assert order.status == Status.PAID
    return order


def charge_refunded(order, amount=None) -> dict:
    return {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": order.payment_intent_id,
        "amount_refunded": amount or order.total_amount,
    }


def refund(order, status: str, amount=None, refund_id="re_dashboard") -> dict:
    return {
        "id": refund_id,
        "object": "refund",
        "payment_intent": order.payment_intent_id,
        "amount": amount or order.total_amount,
        "status": status,
        "metadata": {},
    }


@pytest.mark.parametrize(
    ("type_", "obj", "status", "refunded"),
    [
        ("refund.created", lambda order: refund(order, "succeeded"), Status.REFUNDED, 3000),
        ("refund.updated", lambda order: refund(order, "succeeded"), Status.REFUNDED, 3000),
        ("refund.created", lambda order: refund(order, "succeeded", 1000), Status.PAID, 1000),
        ("refund.created", lambda order: refund(order, "pending"), Status.PAID, 0),
        # A running total: refunds arrive as refund events, so this one counts nothing twice.
        ("charge.refunded", charge_refunded, Status.PAID, 0),
    ],
)
def test_refund_events(paid_order, client, type_, obj, status, refunded):
    """A refund made in Stripe's dashboard reaches the order once it has succeeded."""
    assert deliver(client, event(type_, obj(paid_order))).status_code == 200
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.refunded_amount) == (status, refunded)


def test_dashboard_refund_events_count_once(paid_order, client):
    """refund.created then refund.updated for one dashboard refund records it once."""
    deliver(client, event("refund.created", refund(paid_order, "succeeded", 1000)))
    deliver(client, event("refund.updated", refund(paid_order, "succeeded", 1000)))
    deliver(client, event("refund.created", refund(paid_order, "succeeded", 500, "re_two")))
    paid_order.refresh_from_db()
    assert paid_order.refunded_amount == 1500
    assert paid_order.refunds.count() == 2


def test_unknown_event_changes_nothing(order, stripe, client):
    """An event type the shop does not use gets a 200, is recorded, and touches no order."""
    payload = event("invoice.paid", {"id": order.checkout_session_id, "object": "invoice"})
    response = deliver(client, payload)
    assert (response.status_code, response.content) == (200, b"handled")
    order.refresh_from_db()
    assert order.status == Status.PENDING
    assert order.events.count() == 1
    assert StripeEvent.objects.get().type == "invoice.paid"
    assert deliver(client, payload).content == b"duplicate"


def test_event_for_a_session_that_is_not_ours(stripe, client):
    """A completed session that matches no order is acknowledged without asking Stripe."""
    payload = event("checkout.session.completed", {"id": "cs_test_elsewhere"})
    assert deliver(client, payload).status_code == 200
    assert stripe.calls("GET", "/v1/checkout/sessions") == []
