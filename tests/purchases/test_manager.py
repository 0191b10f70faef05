import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from purchases.models import Order, OrderItem
from tests.factories import UserFactory
from tests.purchases.factories import make_order

pytestmark = pytest.mark.django_db
Status = Order.Status


@pytest.fixture
def paid_print(user, product, print_small):
    order = make_order(
        customer=user,
        product=product,
        format=print_small,
        quantity=1,
        address={"full_name": "Kim", "country": "KR"},
    )
    Order.objects.filter(pk=order.pk).update(status=Status.PAID, payment_intent_id="pi_sim_1")
    order.refresh_from_db()
    return order


def make_orders(product, fmt, count: int) -> list[Order]:
    orders = []
    for n in range(count):
        customer = UserFactory(username=f"buyer{n}")
        orders.append(
            make_order(customer=customer, product=product, format=fmt, quantity=1, address=None)
        )
    return orders


def bulk_orders(product, fmt, count: int) -> None:
    customers = UserFactory.create_batch(min(count, 20))
    orders = Order.objects.bulk_create(
        Order(
            customer=customers[n % len(customers)],
            currency="usd",
            subtotal_amount=500,
            total_amount=500,
            email="x@example.com",
        )
        for n in range(count)
    )
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order, product=product, format=fmt, quantity=1, unit_amount=500, line_amount=500
        )
        for order in orders
    )


def test_all_orders_is_for_staff_only(client, user):
    """Shoppers and visitors cannot open the managers' order list."""
    assert client.get(reverse("manager_orders")).status_code == 302
    client.force_login(user)
    response = client.get(reverse("manager_orders"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_all_orders_shows_every_order(manager_client, paid_print, product, digital):
    """Managers see each order: customer, thumbnail, format, total, status and date."""
    other = make_orders(product, digital, 1)[0]
    page = manager_client.get(reverse("manager_orders")).content.decode()
    for order in (paid_print, other):
        assert order.short_id in page
        assert order.customer.username in page
    assert "$30.00" in page  # 24 + 6 shipping
    assert product.image.thumbnail.url in page
    assert "Mark in production" in page


@pytest.mark.parametrize("count", [1, 24, 50, 1000])
def test_all_orders_query_count_is_constant(
    manager_client, product, digital, count, django_assert_max_num_queries
):
    """The list costs the same queries for 1 or 50 orders."""
    bulk_orders(product, digital, count)
    with django_assert_max_num_queries(6):
        response = manager_client.get(reverse("manager_orders"))
    assert response.content.decode().count("data-order=") == min(count, 50)


def test_filters_and_search(manager_client, paid_print, product, digital):
    """Filter by status and dates; search by customer, order id or prompt."""
    pending = make_orders(product, digital, 1)[0]
    Order.objects.filter(pk=pending.pk).update(created_at=timezone.now() - timedelta(days=10))
    url = reverse("manager_orders")

    def shown(**params) -> set[str]:
        page = manager_client.get(url, params).content.decode()
        return {o.short_id for o in (paid_print, pending) if f'data-order="{o.short_id}"' in page}

    assert shown(status="paid") == {paid_print.short_id}
    assert shown(status="pending") == {pending.short_id}
    assert shown(**{"from": (timezone.now() - timedelta(days=2)).date().isoformat()}) == {
        paid_print.short_id
    }
    assert shown(to=(timezone.now() - timedelta(days=5)).date().isoformat()) == {pending.short_id}
    assert shown(q="buyer0") == {pending.short_id}
    assert shown(q=paid_print.short_id.lower()) == {paid_print.short_id}
    assert shown(q=str(pending.public_id)) == {pending.short_id}
    assert shown(q=product.image.prompt.split()[2]) == {paid_print.short_id, pending.short_id}
    assert shown(status="nonsense", to="not-a-date") == {paid_print.short_id, pending.short_id}


def test_manager_moves_a_print_through_production(manager_client, paid_print, run_tasks, any_cache):
    """In production → shipped → delivered, each with an event and an e-mail; no skipping."""
    url = reverse("manager_order_advance", args=[paid_print.public_id])
    skip = manager_client.post(url, {"to": "shipped"}, follow=True)
    assert "cannot become shipped" in skip.content.decode()
    for step in ("in_production", "shipped", "delivered"):
        with TestCase.captureOnCommitCallbacks(execute=True):
            manager_client.post(url, {"to": step})
    paid_print.refresh_from_db()
    assert paid_print.status == Status.DELIVERED
    page = manager_client.get(reverse("manager_orders")).content.decode()
    assert f'data-order="{paid_print.short_id}"' in page
    assert "Delivered" in page
    assert list(paid_print.events.values_list("to_status", flat=True))[-3:] == [
        "in_production",
        "shipped",
        "delivered",
    ]
    assert paid_print.events.last().actor.is_staff
    run_tasks()
    assert [m.subject.rsplit(" ", 1)[-1] for m in mail.outbox] == [
        "production",
        "shipped",
        "delivered",
    ]


def test_a_change_message_shows_once_over_the_cached_list(manager_client, paid_print, any_cache):
    """After a move the list shows its message once; the next visit has the new status only."""
    listing = reverse("manager_orders")
    assert "Mark in production" in manager_client.get(listing).content.decode()
    advance = reverse("manager_order_advance", args=[paid_print.public_id])
    moved = manager_client.post(advance, {"to": "in_production", "next": listing}, follow=True)
    assert "is now in production" in moved.content.decode()
    again = manager_client.get(listing).content.decode()
    assert "is now in production" not in again
    assert "In production" in again


def test_shoppers_cannot_advance_orders(user_client, paid_print):
    """Only staff can move orders."""
    response = user_client.post(
        reverse("manager_order_advance", args=[paid_print.public_id]), {"to": "in_production"}
    )
    assert response.status_code == 302
    paid_print.refresh_from_db()
    assert paid_print.status == Status.PAID


def test_admin_actions_and_csv_export(admin_client, paid_print, product):
    """The admin moves orders with valid transitions only and exports CSV."""
    changelist = reverse("admin:purchases_order_changelist")
    response = admin_client.post(
        changelist, {"action": "mark_delivered", "_selected_action": [paid_print.pk]}, follow=True
    )
    assert "cannot become delivered" in response.content.decode()
    admin_client.post(
        changelist, {"action": "mark_in_production", "_selected_action": [paid_print.pk]}
    )
    paid_print.refresh_from_db()
    assert paid_print.status == Status.IN_PRODUCTION

    export = admin_client.post(
        changelist, {"action": "export_csv", "_selected_action": [paid_print.pk]}
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["order", "created", "customer"]
    assert rows[1][0] == str(paid_print.public_id)
    assert rows[1][4] == f"{product.name} — Art print 15×15 cm × 1"
    assert rows[1][6] == "$30.00"
    assert rows[1][9:13] == ["Kim", "", "KR", ""]
    detail = admin_client.get(
        reverse("admin:purchases_order_change", args=[paid_print.pk])
    ).content.decode()
    assert "pi_sim_1" in detail


def test_admin_pages_render(admin_client, paid_print):
    """Formats, products, shop settings and orders all open in the admin."""
    for name in (
        "products_format",
        "products_product",
        "products_shopsettings",
        "purchases_order",
        "dalle_generatedimage",
        "dalle_generationswitch",
    ):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_csv_export_neutralises_formulas_and_opens_in_excel(admin_client, paid_print):
    """No cell of the export starts like a formula; UTF-8 with a BOM so Korean reads right."""
    customer = paid_print.customer
    customer.username = "=HYPERLINK(1)"
    customer.save()
    paid_print.email = "-2+3@example.com"
    paid_print.shipping_address = {"full_name": "김민지", "country": "KR"}
    paid_print.save()
    product = paid_print.items.get().product
    product.name = "@SUM(A1) 고양이"
    product.save()
    export = admin_client.post(
        reverse("admin:purchases_order_changelist"),
        {"action": "export_csv", "_selected_action": [paid_print.pk]},
    )
    assert export.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(1)" in cells
    assert "'-2+3@example.com" in cells
    assert any(cell.startswith("'@SUM(A1) 고양이") for cell in cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "paid"},
        {"status": "pending", "q": "buyer0"},
        {"from": "2000-01-01", "to": "2999-12-31"},
        {"to": "2000-01-01"},
        {"status": "nonsense", "from": "2024-13-45", "to": "garbage", "q": "  "},
    ],
)
def test_manager_page_and_staff_api_filter_alike(
    manager_client, paid_print, product, digital, params
):
    """The same filters pick the same orders on the page and in the API; bad values are ignored."""
    make_orders(product, digital, 2)
    page = manager_client.get(reverse("manager_orders"), params)
    api = manager_client.get("/api/v1/staff/orders/", params)
    assert (page.status_code, api.status_code) == (200, 200)
    on_page = {
        o.short_id
        for o in Order.objects.all()
        if f'data-order="{o.short_id}"' in page.content.decode()
    }
    assert on_page == {row["short_id"] for row in api.json()["results"]}


def test_a_nul_byte_in_the_filters_is_refused_alike(manager_client):
    """A NUL byte in a filter is refused with a 400 by the page and by the API."""
    params = {"q": "nul\x00byte"}
    page = manager_client.get(reverse("manager_orders"), params)
    api = manager_client.get("/api/v1/staff/orders/", params)
    assert (page.status_code, api.status_code) == (400, 400)
    assert api.json()["error"]["code"]
