from decimal import Decimal

import pytest
from django.test import TestCase
from django.urls import reverse

from products.models import ShopSettings
from tests.products.factories import FormatFactory, PrintFormatFactory, ProductFactory
from tests.purchases.fake_stripe import WEBHOOK_SECRET, FakeStripe


@pytest.fixture
def digital(db):
    return FormatFactory()


@pytest.fixture
def print_small(db):
    return PrintFormatFactory()


@pytest.fixture
def print_large(db):
    return PrintFormatFactory(
        name="Art print 30×30 cm", price=Decimal("45.00"), width_cm=30, height_cm=30
    )


@pytest.fixture
def shop(db):
    shop = ShopSettings.load()
    shop.shipping_flat_rate = Decimal("6.00")
    shop.save()
    return shop


@pytest.fixture
def product(db, other_user, shop):
    """A public product made by someone else, 1024 × 1024 px."""
    return ProductFactory(image__owner=other_user)


ADDRESS = {
    "ship-full_name": "Kim Min-ji",
    "ship-line1": "110 Sejong-daero",
    "ship-line2": "",
    "ship-city": "Seoul",
    "ship-region": "Jung-gu",
    "ship-postal_code": "04524",
    "ship-country": "KR",
    "ship-phone": "+82 2 120",
}


@pytest.fixture(scope="session")
def fake_stripe_server():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe(settings, fake_stripe_server):
    """The Stripe gateway pointed at the local fake; state is fresh for each test."""
    fake = fake_stripe_server
    fake.sessions.clear()
    fake.refunds.clear()
    fake.requests.clear()
    fake.idempotent.clear()
    fake.failures.clear()
    fake.observers.clear()
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return fake


@pytest.fixture
def checkout(user_client):
    """Put an artwork in the cart and check out: the response leads to the payment page."""

    def submit(product, fmt, quantity=1, address=None, expect=302, **crop):
        added = user_client.post(
            reverse("cart_add", args=[product.slug]),
            {"format": fmt.pk, "quantity": quantity, **crop},
        )
        assert added.status_code == 302, added.content.decode()[:2000]
        response = user_client.post(reverse("cart_checkout"), address or {})
        assert response.status_code == expect, response.content.decode()[:2000]
        return response

    return submit


def pay(client, order, action: str = "pay"):
    """Press a button on the TEST MODE page; e-mails queue as they would on commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("simulated_checkout", args=[order.checkout_session_id]), {"action": action}
        )


@pytest.fixture(autouse=True)
def no_lab(settings):
    """Payment tests ship at the flat rate and fulfil by hand; the lab's own tests (test_lab)
    turn the simulated lab or Prodigi's fake on."""
    settings.LAB_BACKEND = "none"
