import pytest

from purchases.models import Order
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
