"""The receipt of a paid order: its page, its PDF and its JSON, for the order's customer only."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from pypdf import PdfReader

from purchases.models import Order
from tests.purchases.conftest import ADDRESS, pay
from tests.purchases.fake_stripe import event
from tests.purchases.test_stripe import deliver

pytestmark = pytest.mark.django_db


def words(html: str) -> str:
    return " ".join(strip_tags(html.replace("<", " <")).split())


@pytest.fixture
def unpaid(user_client, product, digital, print_small) -> Order:
    """Two prints and a download, checked out and not yet paid."""
    user_client.post(
        reverse("cart_add", args=[product.slug]),
        {"format": print_small.pk, "quantity": 2, "fit": "fill", "position": "center"},
    )
    user_client.post(reverse("cart_add", args=[product.slug]), {"format": digital.pk})
    user_client.post(reverse("cart_checkout"), ADDRESS)
    return Order.objects.get()


@pytest.fixture
def paid(user_client, unpaid) -> Order:
    pay(user_client, unpaid)
    unpaid.refresh_from_db()
    return unpaid


def receipt_urls(order) -> dict[str, str]:
    return {
        "page": reverse("order_receipt", args=[order.public_id]),
        "pdf": reverse("order_receipt_pdf", args=[order.public_id]),
        "api": f"/api/v1/orders/{order.public_id}/receipt/",
    }


def test_receipt_page_of_a_paid_order(user_client, user, paid, product):
    """Shop, number, date, items, shipping, total, payment, billing e-mail and address."""
    response = user_client.get(receipt_urls(paid)["page"])
    assert response.status_code == 200
    text = words(response.content.decode())
    paid_on = f"{paid.paid_at:%-d %b %Y}"
    for expected in [
        "AI Gallery",
        f"Receipt for order {paid.short_id}",
        f"Order number {paid.short_id} Ordered {paid_on} Paid {paid_on} Status Paid",
        f"{product.name} Art print 15×15 cm · Crop to fill, keeping the centre 2 $24.00 $48.00",
        f"{product.name} Digital download 1 $5.00 $5.00",
        "Subtotal $53.00 Shipping $6.00 Total $59.00",
        "Paid by Test card (TEST MODE: nothing was charged)",
        f"Billing e-mail: {user.email}",
        "Ship to Kim Min-ji 110 Sejong-daero 04524 Seoul, Jung-gu South Korea Phone +82 2 120",
        "Amounts in USD.",
    ]:
        assert expected in text
    assert "Refunds" not in text


def test_order_page_links_the_receipt_once_paid(user_client, unpaid):
    """Before payment the order page has no receipt link; after, it links the page and PDF."""
    urls = receipt_urls(unpaid)
    assert urls["page"] not in user_client.get(unpaid.get_absolute_url()).content.decode()
    pay(user_client, unpaid)
    page = user_client.get(unpaid.get_absolute_url()).content.decode()
    assert f'<a href="{urls["page"]}">Receipt</a>' in page
    assert f'<a href="{urls["pdf"]}">as a PDF</a>' in page


def test_receipt_pdf(user_client, paid, product):
    """A PDF named after the order, saying what the page says."""
    response = user_client.get(receipt_urls(paid)["pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="receipt-{paid.short_id}.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert f"Receipt for order {paid.short_id}" in text
    assert "$59.00" in text
    assert "Kim Min-ji" in text


def test_receipt_json(user_client, user, paid, product):
    """The API's receipt has the page's numbers, as strings formatted for people."""
    response = user_client.get(receipt_urls(paid)["api"])
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == paid.short_id
    assert body["shop_name"] == "AI Gallery"
    assert [(line["name"], line["quantity"], line["amount"]) for line in body["lines"]] == [
        (product.name, 2, "$48.00"),
        (product.name, 1, "$5.00"),
    ]
    assert (body["subtotal"], body["shipping"], body["total"], body["net_paid"]) == (
        "$53.00",
        "$6.00",
        "$59.00",
        "$59.00",
    )
    assert body["refunds"] == []
    assert body["billing_email"] == user.email
    assert body["shipping_address"][0] == "Kim Min-ji"
    assert body["currency"] == "USD"
    assert body["paid_at"]


def test_a_download_receipt_has_no_shipping(user_client, product, digital):
    """Nothing shipped: no shipping row, no address, `shipping` null in the JSON."""
    user_client.post(reverse("cart_add", args=[product.slug]), {"format": digital.pk})
    user_client.post(reverse("cart_checkout"))
    order = Order.objects.get()
    pay(user_client, order)
    text = words(user_client.get(receipt_urls(order)["page"]).content.decode())
    assert "Subtotal $5.00 Total $5.00" in text
    assert "Shipping" not in text and "Ship to" not in text
    body = user_client.get(receipt_urls(order)["api"]).json()
    assert (body["shipping"], body["shipping_address"]) == (None, None)


def test_no_receipt_before_payment(user_client, unpaid):
    """Unpaid: the page goes back to the order saying why, the PDF is a 404, the API a 409."""
    urls = receipt_urls(unpaid)
    page = user_client.get(urls["page"], follow=True)
    assert page.redirect_chain == [(unpaid.get_absolute_url(), 302)]
    assert "The receipt is ready once the order is paid." in [
        str(m) for m in page.context["messages"]
    ]
    assert user_client.get(urls["pdf"]).status_code == 404
    api = user_client.get(urls["api"])
    assert api.status_code == 409
    assert api.json() == {
        "error": {"code": "not_paid", "message": "The receipt is ready once the order is paid."}
    }


def test_receipts_are_for_the_customer_only(paid, other_user, manager):
    """Another shopper, and even a manager, get a 404 on the shopper's receipt pages."""
    for intruder in (other_user, manager):
        client = Client()
        client.force_login(intruder)
        for name, url in receipt_urls(paid).items():
            response = client.get(url)
            assert response.status_code == 404, name
            if name == "api":
                assert response.json()["error"]["code"] == "not_found"


def test_visitors_are_asked_to_log_in(client, paid):
    """Without an account: log in first; the API answers 401/403 in its error shape."""
    client.logout()
    urls = receipt_urls(paid)
    for name in ("page", "pdf"):
        response = client.get(urls[name])
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    api = client.get(urls["api"])
    assert api.status_code in (401, 403)
    assert api.json()["error"]["code"]


def test_a_stripe_receipt_names_the_card(stripe, user_client, product, digital):
    """Paid on Stripe: the receipt says which card paid."""
    user_client.post(reverse("cart_add", args=[product.slug]), {"format": digital.pk})
    user_client.post(reverse("cart_checkout"))
    order = Order.objects.get()
    deliver(
        Client(), event("checkout.session.completed", stripe.complete(order.checkout_session_id))
    )
    text = words(user_client.get(receipt_urls(order)["page"]).content.decode())
    assert "Paid by Visa ending 4242" in text
