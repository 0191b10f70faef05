"""The managers' order console: packing slips, the fulfilment CSV, filters and actions."""

import csv
import io

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from purchases.models import LabStage, Order, Shipment
from tests.factories import ManagerFactory
from tests.purchases.conftest import ADDRESS, pay

pytestmark = pytest.mark.django_db
Status = Order.Status


@pytest.fixture
def manager_client(db):
    """A manager's own browser, beside the shopper's (user_client)."""
    desk = Client()
    desk.force_login(ManagerFactory(email="desk@aigallery.test"))
    return desk


@pytest.fixture
def paid_print(user_client, checkout, product, print_small, digital):
    """A paid order of a print (2 copies) and a download, shipping to Kim Min-ji in Seoul."""
    user_client.post(reverse("cart_add", args=[product.slug]), {"format": digital.pk})
    checkout(product, print_small, quantity=2, address=ADDRESS)
    order = Order.objects.get()
    pay(user_client, order)
    order.refresh_from_db()
    return order


def test_console_pages_are_for_managers_only(client, user, paid_print):
    """A shopper reaching a manager URL is sent to the managers' log-in, and sees nothing."""
    client.force_login(user)
    for url in (
        reverse("manager_order_detail", args=[paid_print.public_id]),
        reverse("manager_packing_slips") + f"?order={paid_print.public_id}",
        reverse("manager_orders_csv"),
        reverse("manager_item_master", args=[paid_print.public_id, paid_print.items.first().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url
    refused = client.post(reverse("manager_order_cancel", args=[paid_print.public_id]))
    assert refused.status_code == 302
    paid_print.refresh_from_db()
    assert paid_print.status == Status.PAID


def test_packing_slips_for_a_batch_of_orders(
    manager_client, paid_print, user, product, print_small
):
    """Two ticked orders print as two slips: number, address, the prints and their copies."""
    from tests.purchases.factories import make_order

    second = make_order(
        customer=user,
        product=product,
        format=print_small,
        address={"full_name": "박지민", "line1": "테헤란로 152", "city": "서울", "country": "KR"},
    )
    url = reverse("manager_packing_slips")
    page = manager_client.get(f"{url}?order={paid_print.public_id}&order={second.public_id}")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="packing-slip"') == 2
    assert f"Order {paid_print.short_id}" in html and f"Order {second.short_id}" in html
    assert "Kim Min-ji" in html and "110 Sejong-daero" in html and "박지민" in html
    assert "Art print 15×15 cm" in html and "Digital download" not in html.split("packing-slip")[1]
    assert manager_client.get(f"{url}?order=not-a-uuid").status_code == 400
    nothing = manager_client.get(url, follow=True).content.decode()
    assert "Choose the orders to print slips for." in nothing


def test_the_fulfilment_csv_has_a_row_per_item_with_numbers(manager_client, paid_print):
    """One row per item: address, phone, SKU, quantity and prices as numbers, BOM, tracking."""
    Shipment.objects.create(order=paid_print, carrier="CJ", tracking_number="CJ42")
    paid_print.shipments.get().items.add(*paid_print.items.filter(format__kind="physical"))
    export = manager_client.get(reverse("manager_orders_csv"))
    assert export.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    print_row = next(r for r in rows if r["format"] == "Art print 15×15 cm")
    assert print_row["order"] == paid_print.short_id
    assert print_row["ship to"] == "Kim Min-ji"
    assert print_row["phone"] == "'+82 2 120"  # formula-safe: a cell never starts with +
    assert print_row["address line 1"] == "110 Sejong-daero" and print_row["country"] == "KR"
    assert print_row["lab SKU"] == "GLOBAL-FAP-6X6"
    assert (print_row["quantity"], print_row["unit price"], print_row["line total"]) == (
        "2",
        "24.00",
        "48.00",
    )
    assert (print_row["order total"], print_row["currency"]) == ("59.00", "USD")
    assert print_row["tracking"] == "CJ42"
    filtered = manager_client.get(reverse("manager_orders_csv") + "?status=refunded")
    assert len(filtered.content.decode("utf-8-sig").strip().splitlines()) == 1  # the header


def test_filters_by_lab_stage_and_search_by_ship_to_name(manager_client, paid_print):
    """All orders filters by the lab's stage and finds an order by its ship-to name."""
    Order.objects.filter(pk=paid_print.pk).update(lab_stage=LabStage.PROBLEM)
    listing = reverse("manager_orders")
    assert paid_print.short_id in manager_client.get(f"{listing}?lab=problem").content.decode()
    assert paid_print.short_id not in manager_client.get(f"{listing}?lab=shipped").content.decode()
    assert paid_print.short_id in manager_client.get(f"{listing}?q=Min-ji").content.decode()
    assert paid_print.short_id in manager_client.get(f"{listing}?lab=nonsense").content.decode()


def test_resend_the_last_email(manager_client, paid_print, run_tasks):
    """'Send the last e-mail again' queues it once more and writes an event."""
    run_tasks()
    before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = manager_client.post(
            reverse("manager_order_resend", args=[paid_print.public_id]), follow=True
        )
    assert f"Sent again to {paid_print.email}" in page.content.decode()
    run_tasks()
    assert len(mail.outbox) == before + 1
    assert mail.outbox[-1].subject == f"Receipt for your AI Gallery order {paid_print.short_id}"
    assert paid_print.events.filter(note__startswith="e-mail sent again").exists()


def test_a_manager_cancels_a_paid_order_and_it_is_refunded(manager_client, paid_print):
    """Cancel on the console refunds in full and says so; the order is refunded."""
    page = manager_client.post(
        reverse("manager_order_cancel", args=[paid_print.public_id]), follow=True
    ).content.decode()
    assert f"Order {paid_print.short_id} is canceled and $59.00 refunded." in page
    paid_print.refresh_from_db()
    assert paid_print.status == Status.REFUNDED
    assert paid_print.refunds.get().reason == "canceled by the shop"


def test_the_console_page_links_the_original_and_shows_the_address(manager_client, paid_print):
    """The manager order page shows the address to copy, items and links to the originals."""
    html = manager_client.get(
        reverse("manager_order_detail", args=[paid_print.public_id])
    ).content.decode()
    assert '<pre class="address" id="ship-to-address">Kim Min-ji' in html
    image = paid_print.items.first().product.image
    assert reverse("image_original", args=[image.public_id]) in html
    original = manager_client.get(reverse("image_original", args=[image.public_id]))
    assert original.status_code == 200
    original.close()  # a file response: left open, its file warns (an error in this suite)


def test_the_console_links_the_customers_support_requests(admin_client, paid_print):
    """The order page links to this customer's support requests, and the link opens."""
    manager_client = admin_client
    html = manager_client.get(
        reverse("manager_order_detail", args=[paid_print.public_id])
    ).content.decode()
    link = f"/admin/chatbot/supportrequest/?user__exact={paid_print.customer_id}"
    assert link in html
    assert manager_client.get(link).status_code == 200
