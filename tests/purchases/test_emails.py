"""The shop's e-mails read as sentences, list what was bought and link to the real site."""

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from purchases.models import Order
from tests.products.factories import ProductFactory
from tests.purchases.conftest import ADDRESS, pay

pytestmark = pytest.mark.django_db
SITE = "https://gallery.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def cart_order(user_client, product, digital, print_small):
    """An unpaid order of two prints and a download, checked out from the cart."""

    def make(*, prints: bool = True) -> Order:
        lines = [(print_small, 2, {"fit": "fill", "position": "top"})] if prints else []
        for fmt, quantity, crop in [*lines, (digital, 1, {})]:
            user_client.post(
                reverse("cart_add", args=[product.slug]),
                {"format": fmt.pk, "quantity": quantity, **crop},
            )
        user_client.post(reverse("cart_checkout"), ADDRESS if prints else {})
        return Order.objects.get()

    return make


def sent(run_tasks) -> list:
    run_tasks()
    return list(mail.outbox)


def order_url(order) -> str:
    return f"{SITE}/purchases/orders/{order.public_id}/"


def test_paid_order_email_is_a_receipt_with_items_and_links(
    user_client, user, cart_order, product, run_tasks
):
    """ "Receipt for your AI Gallery order …": the items, shipping, total, and links to the
    receipt and the order on the real site."""
    order = cart_order()
    pay(user_client, order)
    (email,) = sent(run_tasks)
    assert email.subject == f"Receipt for your AI Gallery order {order.short_id}"
    assert email.to == [user.email]
    body = email.body
    assert f"Thank you for your order {order.short_id}. We received your payment of $59.00." in body
    assert "until then you can still cancel the order from its page" in body
    assert "Your downloads are ready on the order page." in body
    assert (
        f"- {product.name}: Art print 15×15 cm (crop to fill, keeping the top) x 2, $48.00\n"
        in body
    )
    assert f"- {product.name}: Digital download x 1, $5.00\n" in body
    assert "- Shipping: $6.00\nTotal: $59.00" in body
    assert f"Your receipt: {order_url(order)}receipt/" in body
    assert f"Follow your order: {order_url(order)}" in body
    assert "testserver" not in body


def test_download_only_order_email(user_client, cart_order, run_tasks):
    """A download order says the files are ready, with no shipping line, and links the receipt."""
    order = cart_order(prints=False)
    pay(user_client, order)
    (email,) = sent(run_tasks)
    assert email.subject == f"Your AI Gallery download is ready (order {order.short_id})"
    assert "your full-resolution downloads are ready on the order page" in email.body
    assert "Shipping" not in email.body
    assert "Total: $5.00" in email.body
    assert f"Your receipt: {order_url(order)}receipt/" in email.body


def test_payment_failed_email_is_a_sentence(user_client, cart_order, run_tasks):
    """ "Payment failed for your order 912F06F5", never "is payment failed"; no receipt link."""
    order = cart_order()
    pay(user_client, order, action="decline")
    (email,) = sent(run_tasks)
    assert email.subject == f"Payment failed for your order {order.short_id}"
    assert f"Payment failed for your order {order.short_id}. Nothing was charged" in email.body
    assert "Total: $59.00" in email.body
    assert "receipt" not in email.body.lower()
    assert f"Follow your order: {order_url(order)}" in email.body


def test_partial_refund_email(user_client, manager, cart_order, run_tasks):
    """An amount back: the subject says how much, the body what is refunded so far, the items
    and the receipt."""
    order = cart_order()
    pay(user_client, order)
    sent(run_tasks)
    mail.outbox.clear()
    desk = Client()
    desk.force_login(manager)
    url = reverse("manager_order_refund", args=[order.public_id])
    with TestCase.captureOnCommitCallbacks(execute=True):
        desk.post(url, {"what": "amount", "amount": "12", "key": "a"})
    (email,) = sent(run_tasks)
    assert email.subject == f"We refunded $12.00 of your order {order.short_id}"
    assert (
        f"We refunded $12.00 of your order {order.short_id} to your payment method." in email.body
    )
    assert "So far $12.00 of $59.00 is refunded." in email.body
    assert "Digital download x 1, $5.00" in email.body
    assert f"Your receipt: {order_url(order)}receipt/" in email.body


def test_item_refund_email_names_the_item(user_client, manager, cart_order, product, run_tasks):
    """A whole item back: the e-mail says which."""
    order = cart_order()
    pay(user_client, order)
    sent(run_tasks)
    mail.outbox.clear()
    item = order.items.get(format__kind="digital")
    desk = Client()
    desk.force_login(manager)
    with TestCase.captureOnCommitCallbacks(execute=True):
        desk.post(
            reverse("manager_order_refund", args=[order.public_id]),
            {"what": "item", "item": item.pk, "key": "b"},
        )
    (email,) = sent(run_tasks)
    assert email.subject == f"We refunded $5.00 of your order {order.short_id}"
    assert f"of your order {order.short_id} for {product.name} (Digital download)" in email.body


def test_each_status_email_reads_as_a_sentence(user_client, manager, cart_order, run_tasks):
    """Production, shipping, delivery: each subject is a sentence naming the order."""
    order = cart_order()
    pay(user_client, order)
    desk = Client()
    desk.force_login(manager)
    for step in ("in_production", "shipped", "delivered"):
        with TestCase.captureOnCommitCallbacks(execute=True):
            desk.post(reverse("manager_order_advance", args=[order.public_id]), {"to": step})
    subjects = [email.subject for email in sent(run_tasks)]
    n = order.short_id
    assert subjects == [
        f"Receipt for your AI Gallery order {n}",
        f"Your order {n} is in production",
        f"Your order {n} has shipped",
        f"Your order {n} was delivered",
    ]


def test_a_canceled_order_email(user_client, cart_order, run_tasks):
    """An unpaid order the shopper cancels: the e-mail says so, and that nothing was charged."""
    order = cart_order()
    with TestCase.captureOnCommitCallbacks(execute=True):
        user_client.post(reverse("order_cancel", args=[order.public_id]))
    (email,) = sent(run_tasks)
    assert email.subject == f"Your order {order.short_id} is canceled"
    assert "Nothing was charged." in email.body


def test_names_go_into_emails_as_written(user_client, user, digital, shop, run_tasks):
    """Plain text e-mails carry a name with & and < as typed, not as HTML entities."""
    product = ProductFactory(image__prompt="Cats & dogs <3 at dusk")
    user_client.post(reverse("cart_add", args=[product.slug]), {"format": digital.pk})
    user_client.post(reverse("cart_checkout"))
    pay(user_client, Order.objects.get())
    (email,) = sent(run_tasks)
    assert "- Cats & dogs <3 at dusk: Digital download x 1, $5.00" in email.body
    assert "&amp;" not in email.body
