"""Refunds, whole or part, from managers' pages and the admin, and the shopper's own cancel of a
paid print before production, through the TEST MODE gateway and (fake) Stripe alike."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from purchases.models import Order, Refund
from purchases.testmode.models import SimulatedCheckout
from tests.purchases.conftest import ADDRESS, pay
from tests.purchases.fake_stripe import event
from tests.purchases.test_stripe import deliver

pytestmark = pytest.mark.django_db
Status = Order.Status
A_DAY = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SERVICES_BUG = (
    "purchases.services.order_refund: a refund request whose first try failed at the provider "
    "cannot be tried again under the same key: _refund_reserve creates a second Refund row with "
    "the failed row's unique key (IntegrityError, a 500)"
)


@pytest.fixture(params=["simulated", "stripe"])
def gateway(request, settings):
    """The TEST MODE gateway, or the Stripe gateway against the local fake."""
    if request.param == "stripe":
        return request.getfixturevalue("stripe")
    settings.PAYMENT_GATEWAY = "simulated"
    return None


def provider_refunds(gateway, order) -> list[int]:
    """The refunds the payment provider made for the order, in minor units, smallest first
    (TEST MODE keeps them in a JSON object, whose keys PostgreSQL does not keep in order)."""
    if gateway is None:
        order.refresh_from_db()
        checkout = SimulatedCheckout.objects.get(session_id=order.checkout_session_id)
        return sorted(checkout.refunds.values())
    return sorted(int(call["params"]["amount"]) for call in gateway.calls("POST", "/v1/refunds"))


def provider_fails(gateway, order) -> None:
    """The provider refuses the next refund: Stripe is down, or in TEST MODE the payment was
    already given back outside the shop."""
    if gateway is None:
        checkout = SimulatedCheckout.objects.get(session_id=order.checkout_session_id)
        checkout.refunds = {"made elsewhere": checkout.amount_total}
        checkout.save()
        return
    for _ in range(3):  # the library's own retries too
        gateway.fail_next(500)


def provider_recovers(gateway, order) -> None:
    if gateway is None:
        SimulatedCheckout.objects.filter(session_id=order.checkout_session_id).update(refunds={})
    else:
        gateway.failures.clear()


@pytest.fixture
def order(gateway, user_client, product, digital, print_small, run_tasks) -> Order:
    """A paid order of two prints ($48.00), a download ($5.00) and shipping ($6.00): $59.00."""
    for fmt, quantity, crop in ((print_small, 2, {"fit": "fill", "position": "center"}),
                                (digital, 1, {})):  # fmt: skip
        user_client.post(
            reverse("cart_add", args=[product.slug]),
            {"format": fmt.pk, "quantity": quantity, **crop},
        )
    user_client.post(reverse("cart_checkout"), ADDRESS)
    placed = Order.objects.get()
    if gateway is None:
        pay(user_client, placed)
    else:
        session = gateway.complete(placed.checkout_session_id)
        deliver(Client(), event("checkout.session.completed", session))
    placed.refresh_from_db()
    assert (placed.status, placed.total_amount) == (Status.PAID, 5900)
    user_client.get(placed.get_absolute_url())  # reads the "added to your cart" messages
    run_tasks()  # the payment's e-mail
    mail.outbox.clear()
    return placed


@pytest.fixture
def desk(manager) -> Client:
    """A manager's browser, apart from the shopper's."""
    client = Client()
    client.force_login(manager)
    return client


def refund_form(desk, order) -> dict:
    """The manager page's refund form as shown, with its request key."""
    page = desk.get(reverse("manager_order_detail", args=[order.public_id])).content.decode()
    key = re.search(r'name="key" value="([0-9a-f]+)"', page).group(1)
    return {"what": "order", "key": key, "reason": ""}


def refund_on_page(desk, order, **data):
    url = reverse("manager_order_refund", args=[order.public_id])
    with TestCase.captureOnCommitCallbacks(execute=True):
        return desk.post(url, {**refund_form(desk, order), **data}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def errors_of(response) -> list[str]:
    return [e for errors in response.context["refund_form"].errors.values() for e in errors]


def print_item(order):
    return order.items.get(format__kind="physical")


def download_item(order):
    return order.items.get(format__kind="digital")


# From the manager order page.


def test_full_refund_from_the_manager_page(gateway, order, desk, user_client, run_tasks):
    """Everything is given back once: the order is refunded, the shopper reads it and is told."""
    response = refund_on_page(desk, order, what="order", reason="Customer asked")
    assert messages_of(response) == [f"Refunded $59.00 on order {order.short_id}."]
    assert "Refunded $59.00 of $59.00: nothing is left to refund." in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Status.REFUNDED, 5900)
    assert provider_refunds(gateway, order) == [5900]
    refund = Refund.objects.get()
    assert (refund.status, refund.amount, refund.actor.is_staff) == ("succeeded", 5900, True)
    page = user_client.get(order.get_absolute_url()).content.decode()
    assert "Refunded $59.00 on" in page
    assert "re_" not in page  # no provider ids for the shopper
    run_tasks()
    assert [m.subject for m in mail.outbox] == [f"Your order {order.short_id} is refunded"]


def test_one_items_refund_from_the_manager_page(gateway, order, desk, user_client):
    """A whole item's line is given back; the order stays paid and its page says which."""
    item = print_item(order)
    response = refund_on_page(desk, order, what="item", item=item.pk)
    assert messages_of(response) == [f"Refunded $48.00 on order {order.short_id}."]
    order.refresh_from_db()
    item.refresh_from_db()
    assert (order.status, order.refunded_amount, item.refunded_amount) == (Status.PAID, 4800, 4800)
    assert provider_refunds(gateway, order) == [4800]
    page = user_client.get(order.get_absolute_url()).content.decode()
    assert "Refunded $48.00 on" in page
    assert f"for {item.product.name[:37]}" in page
    assert "(Art print 15×15 cm)" in page
    assert '<span class="muted">refunded</span>' in page


def test_an_item_refunded_twice_is_refused(gateway, order, desk):
    """The same item again: refused with a sentence, the provider is not asked."""
    item = print_item(order)
    refund_on_page(desk, order, what="item", item=item.pk)
    again = refund_on_page(desk, order, what="item", item=item.pk)
    assert again.status_code == 400
    assert errors_of(again) == [f"“{item}” is already refunded; nothing more was refunded."]
    assert not messages_of(again)
    assert provider_refunds(gateway, order) == [4800]
    assert Refund.objects.count() == 1


def test_a_refunded_download_can_no_longer_be_downloaded(gateway, order, desk, user_client):
    """Refunding the download item takes its download link away."""
    item = download_item(order)
    link = reverse("order_item_download", args=[order.public_id, item.pk])
    assert link in user_client.get(order.get_absolute_url()).content.decode()
    refund_on_page(desk, order, what="item", item=item.pk)
    assert link not in user_client.get(order.get_absolute_url()).content.decode()
    refused = user_client.get(link, follow=True)
    assert "The download opens once the order is paid." in messages_of(refused)


def test_an_amount_refund_is_shown_to_the_shopper_in_words(
    gateway, order, desk, user_client, run_tasks
):
    """$12.00 back: the order page and the receipt say "Refunded $12.00 on 3 Dec 2026"."""
    response = refund_on_page(desk, order, what="amount", amount="12.00", reason="Creased")
    assert messages_of(response) == [f"Refunded $12.00 on order {order.short_id}."]
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Status.PAID, 1200)
    assert provider_refunds(gateway, order) == [1200]
    Refund.objects.update(created_at=A_DAY)

    page = user_client.get(order.get_absolute_url()).content.decode()
    assert "Refunded $12.00 on 3 Dec 2026" in page
    receipt = user_client.get(reverse("order_receipt", args=[order.public_id])).content.decode()
    assert "Refunded $12.00 on 3 Dec 2026" in receipt
    assert "Net paid: $47.00" in receipt
    run_tasks()
    assert [m.subject for m in mail.outbox] == [
        f"We refunded $12.00 of your order {order.short_id}"
    ]


def test_the_refund_date_is_the_shops_day_on_the_page_and_the_receipt(
    settings, gateway, order, desk, user_client
):
    """In Seoul a refund made at 20:00 UTC on 2 Dec is dated 3 Dec on both the order page and
    the receipt."""
    settings.TIME_ZONE = "Asia/Seoul"
    refund_on_page(desk, order, what="amount", amount="12.00")
    Refund.objects.update(created_at=datetime(2026, 12, 2, 20, 0, tzinfo=UTC))
    page = user_client.get(order.get_absolute_url()).content.decode()
    receipt = user_client.get(reverse("order_receipt", args=[order.public_id])).content.decode()
    api = user_client.get(f"/api/v1/orders/{order.public_id}/receipt/").json()
    assert "Refunded $12.00 on 3 Dec 2026" in page
    assert "Refunded $12.00 on 3 Dec 2026" in receipt
    assert api["refunds"][0]["date"] == "2026-12-03"


def test_the_same_form_sent_twice_refunds_once(gateway, order, desk):
    """A double click or a resent form: one refund, one provider call."""
    form = {**refund_form(desk, order), "what": "amount", "amount": "10"}
    url = reverse("manager_order_refund", args=[order.public_id])
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = desk.post(url, form)
        second = desk.post(url, form, follow=True)
    assert first.status_code == 302
    assert second.status_code == 200
    order.refresh_from_db()
    assert order.refunded_amount == 1000
    assert Refund.objects.count() == 1
    assert provider_refunds(gateway, order) == [1000]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("59.01", "At most $59.00 is left to refund on this order."),
        ("1000", "At most $59.00 is left to refund on this order."),
        ("0", "Enter the amount to refund, for example 12.50."),
        ("-5", "Enter the amount to refund, for example 12.50."),
        ("twelve", "Enter the amount to refund, for example 12.50."),
        ("NaN", "Enter the amount to refund, for example 12.50."),
        ("1.005", "That amount has too many decimal places."),
        ("", "Enter the amount to refund, for example 12.50."),
    ],
)
def test_a_bad_amount_is_refused_without_asking_the_provider(gateway, order, desk, amount, message):
    """More than was paid, nothing, or not a number: a clear message, and no refund at all."""
    response = refund_on_page(desk, order, what="amount", amount=amount)
    assert response.status_code == 400
    assert message in errors_of(response)
    assert not messages_of(response)  # never a false "refunded"
    assert provider_refunds(gateway, order) == []
    assert not Refund.objects.exists()


def test_a_refund_beyond_what_is_left_is_refused(gateway, order, desk):
    """After $50.00 back, $12.00 more is refused: only $9.00 is left."""
    refund_on_page(desk, order, what="amount", amount="50")
    response = refund_on_page(desk, order, what="amount", amount="12")
    assert response.status_code == 400
    assert errors_of(response) == ["At most $9.00 is left to refund on this order."]
    assert not messages_of(response)
    assert provider_refunds(gateway, order) == [5000]
    order.refresh_from_db()
    assert order.refunded_amount == 5000


def test_two_forms_open_at_once_cannot_refund_more_than_was_paid(gateway, order, desk):
    """Two managers' forms, both drawn when $59.00 was left: the second is refused."""
    one, two = refund_form(desk, order), refund_form(desk, order)
    url = reverse("manager_order_refund", args=[order.public_id])
    with TestCase.captureOnCommitCallbacks(execute=True):
        desk.post(url, {**one, "what": "amount", "amount": "40"})
        late = desk.post(url, {**two, "what": "amount", "amount": "40"})
    assert late.status_code == 400
    assert errors_of(late) == ["At most $19.00 is left to refund on this order."]
    assert provider_refunds(gateway, order) == [4000]


def test_nothing_left_to_refund(gateway, order, desk):
    """After a full refund the page offers no form, and a forced post is refused in words."""
    refund_on_page(desk, order, what="order")
    page = desk.get(reverse("manager_order_detail", args=[order.public_id])).content.decode()
    assert "Refund through the payment provider" not in page
    url = reverse("manager_order_refund", args=[order.public_id])
    response = desk.post(url, {"what": "order", "key": "another-request"})
    assert response.status_code == 400
    assert errors_of(response) == [
        f"Order {order.short_id} is already refunded in full ($59.00); nothing more was refunded."
    ]
    assert provider_refunds(gateway, order) == [5900]


def test_the_rest_after_a_partial_refund(gateway, order, desk):
    """ "Everything not yet refunded" after $12.00: $47.00 more, and the order is refunded."""
    refund_on_page(desk, order, what="amount", amount="12")
    response = refund_on_page(desk, order, what="order")
    assert messages_of(response) == [f"Refunded $47.00 on order {order.short_id}."]
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Status.REFUNDED, 5900)
    assert provider_refunds(gateway, order) == [1200, 4700]


def test_provider_failure_refunds_nothing_and_says_so(gateway, order, desk, user_client):
    """When the provider refuses, nothing is marked refunded and the manager reads why."""
    provider_fails(gateway, order)
    response = refund_on_page(desk, order, what="amount", amount="12")
    assert response.status_code == 400
    (error,) = errors_of(response)
    if gateway is None:
        assert error == "The refund is more than is left of the payment."
    else:
        assert error == "Stripe refused the refund: Stripe is down"
    assert not messages_of(response)
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Status.PAID, 0)
    assert Refund.objects.get().status == Refund.Status.FAILED
    assert "Refunded" not in user_client.get(order.get_absolute_url()).content.decode()


def test_the_same_form_can_be_sent_again_after_a_provider_failure(gateway, order, desk):
    """The manager presses the button again once the provider is back: the refund is made."""
    provider_fails(gateway, order)
    form = {**refund_form(desk, order), "what": "amount", "amount": "12"}
    url = reverse("manager_order_refund", args=[order.public_id])
    assert desk.post(url, form).status_code == 400
    provider_recovers(gateway, order)
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = desk.post(url, form)
    assert again.status_code == 302
    order.refresh_from_db()
    assert order.refunded_amount == 1200


def test_shoppers_cannot_refund(order, user_client):
    """The manager pages are for staff only."""
    url = reverse("manager_order_refund", args=[order.public_id])
    response = user_client.post(url, {"what": "order", "key": "x"})
    assert response.status_code == 302
    assert "/admin/login/" in response.url
    assert not Refund.objects.exists()


# From the admin.


def admin_refund(admin_client, order, **data):
    url = reverse("admin:purchases_order_refund", args=[order.pk])
    page = admin_client.get(url).content.decode()
    key = re.search(r'name="key" value="([0-9a-f]+)"', page).group(1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return admin_client.post(url, {"what": "order", "key": key, **data}, follow=True), key


def test_admin_refund_view_refunds_an_amount_then_an_item(gateway, order, admin_client):
    """The admin's refund page takes an amount, then an item, each through the provider."""
    response, _ = admin_refund(admin_client, order, what="amount", amount="12.00")
    assert messages_of(response) == [f"Refunded $12.00 on order {order.short_id}."]
    assert response.redirect_chain[-1][0] == reverse(
        "admin:purchases_order_change", args=[order.pk]
    )
    item = download_item(order)
    response, _ = admin_refund(admin_client, order, what="item", item=item.pk)
    assert messages_of(response) == [f"Refunded $5.00 on order {order.short_id}."]
    order.refresh_from_db()
    assert order.refunded_amount == 1700
    assert provider_refunds(gateway, order) == [500, 1200]
    change = admin_client.get(reverse("admin:purchases_order_change", args=[order.pk]))
    assert "$17.00" in change.content.decode()


def test_admin_refund_view_is_idempotent_and_refuses_too_much(gateway, order, admin_client):
    """The same admin form twice refunds once; an amount beyond what is left is refused."""
    response, key = admin_refund(admin_client, order, what="amount", amount="50")
    url = reverse("admin:purchases_order_refund", args=[order.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        admin_client.post(url, {"what": "amount", "amount": "50", "key": key})
    assert provider_refunds(gateway, order) == [5000]
    too_much, _ = admin_refund(admin_client, order, what="amount", amount="10")
    assert too_much.status_code == 200
    page = too_much.content.decode()
    assert "At most $9.00 is left to refund on this order." in page
    assert "Refunded $10.00" not in page
    assert provider_refunds(gateway, order) == [5000]


def test_admin_refund_view_shows_a_provider_failure(gateway, order, admin_client):
    """A refusal from the provider shows on the admin page; nothing is refunded."""
    provider_fails(gateway, order)
    response, _ = admin_refund(admin_client, order, what="order")
    assert '<ul class="errornote">' in response.content.decode()
    order.refresh_from_db()
    assert order.refunded_amount == 0


# The shopper cancels a paid print.


def cancel(user_client, order):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return user_client.post(reverse("order_cancel", args=[order.public_id]), follow=True)


def test_cancel_a_paid_print_before_production(gateway, order, user_client, run_tasks):
    """The shopper cancels from the order page: all is refunded, an event is written, an e-mail
    confirms; pressing again refunds nothing more."""
    page = user_client.get(order.get_absolute_url()).content.decode()
    assert "Cancel and refund this order" in page
    assert "get $59.00 back to your payment method" in page

    response = cancel(user_client, order)
    assert messages_of(response) == [
        f"Order {order.short_id} is canceled and $59.00 is refunded to your payment method. "
        "An e-mail confirms it."
    ]
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Status.REFUNDED, 5900)
    event = order.events.last()
    assert (event.to_status, event.actor) == (Status.REFUNDED, order.customer)
    assert event.note == "refunded $59.00: canceled by the customer before production"
    page = response.content.decode()
    assert "Cancel and refund this order" not in page
    assert "Refunded $59.00 on" in page
    run_tasks()
    (sent,) = mail.outbox
    assert sent.subject == f"Your order {order.short_id} is refunded"
    assert "We refunded $59.00 for your order" in sent.body

    again = cancel(user_client, order)
    assert messages_of(again) == [f"Order {order.short_id} is already refunded."]
    assert provider_refunds(gateway, order) == [5900]


def test_cancel_after_a_partial_refund_gives_back_the_rest(gateway, order, desk, user_client):
    """After $12.00 back, cancelling returns the $47.00 left, and the page says so beforehand."""
    refund_on_page(desk, order, what="amount", amount="12")
    page = user_client.get(order.get_absolute_url()).content.decode()
    assert "get $47.00 back to your payment method" in page
    response = cancel(user_client, order)
    assert f"Order {order.short_id} is canceled and $47.00 is refunded" in messages_of(response)[0]
    assert provider_refunds(gateway, order) == [1200, 4700]


def test_no_cancel_once_in_production(gateway, order, desk, user_client):
    """In production: the button is gone, the page says why, and a forced post is refused."""
    advance = reverse("manager_order_advance", args=[order.public_id])
    desk.post(advance, {"to": "in_production"})
    page = user_client.get(order.get_absolute_url()).content.decode()
    assert "Cancel and refund this order" not in page
    assert "Your print is in production, so the order can no longer be canceled." in page

    response = cancel(user_client, order)
    assert messages_of(response) == [
        f"Order {order.short_id} is in production: it can no longer be canceled. If something "
        "is wrong with it, ask us on the contact page."
    ]
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Status.IN_PRODUCTION, 0)
    assert provider_refunds(gateway, order) == []


def test_a_paid_download_cannot_be_canceled(gateway, user_client, product, digital):
    """Downloads are delivered on payment: no cancel button, and a forced post is refused."""
    user_client.post(reverse("cart_add", args=[product.slug]), {"format": digital.pk})
    user_client.post(reverse("cart_checkout"))
    order = Order.objects.get()
    if gateway is None:
        pay(user_client, order)
    else:
        deliver(
            Client(),
            event("checkout.session.completed", gateway.complete(order.checkout_session_id)),
        )
    assert "Cancel and refund" not in user_client.get(order.get_absolute_url()).content.decode()
    response = cancel(user_client, order)
    assert "it can no longer be canceled" in messages_of(response)[0]
    assert not Refund.objects.exists()


def test_cancel_when_the_provider_fails_refunds_nothing(gateway, order, user_client):
    """The provider does not answer: the order stays paid, the shopper reads what happened."""
    provider_fails(gateway, order)
    response = cancel(user_client, order)
    assert messages_of(response) == [
        "We could not reach the payment provider, so nothing was canceled or refunded yet. "
        "Please try again in a minute."
    ]
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Status.PAID, 0)
    assert "Cancel and refund this order" in response.content.decode()
    assert "Refunded" not in response.content.decode()


def test_cancel_can_be_tried_again_after_a_provider_failure(gateway, order, user_client):
    """ "Please try again in a minute": and trying again then works."""
    provider_fails(gateway, order)
    cancel(user_client, order)
    provider_recovers(gateway, order)
    response = cancel(user_client, order)
    assert f"Order {order.short_id} is canceled" in messages_of(response)[0]
    order.refresh_from_db()
    assert order.status == Status.REFUNDED


def test_another_customer_cannot_cancel(order, other_user):
    """Someone else's order is a 404, and nothing is refunded."""
    intruder = Client()
    intruder.force_login(other_user)
    assert intruder.post(reverse("order_cancel", args=[order.public_id])).status_code == 404
    order.refresh_from_db()
    assert order.status == Status.PAID


@pytest.mark.parametrize("gateway", ["stripe"], indirect=True)
def test_stripes_echo_of_a_partial_refund_counts_once(gateway, order, desk):
    """Stripe's refund.created and refund.updated for the shop's own refund change nothing."""
    refund_on_page(desk, order, what="amount", amount="12")
    (made,) = gateway.refunds.values()
    for type_ in ("refund.created", "refund.updated"):
        assert deliver(Client(), event(type_, made)).status_code == 200
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Status.PAID, 1200)
    assert Refund.objects.get().provider_refund_id == made["id"]
