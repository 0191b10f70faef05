"""The cart: what a shopper gathers, sees priced and changes before paying, with or without JS."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ShippingAddress
from products.models import Product
from products.services import image_publish, product_for_image
from purchases.models import MAX_CART_ITEMS, MAX_QUANTITY, Cart, CartItem, Order
from tests.dalle.factories import ImageFactory
from tests.factories import PASSWORD, UserFactory
from tests.products.factories import FormatFactory, bulk_products
from tests.purchases.conftest import ADDRESS

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def add(client, product, fmt, quantity: int = 1, **crop):
    return client.post(
        reverse("cart_add", args=[product.slug]), {"format": fmt.pk, "quantity": quantity, **crop}
    )


def cart_page(client) -> str:
    return client.get(reverse("cart")).content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def log_in(client, user):
    """Log in through the form, as a person does (the middleware merges the cart then)."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def other_cart_item(product, fmt) -> CartItem:
    cart = Cart.objects.create(customer=UserFactory())
    return CartItem.objects.create(
        cart=cart,
        product=product,
        format=fmt,
        quantity=3,
        seen_unit_amount=500,
        seen_currency="usd",
    )


# A visitor's cart, and log-in.


def test_a_visitor_shops_with_a_cart_kept_in_the_session(client, product, digital):
    """Without an account the cart lives in the session: the page lists it, the header counts it,
    and checking out asks to log in."""
    response = add(client, product, digital, quantity=2)
    assert response.status_code == 302
    assert response.url == reverse("cart")
    assert response.cookies["cart_count"].value == "2"
    cart = Cart.objects.get()
    assert cart.customer is None
    assert client.session["cart_token"] == str(cart.token)
    page = cart_page(client)
    assert product.name[:40] in page
    assert "Log in to check out" in page
    assert "Check out ·" not in page

    checkout = client.post(reverse("cart_checkout"))
    assert checkout.status_code == 302
    assert checkout.url.startswith(reverse("login"))
    assert not Order.objects.exists()


def test_another_visitor_does_not_see_the_cart(client, product, digital):
    """A second browser has an empty cart of its own."""
    add(client, product, digital)
    client.cookies.clear()
    assert "Your cart is empty." in cart_page(client)


def test_the_visitors_cart_joins_the_account_at_log_in(client, user, product, digital, print_small):
    """At log-in the visitor's items join the customer's cart: copies of the same item add up
    (never past the limit), other items are added, the header counts them all."""
    Cart.objects.create(customer=user)
    user.cart.items.create(
        product=product, format=digital, quantity=7, seen_unit_amount=500, seen_currency="usd"
    )
    add(client, product, digital, quantity=5)
    add(client, product, print_small, quantity=2, fit="fit", position="center")

    response = log_in(client, user)

    items = {item.format_id: item.quantity for item in Cart.objects.get(customer=user).items.all()}
    assert items == {digital.pk: MAX_QUANTITY, print_small.pk: 2}
    assert Cart.objects.count() == 1  # the visitor's cart is gone
    assert "cart_token" not in client.session
    assert response.cookies["cart_count"].value == str(MAX_QUANTITY + 2)
    page = cart_page(client)
    assert "Fit the whole picture" in page
    assert f'value="{MAX_QUANTITY}"' in page


def test_log_in_says_what_did_not_fit_in_the_cart(client, user, product, digital):
    """Copies beyond ten, and items beyond twenty, are left out at log-in, and the shopper is
    told so rather than finding them gone."""
    formats = [FormatFactory(name=f"Download {n}") for n in range(MAX_CART_ITEMS + 1)]
    cart = Cart.objects.create(customer=user)
    for fmt in formats[: MAX_CART_ITEMS - 1]:
        cart.items.create(
            product=product, format=fmt, quantity=8, seen_unit_amount=500, seen_currency="usd"
        )
    add(client, product, formats[0], quantity=5)  # 8 + 5: two copies too many
    add(client, product, formats[-2])  # the twentieth item: fits
    add(client, product, formats[-1])  # the twenty-first: does not

    landed = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert cart.items.count() == MAX_CART_ITEMS
    assert cart.items.get(format=formats[0]).quantity == MAX_QUANTITY
    assert [m for m in messages_of(landed) if not m.startswith("Added")] == [
        f"Your cart holds at most {MAX_CART_ITEMS} different items, so 1 item you added before "
        "logging in was left out. One item holds at most 10 copies, so 1 item has fewer copies "
        "than you added."
    ]
    assert landed.redirect_chain[0][0] == "/"


def test_a_merge_within_the_limits_says_nothing(client, user, product, digital):
    """The usual log-in: no message about the cart."""
    add(client, product, digital)
    landed = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert [m for m in messages_of(landed) if not m.startswith("Added")] == []


def test_a_stale_visitor_token_keeps_the_accounts_count(client, user, product, digital):
    """A visitor cart that is gone (cleaned up) does not zero the header's count at log-in."""
    Cart.objects.create(customer=user).items.create(
        product=product, format=digital, quantity=3, seen_unit_amount=500, seen_currency="usd"
    )
    add(client, product, digital)
    Cart.objects.filter(customer=None).delete()
    response = log_in(client, user)
    assert response.cookies["cart_count"].value == "3"


def test_log_in_without_a_visitor_cart_sets_the_count_from_the_account(
    client, user, product, digital
):
    """A customer's saved cart shows in the header as soon as they log in on another browser."""
    Cart.objects.create(customer=user).items.create(
        product=product, format=digital, quantity=3, seen_unit_amount=500, seen_currency="usd"
    )
    response = log_in(client, user)
    assert response.cookies["cart_count"].value == "3"


def test_log_out_drops_the_count(client, user, product, digital):
    """After log-out the header no longer shows the customer's count."""
    log_in(client, user)
    add(client, product, digital)
    response = client.post(reverse("logout"))
    assert response.cookies["cart_count"]["max-age"] == 0


# The cart page.


def test_cart_page_shows_items_shipping_once_and_the_total(
    user_client, user, product, digital, print_small, print_large
):
    """Thumbnails, format and crop, copies, line totals, one shipping charge and the total."""
    other = product_for_image(image=ImageFactory(owner=user))  # one's own private image
    add(user_client, product, print_small, quantity=2, fit="fill", position="top")
    add(user_client, other, print_small, quantity=1, fit="fit")
    add(user_client, other, digital, quantity=3)
    page = cart_page(user_client)

    assert page.count('<tr id="cart-item-') == 3
    assert product.image.thumbnail_src in page
    assert other.image.thumbnail_src in page  # the private image through its checked preview
    assert 'Art print 15×15 cm<br><span class="muted">Crop to fill, keeping the top' in page
    assert "Fit the whole picture" in page
    assert '<td data-label="Line total">$48.00</td>' in page  # 2 × 24
    assert '<td data-label="Line total">$15.00</td>' in page  # 3 × 5
    assert '<th scope="row">Items (6)</th><td>$87.00</td>' in page
    assert page.count("Shipping</th>") == 1
    assert '$6.00 <span class="muted">(once for the whole order)' in page
    assert "<strong>$93.00</strong>" in page
    assert "Check out · $93.00" in page


def test_a_download_only_cart_has_no_shipping_and_no_address(user_client, product, digital):
    """Nothing to post: no shipping row and no address block."""
    add(user_client, product, digital)
    page = cart_page(user_client)
    assert "Shipping" not in page
    assert "Shipping address" not in page
    assert "Check out · $5.00" in page


def test_the_address_block_appears_with_a_print_prefilled_from_the_profile(
    user_client, user, product, digital, print_small
):
    """A print in the cart brings the address block, filled from the profile's address."""
    ShippingAddress.objects.create(
        user=user, full_name="박지민", line1="테헤란로 152", city="서울", postal_code="06236",
        country="KR",
    )  # fmt: skip
    add(user_client, product, digital)
    assert "Shipping address" not in cart_page(user_client)
    add(user_client, product, print_small, fit="fill", position="center")
    page = cart_page(user_client)
    assert "Shipping address" in page
    assert 'value="박지민"' in page
    assert 'value="테헤란로 152"' in page
    assert '<option value="KR" selected>' in page


def test_the_cart_fragment_is_what_htmx_gets(user_client, product, digital):
    """A page asked for by htmx is the #cart fragment alone, not the whole page."""
    add(user_client, product, digital)
    fragment = user_client.get(reverse("cart"), headers=HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="cart"')
    assert "<html" not in fragment
    assert "Check out · $5.00" in fragment


# Changing quantities and removing items.


def test_quantity_change_without_javascript_redirects_to_the_cart(user_client, product, digital):
    """A plain form post changes the copies and goes back to the cart page."""
    add(user_client, product, digital)
    item = CartItem.objects.get()
    response = user_client.post(reverse("cart_item_update", args=[item.pk]), {"quantity": 4})
    assert response.status_code == 302
    assert response.url == reverse("cart")
    assert response.cookies["cart_count"].value == "4"
    item.refresh_from_db()
    assert item.quantity == 4
    assert "Check out · $20.00" in cart_page(user_client)


def test_quantity_change_with_htmx_answers_with_the_cart_fragment(user_client, product, digital):
    """With htmx the new totals come back as the #cart fragment, and the header count follows."""
    add(user_client, product, digital)
    item = CartItem.objects.get()
    response = user_client.post(
        reverse("cart_item_update", args=[item.pk]), {"quantity": 3}, headers=HTMX
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="cart"')
    assert "<html" not in fragment
    assert '<td data-label="Line total">$15.00</td>' in fragment
    assert "Check out · $15.00" in fragment
    assert response.cookies["cart_count"].value == "3"


def test_removal_without_javascript_and_with_htmx(user_client, product, digital, print_small):
    """Remove goes back to the cart page without JS, and answers the fragment with htmx."""
    add(user_client, product, digital)
    add(user_client, product, print_small, fit="fill", position="center")
    download, print_ = CartItem.objects.order_by("id")
    plain = user_client.post(reverse("cart_item_remove", args=[download.pk]))
    assert (plain.status_code, plain.url) == (302, reverse("cart"))
    assert plain.cookies["cart_count"].value == "1"
    swapped = user_client.post(reverse("cart_item_remove", args=[print_.pk]), headers=HTMX)
    assert swapped.status_code == 200
    fragment = swapped.content.decode()
    assert fragment.lstrip().startswith('<div id="cart"')
    assert "Your cart is empty." in fragment
    assert swapped.cookies["cart_count"].value == "0"
    assert not CartItem.objects.exists()


def test_quantity_zero_takes_the_item_out(user_client, product, digital):
    """Setting the copies to 0 removes the item."""
    add(user_client, product, digital)
    item = CartItem.objects.get()
    user_client.post(reverse("cart_item_update", args=[item.pk]), {"quantity": 0})
    assert not CartItem.objects.exists()
    assert "Your cart is empty." in cart_page(user_client)


def test_a_visitor_changes_and_removes_items_too(client, product, digital):
    """The cart's buttons work for a visitor's session cart as for a customer's."""
    add(client, product, digital)
    item = CartItem.objects.get()
    client.post(reverse("cart_item_update", args=[item.pk]), {"quantity": 2})
    item.refresh_from_db()
    assert item.quantity == 2
    client.post(reverse("cart_item_remove", args=[item.pk]))
    assert not CartItem.objects.exists()


# Limits.


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (MAX_QUANTITY + 1, f"Order at most {MAX_QUANTITY} copies of one item."),
        (-1, "Order at least 1 copy."),
        ("two", "The quantity must be a whole number."),
        ("", "Say how many copies you want."),
    ],
)
def test_quantity_out_of_range_is_refused_with_a_message(
    user_client, product, digital, quantity, message
):
    """Too many, negative or no copies: the cart says why and nothing changes."""
    add(user_client, product, digital, quantity=2)
    item = CartItem.objects.get()
    url = reverse("cart_item_update", args=[item.pk])
    plain = user_client.post(url, {"quantity": quantity}, follow=True)
    assert message in messages_of(plain)
    swapped = user_client.post(url, {"quantity": quantity}, headers=HTMX)
    assert swapped.status_code == 400
    item.refresh_from_db()
    assert item.quantity == 2


def test_copies_of_one_item_stop_at_the_limit(user_client, product, digital):
    """Adding the same item past ten copies is refused and says how many are in the cart."""
    add(user_client, product, digital, quantity=8)
    response = add(user_client, product, digital, quantity=3)
    assert response.status_code == 400
    assert (
        f"You already have 8 in your cart; one item holds at most {MAX_QUANTITY} copies."
        in response.content.decode()
    )
    assert CartItem.objects.get().quantity == 8
    assert add(user_client, product, digital, quantity=2).status_code == 302
    assert CartItem.objects.get().quantity == MAX_QUANTITY


def test_a_cart_holds_at_most_twenty_items(user_client, product):
    """The 21st different item is refused with a message; the 20 already in stay."""
    formats = [FormatFactory(name=f"Download {n}") for n in range(MAX_CART_ITEMS + 1)]
    for fmt in formats[:MAX_CART_ITEMS]:
        assert add(user_client, product, fmt).status_code == 302
    response = add(user_client, product, formats[-1])
    assert response.status_code == 400
    assert (
        f"A cart holds at most {MAX_CART_ITEMS} different items: check out these first."
        in response.content.decode()
    )
    assert CartItem.objects.count() == MAX_CART_ITEMS
    # More copies of an item already in the cart are still fine.
    assert add(user_client, product, formats[0]).status_code == 302


# Tampering.


@pytest.mark.parametrize("action", ["cart_item_update", "cart_item_remove"])
@pytest.mark.parametrize("htmx", [False, True])
def test_another_carts_item_is_404_and_nothing_changes(user_client, product, digital, action, htmx):
    """An item id from someone else's cart (or none) is a 404; their cart is untouched."""
    add(user_client, product, digital)
    theirs = other_cart_item(product, digital)
    headers = HTMX if htmx else {}
    for item_id in (theirs.pk, 999999):
        response = user_client.post(
            reverse(action, args=[item_id]), {"quantity": 1}, headers=headers
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.quantity == 3
    assert CartItem.objects.count() == 2


def test_a_visitor_cannot_touch_a_customers_item(client, product, digital):
    """Without a cart of one's own, any item id is a 404."""
    theirs = other_cart_item(product, digital)
    assert client.post(reverse("cart_item_remove", args=[theirs.pk])).status_code == 404
    assert CartItem.objects.filter(pk=theirs.pk).exists()


def test_cart_buttons_accept_posts_only(user_client, product, digital):
    """A GET to a cart button changes nothing."""
    add(user_client, product, digital)
    item = CartItem.objects.get()
    assert user_client.get(reverse("cart_item_remove", args=[item.pk])).status_code == 405
    assert user_client.get(reverse("cart_checkout")).status_code == 405
    assert CartItem.objects.exists()


def test_another_customers_private_image_cannot_be_added(user_client, other_user, digital):
    """Knowing the address of someone's private artwork is not enough: 404, nothing added."""
    private = product_for_image(image=ImageFactory(owner=other_user))
    assert add(user_client, private, digital).status_code == 404
    assert not CartItem.objects.exists()


def test_a_visitor_cannot_add_a_private_image(client, other_user, digital):
    """Visitors order public artworks only."""
    private = product_for_image(image=ImageFactory(owner=other_user))
    assert add(client, private, digital).status_code == 404
    assert not Cart.objects.exists()


# Items that can no longer be bought, and prices that moved.


def test_an_artwork_taken_off_sale_is_flagged_and_checkout_refused(
    user_client, other_user, product, digital
):
    """When its owner makes an artwork private, the cart marks it and will not check out."""
    add(user_client, product, digital)
    image_publish(image=product.image, public=False)
    page = cart_page(user_client)
    assert "<strong>Cannot be paid for:</strong> This artwork is no longer available." in page
    assert "Remove the items marked “cannot be paid for” to check out." in page
    assert 'class="button large" disabled>Check out · $5.00</button>' in page

    response = user_client.post(reverse("cart_checkout"), follow=True)
    assert (
        f"{product.name}: This artwork is no longer available. Remove it from your cart to "
        "check out." in messages_of(response)
    )
    assert not Order.objects.exists()


def test_a_retired_format_is_flagged_and_checkout_refused(user_client, product, digital):
    """A format managers stopped selling is marked in the cart and cannot be paid for."""
    add(user_client, product, digital)
    digital.active = False
    digital.save()
    page = cart_page(user_client)
    assert "Cannot be paid for:</strong> “Digital download” is no longer sold." in page
    response = user_client.post(reverse("cart_checkout"), follow=True)
    assert (
        f"{product.name}: “Digital download” is no longer sold. Remove it from your cart to "
        "check out." in messages_of(response)
    )
    assert not Order.objects.exists()
    # Taking it out clears the way.
    user_client.post(reverse("cart_item_remove", args=[CartItem.objects.get().pk]))
    assert "Your cart is empty." in cart_page(user_client)


def test_ones_own_private_artwork_stays_orderable(user_client, user, digital, shop):
    """A private image is not "unavailable" to its owner."""
    mine = product_for_image(image=ImageFactory(owner=user))
    add(user_client, mine, digital)
    assert "Cannot be paid for" not in cart_page(user_client)
    assert user_client.post(reverse("cart_checkout")).status_code == 302
    assert Order.objects.get().items.get().product == mine


def test_a_price_change_is_told_and_the_first_checkout_refused(user_client, product, digital):
    """The cart names the new and old price; the first checkout stops to say so, the second
    goes through at the new price."""
    add(user_client, product, digital, quantity=2)
    digital.price = Decimal("6.50")
    digital.save()
    page = cart_page(user_client)
    assert "Some prices changed since you added these items:" in page
    assert "(Digital download): now $6.50, was $5.00" in page
    assert "Check out · $13.00" in page

    first = user_client.post(reverse("cart_checkout"), follow=True)
    assert messages_of(first) == [
        f"Prices changed since you added them: {product.name} (Digital download) is now $6.50, "
        "was $5.00. Check the new total, then check out again."
    ]
    assert not Order.objects.exists()
    assert "Some prices changed" not in cart_page(user_client)

    second = user_client.post(reverse("cart_checkout"))
    order = Order.objects.get()
    assert second.url == reverse("simulated_checkout", args=[order.checkout_session_id])
    assert order.total_amount == 1300


def test_a_price_change_at_checkout_keeps_the_typed_address(user_client, product, print_small):
    """The refused checkout shows the cart again with the address as typed, so that pressing
    once more goes through."""
    add(user_client, product, print_small, fit="fill", position="center")
    print_small.price = Decimal("26.00")
    print_small.save()
    refused = user_client.post(reverse("cart_checkout"), ADDRESS)
    assert refused.status_code == 409
    assert messages_of(refused)[-1].startswith("Prices changed since you added them:")
    page = refused.content.decode()
    assert 'value="Kim Min-ji"' in page
    assert 'value="110 Sejong-daero"' in page
    assert "Check out · $32.00" in page
    assert not Order.objects.exists()
    assert user_client.post(reverse("cart_checkout"), ADDRESS).status_code == 302
    assert Order.objects.get().total_amount == 3200


def test_a_price_sent_by_the_browser_is_ignored(user_client, product, digital):
    """A price or total in the form is not read: the server's price stands."""
    user_client.post(
        reverse("cart_add", args=[product.slug]),
        {"format": digital.pk, "quantity": 1, "seen_unit_amount": 1, "unit_amount": 1},
    )
    assert CartItem.objects.get().seen_unit_amount == 500
    user_client.post(reverse("cart_checkout"), {"total_amount": 1, "subtotal_amount": 1})
    assert Order.objects.get().total_amount == 500


# The header count.


def test_the_header_count_follows_each_change(user_client, product, digital, print_small):
    """Add, change and remove each set the cart-count cookie to the number of copies."""
    assert add(user_client, product, digital, quantity=2).cookies["cart_count"].value == "2"
    added = add(user_client, product, print_small, quantity=3, fit="fill", position="center")
    assert added.cookies["cart_count"].value == "5"
    item = CartItem.objects.get(format=print_small)
    changed = user_client.post(reverse("cart_item_update", args=[item.pk]), {"quantity": 1})
    assert changed.cookies["cart_count"].value == "3"
    removed = user_client.post(reverse("cart_item_remove", args=[item.pk]))
    assert removed.cookies["cart_count"].value == "2"


def test_the_count_cookie_is_not_readable_across_sites(user_client, product, digital):
    """The cookie is SameSite=Lax, and carries a number only."""
    cookie = add(user_client, product, digital).cookies["cart_count"]
    assert cookie["samesite"] == "Lax"
    assert cookie.value.isdigit()


# Query counts.


def fill_cart(user, count: int, fmt) -> None:
    """Many prints in the cart at once (what `count` calls of cart_add would leave)."""
    cart, _ = Cart.objects.get_or_create(customer=user)
    Cart.objects.filter(pk=cart.pk).update(version=F("version") + 1)
    products = bulk_products(count, prompt=f"Cart painting {cart.items.count()}")
    CartItem.objects.bulk_create(
        CartItem(
            cart=cart,
            product=p,
            format=fmt,
            fit="fill",
            position="center",
            seen_unit_amount=2400,
            seen_currency="usd",
        )
        for p in products
    )


def queries_for(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_cart_page_costs_the_same_queries_for_1_and_20_items(
    user_client, user, print_small, shop, htmx, django_assert_max_num_queries
):
    """The cart with 20 prints costs no more queries than with one."""
    ShippingAddress.objects.create(
        user=user, full_name="Kim", line1="1 Road", city="Seoul", postal_code="1", country="KR"
    )
    headers = HTMX if htmx else {}
    fill_cart(user, 1, print_small)
    one = queries_for(user_client, reverse("cart"), **headers)
    fill_cart(user, MAX_CART_ITEMS - 1, print_small)
    with django_assert_max_num_queries(one):
        page = user_client.get(reverse("cart"), headers=headers).content.decode()
    assert page.count('<tr id="cart-item-') == MAX_CART_ITEMS
    assert "Cannot be paid for" not in page
    assert one <= 10


def test_order_page_costs_the_same_queries_for_1_and_20_items(
    user_client, user, print_small, shop, django_assert_max_num_queries
):
    """An order of 20 items costs no more queries than an order of one."""
    fill_cart(user, 1, print_small)
    user_client.post(reverse("cart_checkout"), ADDRESS)
    small = Order.objects.get()
    one = queries_for(user_client, small.get_absolute_url())
    user_client.post(reverse("cart_item_remove", args=[user.cart.items.get().pk]))
    fill_cart(user, MAX_CART_ITEMS, print_small)
    user_client.post(reverse("cart_checkout"), ADDRESS)
    large = Order.objects.exclude(pk=small.pk).get()
    assert large.items.count() == MAX_CART_ITEMS
    with django_assert_max_num_queries(one):
        page = user_client.get(large.get_absolute_url()).content.decode()
    assert page.count('<td data-label="Format">') == MAX_CART_ITEMS
    assert one <= 12
    assert Product.objects.count() == MAX_CART_ITEMS + 1
