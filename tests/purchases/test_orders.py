"""Ordering with the simulated checkout: the journey a newcomer takes with no accounts."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ShippingAddress
from dalle.models import GeneratedImage
from purchases.models import CartItem, Order, OrderItem
from tests.dalle.factories import ImageFactory
from tests.purchases.conftest import ADDRESS, pay

pytestmark = pytest.mark.django_db
Status = Order.Status


def test_order_form_lists_formats_with_prices_and_disables_unprintable(
    user_client, product, digital, print_small, print_large
):
    """The order form shows each format's price, shipping, and why a large print is disabled."""
    page = user_client.get(reverse("cart_add", args=[product.slug])).content.decode()
    assert "Digital download</strong> — $5.00" in page
    assert "Art print 15×15 cm</strong> — $24.00" in page
    assert "+ $6.00 shipping once per order" in page
    assert "Not available: Needs at least 1772 × 1772 px" in page
    assert f'value="{print_large.pk}" disabled' in page


def test_digital_order_paid_in_simulated_checkout(
    checkout, user_client, user, product, digital, run_tasks
):
    """Order a download, pay in TEST MODE, see it paid, download it, get one e-mail."""
    response = checkout(product, digital)
    order = Order.objects.get(customer=user)
    assert response.url == reverse("simulated_checkout", args=[order.checkout_session_id])
    assert order.status == Status.PENDING
    assert (order.subtotal_amount, order.shipping_amount, order.total_amount) == (500, 0, 500)
    assert order.shipping_address is None

    page = user_client.get(response.url).content.decode()
    assert "TEST MODE" in page
    assert "Pay $5.00" in page

    paid = pay(user_client, order)
    assert reverse("order_success", args=[order.public_id]) + "?session_id=" in paid.url
    success = user_client.get(paid.url).content.decode()
    assert "Your order is paid" in success
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    assert [e.to_status for e in order.events.all()] == ["pending", "paid", "delivered"]

    item = order.items.get()
    download = user_client.get(reverse("order_item_download", args=[order.public_id, item.pk]))
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith('attachment; filename="aigallery-')
    with product.image.image.open("rb") as original:
        assert b"".join(download.streaming_content) == original.read()

    run_tasks()
    assert len(mail.outbox) == 1
    assert "Your AI Gallery download is ready" in mail.outbox[0].subject
    assert mail.outbox[0].to == [user.email]


def test_print_order_prefills_address_and_charges_shipping(
    checkout, user_client, user, product, print_small
):
    """A print order starts from the profile address, may change it, and adds shipping."""
    ShippingAddress.objects.create(
        user=user,
        full_name="박지민",
        line1="테헤란로 152",
        city="서울",
        postal_code="06236",
        country="KR",
    )
    user_client.post(reverse("cart_add", args=[product.slug]), {"format": print_small.pk})
    cart = user_client.get(reverse("cart")).content.decode()
    assert 'value="박지민"' in cart
    user_client.post(reverse("cart_item_remove", args=[user.cart.items.get().pk]))
    checkout(
        product, print_small, quantity=2, address={**ADDRESS, "ship-full_name": "박지민 (회사)"}
    )
    order = Order.objects.get()
    assert order.total_amount == 2 * 2400 + 600
    assert order.shipping_address["full_name"] == "박지민 (회사)"
    assert order.shipping_address["country"] == "KR"
    pay(user_client, order)
    order.refresh_from_db()
    assert order.status == Status.PAID
    assert user.shipping_address.full_name == "박지민"  # the profile is untouched


def test_print_order_without_address_is_refused(checkout, product, print_small):
    """A print needs an address: the form says which fields are missing."""
    response = checkout(product, print_small, address={"ship-full_name": "Only a name"}, expect=400)
    assert "This field is required." in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": 999999, "quantity": 1}, "Choose one of the formats on offer."),
        ({"format": "abc", "quantity": 1}, "Choose one of the formats on offer."),
        ({"quantity": 0}, "Order at least 1 copy."),
        ({"quantity": 11}, "Order at most 10 copies of one item."),
        ({"quantity": "lots"}, "The quantity must be a whole number."),
        ({"fit": "stretch"}, "Choose crop to fill or fit with a border."),
        ({"position": "../../etc"}, "Choose which part of the picture to keep."),
        ({"quantity": 1, "price": "0.01", "total_amount": "1"}, None),
    ],
)
def test_tampered_order_input(user_client, product, digital, data, message):
    """Tampered formats or quantities get a 400 and put nothing in the cart; a sent price or
    a crop for a download is ignored."""
    payload = {"format": digital.pk, **data}
    response = user_client.post(reverse("cart_add", args=[product.slug]), payload)
    if message is None:
        assert response.status_code == 302
        item = CartItem.objects.get()
        assert (item.seen_unit_amount, item.fit) == (500, "")
        assert "$5.00" in user_client.get(reverse("cart")).content.decode()
        return
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CartItem.objects.exists()


def test_inactive_and_unprintable_formats_cannot_be_ordered(
    user_client, product, digital, print_large
):
    """A deactivated format or a print the image cannot fill is refused."""
    print_large_response = user_client.post(
        reverse("cart_add", args=[product.slug]),
        {"format": print_large.pk, "quantity": 1, **ADDRESS},
    )
    assert print_large_response.status_code == 400
    assert "Needs at least 1772 × 1772 px" in print_large_response.content.decode()
    digital.active = False
    digital.save()
    response = user_client.post(
        reverse("cart_add", args=[product.slug]), {"format": digital.pk, "quantity": 1}
    )
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_someone_elses_private_image_cannot_be_ordered(user_client, other_user, digital):
    """Ordering another user's private image is a 404, even knowing its address."""
    private = ImageFactory(owner=other_user)
    assert user_client.post(reverse("image_order", args=[private.public_id])).status_code == 404
    from products.services import product_for_image

    product = product_for_image(image=private)
    assert user_client.get(reverse("cart_add", args=[product.slug])).status_code == 404
    assert user_client.get(reverse("product_detail", args=[product.slug])).status_code == 404


def test_own_private_image_can_be_ordered(user_client, user, digital, shop):
    """'Order this' on one's own private image leads to the order form."""
    mine = ImageFactory(owner=user)
    response = user_client.post(reverse("image_order", args=[mine.public_id]))
    assert response.status_code == 302
    assert user_client.get(response.url).status_code == 200
    assert mine.visibility == GeneratedImage.Visibility.PRIVATE


def test_checking_out_twice_reuses_the_order_and_session(checkout, user_client, product, digital):
    """A double submit or a second 'Pay now' gives the same order and session."""
    first = checkout(product, digital)
    second = user_client.post(reverse("cart_checkout"))
    assert first.url == second.url
    order = Order.objects.get()
    again = user_client.post(reverse("order_pay", args=[order.public_id]))
    assert again.url == first.url
    assert order.simulated_checkouts.count() == 1


def test_declined_payment_then_retry(checkout, user_client, product, digital, run_tasks):
    """A declined test card marks the payment failed; paying again succeeds."""
    checkout(product, digital)
    order = Order.objects.get()
    response = pay(user_client, order, action="decline")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.PAYMENT_FAILED
    assert "Pay now" in user_client.get(order.get_absolute_url()).content.decode()

    retry = user_client.post(reverse("order_pay", args=[order.public_id]))
    order.refresh_from_db()
    assert retry.url == reverse("simulated_checkout", args=[order.checkout_session_id])
    pay(user_client, order)
    order.refresh_from_db()
    assert order.status == Status.DELIVERED


def test_cancel_from_checkout_then_cancel_order(checkout, user_client, product, digital):
    """Cancel at checkout keeps the order pending; cancelling the order closes it."""
    checkout(product, digital)
    order = Order.objects.get()
    back = pay(user_client, order, action="cancel")
    assert back.url.endswith(reverse("order_canceled", args=[order.public_id]))
    assert "Payment canceled" in user_client.get(back.url).content.decode()
    order.refresh_from_db()
    assert order.status == Status.PENDING
    user_client.post(reverse("order_cancel", args=[order.public_id]))
    order.refresh_from_db()
    assert order.status == Status.CANCELED
    assert (
        "This checkout"
        in user_client.get(
            reverse("simulated_checkout", args=[order.checkout_session_id])
        ).content.decode()
    )


def test_orders_are_private(client, user, other_user, checkout, product, digital):
    """Nobody sees, pays, cancels or downloads another customer's order."""
    checkout(product, digital)
    order = Order.objects.get()
    client.force_login(other_user)
    for name in ("order_detail", "order_success", "order_canceled", "order_receipt"):
        assert client.get(reverse(name, args=[order.public_id])).status_code == 404
    item = order.items.get()
    download = reverse("order_item_download", args=[order.public_id, item.pk])
    assert client.get(download).status_code == 404
    for name in ("order_pay", "order_cancel"):
        assert client.post(reverse(name, args=[order.public_id])).status_code == 404
    assert (
        client.get(reverse("simulated_checkout", args=[order.checkout_session_id])).status_code
        == 404
    )
    assert order.short_id not in client.get(reverse("order_list")).content.decode()


def test_unpaid_order_has_no_download(checkout, user_client, product, digital):
    """The download opens only after payment."""
    checkout(product, digital)
    order = Order.objects.get()
    item = order.items.get()
    download = reverse("order_item_download", args=[order.public_id, item.pk])
    response = user_client.get(download, follow=True)
    assert "The download opens once the order is paid." in response.content.decode()


def test_order_detail_shows_the_timeline(checkout, user_client, product, print_small):
    """The order page lists each status change with its date."""
    checkout(product, print_small, address=ADDRESS)
    order = Order.objects.get()
    pay(user_client, order)
    page = user_client.get(order.get_absolute_url()).content.decode()
    assert "Awaiting payment" in page
    assert "payment received" in page
    assert "Kim Min-ji" in page


def test_korean_won_is_zero_decimal(settings, checkout, product, shop):
    """In KRW prices go to Stripe in whole won, and show without decimals."""
    from tests.products.factories import FormatFactory

    settings.SHOP_CURRENCY = "krw"
    fmt = FormatFactory(price=Decimal("5000"))
    checkout(product, fmt, quantity=3)
    order = Order.objects.get()
    assert (order.currency, order.items.get().unit_amount, order.total_amount) == (
        "krw",
        5000,
        15000,
    )
    assert order.total_display == "₩15,000"


@pytest.mark.parametrize("count", [1, 24, 50, 1000])
def test_my_orders_query_count_is_constant(
    user_client, user, product, digital, count, django_assert_max_num_queries
):
    """My orders costs the same few queries for 1, 24, 50 or 1,000 orders."""
    orders = Order.objects.bulk_create(
        Order(
            customer=user,
            currency="usd",
            subtotal_amount=500,
            total_amount=500,
            email=user.email,
        )
        for _ in range(count)
    )
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            product=product,
            format=digital,
            quantity=1,
            unit_amount=500,
            line_amount=500,
        )
        for order in orders
    )
    with django_assert_max_num_queries(6):
        page = user_client.get(reverse("order_list")).content.decode()
    assert page.count("<tr>") - 1 == min(count, 24)


def test_my_orders_page_follows_status_changes_at_once(
    checkout, user_client, product, digital, any_cache
):
    """A cached My orders page is replaced the moment an order changes (memory or Redis)."""
    checkout(product, digital)
    order = Order.objects.get()
    assert "Awaiting payment" in user_client.get(reverse("order_list")).content.decode()
    pay(user_client, order)
    assert "Delivered" in user_client.get(reverse("order_list")).content.decode()


def test_order_changes_reach_the_notification_bell_once(
    checkout, user_client, user, product, digital
):
    """Paying makes one 'paid' and one 'delivered' notification, however often it is told."""
    from notifications.models import Notification

    checkout(product, digital)
    order = Order.objects.get()
    pay(user_client, order)
    pay(user_client, order)  # the page pressed again: nothing new
    texts = list(Notification.objects.filter(recipient=user).values_list("text", flat=True))
    assert sorted(texts) == sorted(
        [f"Order {order.short_id} is paid.", f"Order {order.short_id} is delivered."]
    )
