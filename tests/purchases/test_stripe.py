"""The Stripe gateway against a local fake of Stripe's API, with real webhook signatures."""

import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.urls import reverse

from purchases import services
from purchases.models import Order, StripeEvent
from tests.purchases.conftest import ADDRESS
from tests.purchases.factories import make_order
from tests.purchases.fake_stripe import event, sign

pytestmark = pytest.mark.django_db
Status = Order.Status
WEBHOOK = "/purchases/stripe/webhook/"


@pytest.fixture
def order(stripe, checkout, product, print_small):
    """A print order whose checkout session exists on (fake) Stripe."""
    response = checkout(product, print_small, quantity=2, address=ADDRESS)
    created = Order.objects.get()
    assert response.url == stripe.sessions[created.checkout_session_id]["url"]
    return created


def deliver(client, payload: bytes, signature: str | None = None):
    """POST an event to the webhook as Stripe does; e-mails queue as they would on commit."""
    headers = {"Stripe-Signature": sign(payload) if signature is None else signature}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(WEBHOOK, payload, content_type="application/json", headers=headers)


def test_checkout_session_is_built_on_the_server(order, stripe, user):
    """Prices, order id, URLs, expiry, shipping and the idempotency key come from the server."""
    call = stripe.calls("POST", "/v1/checkout/sessions")[0]
    params = call["params"]
    line = params["line_items"][0]
    assert params["mode"] == "payment"
    assert line["quantity"] == "2"
    assert line["price_data"] == {
        "currency": "usd",
        "unit_amount": "2400",
        "product_data": {
            "name": order.items.get().product.name,
            "description": "Art print 15×15 cm · Crop to fill, keeping the centre",
        },
    }
    assert params["shipping_options"][0]["shipping_rate_data"]["fixed_amount"] == {
        "amount": "600",
        "currency": "usd",
    }
    assert "KR" in params["shipping_address_collection"]["allowed_countries"]
    assert params["client_reference_id"] == str(order.public_id)
    assert params["metadata"] == {"order_id": str(order.public_id)}
    assert params["customer_email"] == user.email
    assert params["success_url"].endswith(
        f"/purchases/orders/{order.public_id}/success/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert params["cancel_url"].endswith(f"/purchases/orders/{order.public_id}/canceled/")
    assert int(params["expires_at"]) > time.time() + 30 * 60
    assert call["headers"]["idempotency-key"] == f"checkout-{order.public_id}-1"
    assert stripe.sessions[order.checkout_session_id]["amount_total"] == 2 * 2400 + 600
    assert "payment_method_types" not in params  # left to Checkout and the dashboard


def test_checking_out_twice_gives_the_same_session(order, stripe, user_client):
    """'Pay now' on an open order returns the same Stripe session, not a second charge."""
    response = user_client.post(reverse("order_pay", args=[order.public_id]))
    assert response.url == stripe.sessions[order.checkout_session_id]["url"]
    assert len(stripe.sessions) == 1


def test_stripe_error_keeps_the_order_pending_with_a_clear_message(
    stripe, user_client, product, digital
):
    """When Stripe fails, the shopper reads why, and the order waits unpaid."""
    stripe.fail_next(500)
    stripe.fail_next(500)
    stripe.fail_next(500)  # the library's own retries too
    user_client.post(reverse("cart_add", args=[product.slug]), {"format": digital.pk})
    response = user_client.post(reverse("cart_checkout"), follow=True)
    assert "We could not reach the payment provider" in response.content.decode()
    order = Order.objects.get()
    assert order.status == Status.PENDING
    assert order.checkout_session_id == ""


def test_paid_webhook_marks_paid_once_with_one_email(order, stripe, client, run_tasks):
    """checkout.session.completed (paid): one transition and one e-mail, however often sent."""
    session = stripe.complete(
        order.checkout_session_id,
        shipping={
            "name": "Kim Min-ji",
            "address": {
                "line1": "1 Changed St",
                "city": "Busan",
                "postal_code": "48058",
                "country": "KR",
                "line2": None,
                "state": None,
            },
        },
    )
    payload = event("checkout.session.completed", session, event_id="evt_paid_1")
    assert deliver(client, payload).status_code == 200
    assert deliver(client, payload).content == b"duplicate"
    order.refresh_from_db()
    assert order.status == Status.PAID
    assert order.payment_intent_id == session["payment_intent"]
    assert order.shipping_address["city"] == "Busan"  # as confirmed at Stripe Checkout
    assert order.events.filter(to_status=Status.PAID).count() == 1
    run_tasks()
    assert len(mail.outbox) == 1
    assert "Receipt" in mail.outbox[0].subject


@pytest.mark.parametrize("forgery", ["missing", "garbage", "other-body", "wrong-secret", "stale"])
def test_bad_signatures_are_refused_and_change_nothing(order, stripe, client, forgery):
    """A missing, forged or stale (replayed) signature gets a 400 and nothing changes."""
    payload = event("checkout.session.completed", stripe.complete(order.checkout_session_id))
    signature = {
        "missing": "",
        "garbage": "t=1,v1=deadbeef",
        "other-body": sign(b"{}"),
        "wrong-secret": sign(payload, secret="whsec_someone_else"),
        "stale": sign(payload, timestamp=int(time.time()) - 3600),
    }[forgery]
    response = deliver(client, payload, signature=signature)
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == Status.PENDING
    assert not StripeEvent.objects.exists()


def test_webhook_is_the_only_csrf_exempt_view(order, stripe):
    """Even with CSRF checks on, Stripe's POST gets through; a form without a token does not."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    payload = event("checkout.session.completed", stripe.complete(order.checkout_session_id))
    assert (
        strict.post(
            WEBHOOK,
            payload,
            content_type="application/json",
            headers={"Stripe-Signature": sign(payload)},
        ).status_code
        == 200
    )
    strict.force_login(order.customer)
    assert strict.post(reverse("order_cancel", args=[order.public_id])).status_code == 403


def test_unknown_event_type_is_acknowledged(client, stripe):
    """Events the shop does not use get a 200 so Stripe stops sending them."""
    assert (
        deliver(
            client, event("customer.created", {"id": "cus_1", "object": "customer"})
        ).status_code
        == 200
    )


def test_processing_error_gets_500_and_can_be_retried(order, stripe, client):
    """If handling fails, the answer is a 5xx and the event is not marked seen, so a retry works."""
    session = stripe.complete(order.checkout_session_id)
    payload = event("checkout.session.completed", session, event_id="evt_retry")
    stripe.fail_next(500)
    stripe.fail_next(500)
    stripe.fail_next(500)
    assert deliver(client, payload).status_code == 500
    assert not StripeEvent.objects.filter(event_id="evt_retry").exists()
    assert deliver(client, payload).status_code == 200
    order.refresh_from_db()
    assert order.status == Status.PAID


def test_delayed_payment_processing_then_succeeds(order, stripe, client, user_client):
    """Completed but unpaid shows 'processing'; async success then marks it paid."""
    session = stripe.complete(order.checkout_session_id, paid=False)
    deliver(client, event("checkout.session.completed", session))
    order.refresh_from_db()
    assert order.status == Status.PENDING
    assert order.payment_status == "processing"
    page = user_client.get(
        reverse("order_success", args=[order.public_id]) + f"?session_id={session['id']}"
    )
    assert "Your payment is processing" in page.content.decode()

    deliver(
        client,
        event(
            "checkout.session.async_payment_succeeded",
            stripe.async_result(session["id"], paid=True),
        ),
    )
    order.refresh_from_db()
    assert order.status == Status.PAID


def test_delayed_payment_that_fails(order, stripe, client):
    """An async failure marks the order 'payment failed'."""
    session = stripe.complete(order.checkout_session_id, paid=False)
    deliver(client, event("checkout.session.completed", session))
    deliver(client, event("checkout.session.async_payment_failed", session))
    order.refresh_from_db()
    assert order.status == Status.PAYMENT_FAILED


def test_out_of_order_events(order, stripe, client):
    """async_payment_succeeded before completed, then expired late: paid, and stays paid."""
    session = stripe.complete(order.checkout_session_id)
    deliver(client, event("checkout.session.async_payment_succeeded", session))
    deliver(client, event("checkout.session.completed", session))
    deliver(client, event("checkout.session.expired", session))
    order.refresh_from_db()
    assert order.status == Status.PAID
    assert order.events.filter(to_status=Status.PAID).count() == 1


def test_expired_session_expires_the_order(order, stripe, client):
    """An unpaid session that times out expires the order."""
    stripe.sessions[order.checkout_session_id]["status"] = "expired"
    deliver(client, event("checkout.session.expired", stripe.sessions[order.checkout_session_id]))
    order.refresh_from_db()
    assert order.status == Status.EXPIRED


def test_success_page_racing_the_webhook(order, stripe, client, user_client, run_tasks):
    """The success page and the webhook both fulfil; the order is paid once, one e-mail."""
    session = stripe.complete(order.checkout_session_id)
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = user_client.get(
            reverse("order_success", args=[order.public_id]) + f"?session_id={session['id']}"
        )
    assert "Your order is paid" in page.content.decode()
    deliver(client, event("checkout.session.completed", session))
    order.refresh_from_db()
    assert order.status == Status.PAID
    assert order.events.filter(to_status=Status.PAID).count() == 1
    run_tasks()
    assert len(mail.outbox) == 1


def test_success_page_does_not_trust_the_url(order, stripe, user_client):
    """A success URL with an unpaid or foreign session id marks nothing paid."""
    user_client.get(
        reverse("order_success", args=[order.public_id])
        + f"?session_id={order.checkout_session_id}"
    )
    user_client.get(reverse("order_success", args=[order.public_id]) + "?session_id=cs_test_forged")
    order.refresh_from_db()
    assert order.status == Status.PENDING


def test_refund_in_the_admin(order, stripe, client, admin_client, run_tasks):
    """A manager refunds in full through Stripe with an idempotency key; Stripe's echo and a
    second refund change nothing, and the second says why."""
    session = stripe.complete(order.checkout_session_id)
    deliver(client, event("checkout.session.completed", session))
    refund_all = {"action": "refund_in_full", "_selected_action": [order.pk]}
    changelist = reverse("admin:purchases_order_changelist")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = admin_client.post(changelist, refund_all, follow=True)
    assert f"Order {order.short_id}: refunded $54.00." in response.content.decode()
    refund_call = stripe.calls("POST", "/v1/refunds")[0]
    key = f"admin-full-{order.public_id}-0"
    assert refund_call["params"] == {
        "payment_intent": session["payment_intent"],
        "amount": str(order.total_amount),
        "metadata": {"refund_key": key},
    }
    assert refund_call["headers"]["idempotency-key"] == f"refund-{key}"
    order.refresh_from_db()
    assert order.status == Status.REFUNDED
    echo = event("refund.updated", next(iter(stripe.refunds.values())))
    assert deliver(client, echo).status_code == 200
    order.refresh_from_db()
    assert order.refunded_amount == order.total_amount
    assert order.events.filter(to_status=Status.REFUNDED).count() == 1

    again = admin_client.post(changelist, refund_all, follow=True).content.decode()
    assert "is already refunded in full ($54.00); nothing more was refunded." in again
    assert "refunded $54.00." not in again.split("already refunded")[1]
    assert len(stripe.calls("POST", "/v1/refunds")) == 1
    run_tasks()
    subjects = [m.subject for m in mail.outbox]
    assert f"Your order {order.short_id} is refunded" in subjects, subjects
    assert not [m.body for m in mail.outbox if "Lab problem" in m.subject]


def test_refund_made_in_the_stripe_dashboard(order, stripe, client):
    """Refunds made in Stripe's dashboard reach the order through the webhook: a part, then
    the rest."""
    session = stripe.complete(order.checkout_session_id)
    deliver(client, event("checkout.session.completed", session))
    refund = {
        "id": "re_dash_1",
        "object": "refund",
        "payment_intent": session["payment_intent"],
        "amount": 100,
        "status": "succeeded",
    }
    deliver(client, event("refund.created", refund))
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Status.PAID, 100)  # partial
    rest = {**refund, "id": "re_dash_2", "amount": order.total_amount - 100}
    deliver(client, event("refund.created", rest))
    order.refresh_from_db()
    assert order.status == Status.REFUNDED


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_deliveries_make_one_transition(stripe, user, product, print_small):
    """The same event delivered four times at once: one transition, one e-mail queued."""
    from django_tasks_db.models import DBTaskResult

    order = make_order(
        customer=user, product=product, format=print_small, quantity=1, address={"country": "KR"}
    )
    services.order_checkout_open(order=order, base_url="http://testserver/")
    order.refresh_from_db()
    payload = event(
        "checkout.session.completed",
        stripe.complete(order.checkout_session_id),
        event_id="evt_race",
    )
    different = event("checkout.session.completed", stripe.sessions[order.checkout_session_id])
    statuses = []

    def send(body: bytes) -> None:
        from django.test import Client

        try:
            statuses.append(
                Client()
                .post(
                    WEBHOOK,
                    body,
                    content_type="application/json",
                    headers={"Stripe-Signature": sign(body)},
                )
                .status_code
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(body,))
        for body in (payload, payload, payload, different)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    order.refresh_from_db()
    assert statuses.count(200) == 4
    assert order.status == Status.PAID
    assert order.events.filter(to_status=Status.PAID).count() == 1
    emails = DBTaskResult.objects.filter(task_path="lib.mail.email_send")
    assert emails.count() == 1
