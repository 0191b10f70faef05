import pytest

from accounts.models import ShippingAddress
from products.models import Product
from purchases.models import CartItem, Order
from tests.dalle.factories import ImageFactory
from tests.purchases.conftest import ADDRESS

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"
SHIP_TO = {key.removeprefix("ship-"): value for key, value in ADDRESS.items()}


def test_create_order_returns_the_checkout_url(user_client, product, print_small):
    """POST makes the order with server-side prices and answers with where to pay."""
    response = user_client.post(
        URL,
        {
            "product": product.slug,
            "format": print_small.pk,
            "quantity": 2,
            "shipping_address": SHIP_TO,
            "total_amount": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    assert (
        body["checkout_url"]
        == f"http://testserver/purchases/test-checkout/{order.checkout_session_id}/"
    )
    assert body["total_amount"] == 2 * 2400 + 600
    assert body["shipping_address"]["city"] == "Seoul"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"format": 99999, "quantity": 1}, 400, "format"),
        ({"quantity": 0}, 400, "quantity"),
        ({"quantity": "many"}, 400, "quantity"),
        ({"product": "no-such-product"}, 404, None),
    ],
)
def test_bad_orders(user_client, product, digital, payload, status, field):
    """Unknown formats, bad quantities and unknown products create nothing."""
    body = {"product": product.slug, "format": digital.pk, "quantity": 1, **payload}
    response = user_client.post(URL, body, content_type="application/json")
    assert response.status_code == status
    if field:
        assert field in response.json()["error"]["fields"]
    assert not Order.objects.exists()


def test_print_without_address_is_refused(user_client, product, print_small):
    """A print order needs a shipping address."""
    response = user_client.post(
        URL, {"product": product.slug, "format": print_small.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "A print needs a shipping address."


def test_someone_elses_private_image_is_404(user_client, other_user, digital):
    """Ordering another user's private image through the API is a 404."""
    from products.services import product_for_image

    private = product_for_image(image=ImageFactory(owner=other_user))
    response = user_client.post(
        URL, {"product": private.slug, "format": digital.pk}, content_type="application/json"
    )
    assert response.status_code == 404


def test_orders_are_visible_to_their_customer_only(
    client, user, other_user, manager, product, digital
):
    """Owner lists and reads; another user and anonymous do not; staff use the staff list."""
    client.force_login(user)
    order_id = client.post(
        URL, {"product": product.slug, "format": digital.pk}, content_type="application/json"
    ).json()["id"]
    assert client.get(f"{URL}{order_id}/").json()["status"] == "pending"
    assert client.get(URL).json()["count"] == 1
    for intruder in (other_user, manager):
        client.force_login(intruder)
        assert client.get(f"{URL}{order_id}/").status_code == 404
    client.logout()
    assert client.get(URL).status_code in (401, 403)


def test_staff_orders_with_filters(client, user, manager, product, digital):
    """Managers list every order with filters; shoppers are refused."""
    client.force_login(user)
    client.post(
        URL, {"product": product.slug, "format": digital.pk}, content_type="application/json"
    )
    assert client.get("/api/v1/staff/orders/").status_code == 403
    client.force_login(manager)
    body = client.get("/api/v1/staff/orders/", {"status": "pending", "q": user.username}).json()
    assert body["count"] == 1
    assert body["results"][0]["customer"] == user.username
    assert client.get("/api/v1/staff/orders/", {"status": "paid"}).json()["count"] == 0
    assert client.get("/api/v1/staff/orders/", {"from": "garbage"}).status_code == 200


# Several items, and one's own generations.

CART = "/api/v1/cart/"
CART_ITEMS = "/api/v1/cart/items/"
CHECKOUT = "/api/v1/cart/checkout/"


def post(client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def patch(client, url: str, body: dict):
    return client.patch(url, body, content_type="application/json")


def assert_error(response, status: int, code: str, message: str | None = None) -> dict:
    """The API's one error shape: {"error": {"code", "message", "fields"?}}."""
    assert response.status_code == status, response.content.decode()[:500]
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if message is not None:
        assert error["message"] == message
    return error


def test_an_order_of_several_items_by_slug_and_by_own_generation(
    user_client, user, product, digital, print_small
):
    """Items named by a product's slug or by one's own private generation: one order."""
    mine = ImageFactory(owner=user)
    response = post(
        user_client,
        URL,
        {
            "items": [
                {"product": product.slug, "format": print_small.pk, "quantity": 2,
                 "fit": "fit"},
                {"generation": str(mine.public_id), "format": digital.pk},
                {"generation": str(product.image.public_id), "format": digital.pk},
            ],
            "shipping_address": SHIP_TO,
        },
    )  # fmt: skip
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert [(i["product"], i["format_id"], i["quantity"], i["fit"]) for i in body["items"]] == [
        (product.slug, print_small.pk, 2, "fit"),
        (mine.product.slug, digital.pk, 1, ""),
        (product.slug, digital.pk, 1, ""),
    ]
    assert (body["subtotal_amount"], body["shipping_amount"], body["total_amount"]) == (
        2 * 2400 + 500 + 500,
        600,
        6400,
    )
    assert body["checkout_url"].startswith("http://testserver/purchases/test-checkout/")
    mine.refresh_from_db()
    assert mine.visibility == "private"  # ordering it did not publish it


def test_another_customers_private_generation_is_404(user_client, other_user, product, digital):
    """A generation id of someone else's private image is a 404, and nothing is created."""
    private = ImageFactory(owner=other_user)
    response = post(
        user_client,
        URL,
        {
            "items": [
                {"product": product.slug, "format": digital.pk},
                {"generation": str(private.public_id), "format": digital.pk},
            ]
        },
    )
    assert_error(response, 404, "not_found")
    assert not Order.objects.exists()
    assert not Product.objects.filter(image=private).exists()


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"product": None}, "items.0.non_field_errors"),
        ({"product": "x", "generation": "7e0a3ad5-0000-4000-8000-000000000000"}, None),
        ({"generation": "not-a-uuid"}, "items.0.generation"),
        ({"quantity": 11}, "items.0.quantity"),
        ({"fit": "stretch"}, "items.0.fit"),
        ({"position": "middle"}, "items.0.position"),
        ({"format": 99999}, "items.0.format"),
    ],
)
def test_bad_items_are_400_with_the_field_named(user_client, product, digital, item, field):
    """Each bad item names its field in the usual error shape; nothing is created."""
    line = {"product": product.slug, "format": digital.pk, **item}
    line = {name: value for name, value in line.items() if value is not None}
    error = assert_error(post(user_client, URL, {"items": [line]}), 400, "invalid")
    if field:
        assert field in error["fields"]
    assert not Order.objects.exists()


def test_more_than_twenty_items_are_refused(user_client, product, digital):
    """An order holds at most 20 items."""
    items = [{"product": product.slug, "format": digital.pk}] * 21
    error = assert_error(post(user_client, URL, {"items": items}), 400, "invalid")
    assert error["fields"] == {
        "items.non_field_errors": ["Ensure this field has no more than 20 elements."]
    }
    assert not Order.objects.exists()


def test_a_print_order_uses_the_profile_address_unless_one_is_given(
    user_client, user, product, print_small
):
    """Without `shipping_address` the profile's address is used; a given one wins."""
    ShippingAddress.objects.create(
        user=user, full_name="박지민", line1="테헤란로 152", city="서울", postal_code="06236",
        country="KR",
    )  # fmt: skip
    line = {"product": product.slug, "format": print_small.pk}
    profile = post(user_client, URL, {"items": [line]})
    assert profile.status_code == 201
    assert profile.json()["shipping_address"]["full_name"] == "박지민"
    given = post(user_client, URL, {"items": [line], "shipping_address": SHIP_TO})
    assert given.status_code == 201
    assert given.json()["shipping_address"]["full_name"] == "Kim Min-ji"
    assert user.shipping_address.full_name == "박지민"


def test_the_same_order_sent_twice_is_one_order(user_client, product, digital):
    """A client's retry of the same request gets the same order and checkout."""
    body = {"items": [{"product": product.slug, "format": digital.pk, "quantity": 2}]}
    first, second = post(user_client, URL, body), post(user_client, URL, body)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["checkout_url"] == second.json()["checkout_url"]
    assert Order.objects.count() == 1


# The cart.


def test_cart_endpoints_add_change_remove(user_client, user, product, digital, print_small):
    """GET, POST items, PATCH and DELETE: each answers the cart priced now."""
    empty = user_client.get(CART).json()
    assert (empty["items"], empty["count"], empty["can_checkout"]) == ([], 0, False)

    added = post(user_client, CART_ITEMS, {"product": product.slug, "format": digital.pk})
    assert added.status_code == 201
    mine = ImageFactory(owner=user)
    body = post(
        user_client,
        CART_ITEMS,
        {"generation": str(mine.public_id), "format": print_small.pk, "quantity": 2,
         "position": "top"},
    ).json()  # fmt: skip
    assert [(i["name"], i["quantity"], i["fit"], i["position"]) for i in body["items"]] == [
        (product.name, 1, "", ""),
        (mine.product.name, 2, "fill", "top"),
    ]
    assert (body["subtotal_amount"], body["shipping_amount"], body["total_amount"]) == (
        500 + 4800,
        600,
        5900,
    )
    assert (body["total"], body["count"], body["can_checkout"]) == ("$59.00", 3, True)

    print_id = body["items"][1]["id"]
    changed = patch(user_client, f"{CART_ITEMS}{print_id}/", {"quantity": 3})
    assert changed.status_code == 200
    assert changed.json()["items"][1]["line_amount"] == 7200
    removed = user_client.delete(f"{CART_ITEMS}{print_id}/")
    assert removed.status_code == 200
    assert [i["format_id"] for i in removed.json()["items"]] == [digital.pk]
    zero = patch(user_client, f"{CART_ITEMS}{body['items'][0]['id']}/", {"quantity": 0})
    assert zero.json()["items"] == []
    assert not CartItem.objects.exists()


def test_cart_api_refuses_bad_input_in_the_usual_shape(user_client, other_user, product, digital):
    """Someone's private image, someone's item, too many copies: 4xx, nothing changes."""
    private = ImageFactory(owner=other_user)
    assert_error(
        post(user_client, CART_ITEMS, {"generation": str(private.public_id), "format": digital.pk}),
        404,
        "not_found",
    )
    item_id = post(user_client, CART_ITEMS, {"product": product.slug, "format": digital.pk}).json()[
        "items"
    ][0]["id"]
    error = assert_error(
        patch(user_client, f"{CART_ITEMS}{item_id}/", {"quantity": 11}), 400, "invalid"
    )
    assert "quantity" in error["fields"]
    assert_error(
        post(user_client, CART_ITEMS, {"product": product.slug, "format": digital.pk,
                                       "quantity": 10}),
        400,
        "invalid",
        "You already have 1 in your cart; one item holds at most 10 copies.",
    )  # fmt: skip

    from purchases.models import Cart

    theirs = Cart.objects.create(customer=other_user).items.create(
        product=product, format=digital, quantity=2, seen_unit_amount=500, seen_currency="usd"
    )
    assert_error(
        patch(user_client, f"{CART_ITEMS}{theirs.pk}/", {"quantity": 5}),
        404,
        "not_found",
        "No such item in your cart.",
    )
    assert_error(user_client.delete(f"{CART_ITEMS}{theirs.pk}/"), 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.quantity == 2
    assert CartItem.objects.get(pk=item_id).quantity == 1


def test_cart_checkout_then_prices_changed_409(user_client, product, digital):
    """Checkout answers the order and where to pay; after a price change it answers 409 once,
    naming the change, and then goes through."""
    post(user_client, CART_ITEMS, {"product": product.slug, "format": digital.pk})
    digital.price = "7.00"
    digital.save()
    cart = user_client.get(CART).json()
    assert cart["items"][0]["price_was"] == 500
    assert cart["items"][0]["unit_amount"] == 700

    refused = post(user_client, CHECKOUT, {})
    assert_error(
        refused,
        409,
        "prices_changed",
        f"Prices changed since you added them: {product.name} (Digital download) is now $7.00, "
        "was $5.00. Check the new total, then check out again.",
    )
    assert not Order.objects.exists()
    assert user_client.get(CART).json()["items"][0]["price_was"] is None

    placed = post(user_client, CHECKOUT, {})
    assert placed.status_code == 201
    body = placed.json()
    assert body["total_amount"] == 700
    assert body["checkout_url"].startswith("http://testserver/purchases/test-checkout/")
    assert post(user_client, CHECKOUT, {}).json()["id"] == body["id"]  # the same, not a second


def test_cart_checkout_of_prints_uses_the_profile_address(user_client, user, product, print_small):
    """A print in the cart: the profile's address, or a 400 naming what is missing."""
    post(user_client, CART_ITEMS, {"product": product.slug, "format": print_small.pk})
    assert_error(
        post(user_client, CHECKOUT, {}), 400, "invalid", "A print needs a shipping address."
    )
    ShippingAddress.objects.create(
        user=user, full_name="Lee", line1="1 Road", city="Busan", postal_code="48058", country="KR"
    )
    body = post(user_client, CHECKOUT, {}).json()
    assert body["shipping_address"]["city"] == "Busan"
    assert body["shipping_amount"] == 600
    given = post(user_client, CHECKOUT, {"shipping_address": SHIP_TO}).json()
    assert given["shipping_address"]["city"] == "Seoul"
    assert given["id"] != body["id"]
    assert Order.objects.get(public_id=body["id"]).status == "canceled"


def test_cart_checkout_refuses_an_empty_cart_and_unavailable_items(user_client, product, digital):
    """An empty cart and an item no longer sold are 400s with the reason."""
    assert_error(post(user_client, CHECKOUT, {}), 400, "invalid", "Your cart is empty.")
    post(user_client, CART_ITEMS, {"product": product.slug, "format": digital.pk})
    digital.active = False
    digital.save()
    cart = user_client.get(CART).json()
    assert cart["can_checkout"] is False
    assert cart["items"][0]["problem"] == "“Digital download” is no longer sold."
    assert_error(
        post(user_client, CHECKOUT, {}),
        400,
        "invalid",
        f"{product.name}: “Digital download” is no longer sold. Remove it from your cart to "
        "check out.",
    )
    assert not Order.objects.exists()


def test_cart_api_is_for_signed_in_clients(client, product, digital):
    """Anonymous calls are refused in the error shape."""
    for response in (
        client.get(CART),
        post(client, CART_ITEMS, {"product": product.slug, "format": digital.pk}),
        post(client, CHECKOUT, {}),
    ):
        assert response.status_code in (401, 403)
        assert response.json()["error"]["code"]
    assert not CartItem.objects.exists()


def test_an_api_token_client_has_the_same_cart(client, user, product, digital):
    """With a bearer token (no session cookie kept) the cart is the account's, call after call."""
    from accounts.services import api_token_create

    _, key = api_token_create(user=user, name="script")
    auth = {"Authorization": f"Bearer {key}"}
    post_ = client.post(
        CART_ITEMS,
        {"product": product.slug, "format": digital.pk},
        content_type="application/json",
        headers=auth,
    )
    assert post_.status_code == 201
    client.cookies.clear()
    assert client.get(CART, headers=auth).json()["count"] == 1
    placed = client.post(CHECKOUT, {}, content_type="application/json", headers=auth)
    assert placed.status_code == 201


# Publishing.


def test_publish_and_unpublish_an_own_generation(client, user, other_user, digital):
    """Publishing makes a listed product others can order; unpublishing takes it back."""
    mine = ImageFactory(owner=user)
    url = f"/api/v1/generations/{mine.public_id}/publish/"
    client.force_login(user)
    body = post(client, url, {"public": True}).json()
    assert body["visibility"] == "public"
    slug = body["product"]["slug"]
    assert body["product"]["page_url"] == f"http://testserver/shop/{slug}/"

    client.force_login(other_user)
    bought = post(client, URL, {"items": [{"product": slug, "format": digital.pk}]})
    assert bought.status_code == 201

    client.force_login(user)
    hidden = post(client, url, {"public": False}).json()
    assert hidden == {"visibility": "private", "product": None}
    client.force_login(other_user)
    assert_error(
        post(client, CART_ITEMS, {"product": slug, "format": digital.pk}), 404, "not_found"
    )


def test_publish_refuses_others_images_and_bad_bodies(user_client, other_user, user):
    """Someone else's image is a 404; a missing `public` a 400; an unfinished image a 409."""
    from tests.dalle.factories import QueuedImageFactory

    theirs = ImageFactory(owner=other_user)
    assert_error(
        post(user_client, f"/api/v1/generations/{theirs.public_id}/publish/", {"public": True}),
        404,
        "not_found",
    )
    theirs.refresh_from_db()
    assert theirs.visibility == "private"
    mine = ImageFactory(owner=user)
    error = assert_error(
        post(user_client, f"/api/v1/generations/{mine.public_id}/publish/", {}), 400, "invalid"
    )
    assert "public" in error["fields"]
    queued = QueuedImageFactory(owner=user)
    assert_error(
        post(user_client, f"/api/v1/generations/{queued.public_id}/publish/", {"public": True}),
        409,
        "conflict",
        "Only a finished image can be shared.",
    )


@pytest.mark.parametrize("url", [URL, CART_ITEMS])
def test_an_unfinished_generation_cannot_be_ordered(user_client, user, digital, url):
    """One's own image still painting: a 400 that says so, and no product is made for it."""
    from tests.dalle.factories import QueuedImageFactory

    queued = QueuedImageFactory(owner=user)
    line = {"generation": str(queued.public_id), "format": digital.pk}
    body = {"items": [line]} if url == URL else line
    assert_error(
        post(user_client, url, body), 400, "invalid", "This image is not ready to order yet."
    )
    assert not Product.objects.exists()
    assert not Order.objects.exists() and not CartItem.objects.exists()
