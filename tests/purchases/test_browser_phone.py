"""All orders and My orders on a 390 px phone: each order's status and action are in reach."""

import pytest

from purchases.models import Order
from tests.conftest import log_in
from tests.factories import ManagerFactory
from tests.purchases.factories import make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_status_and_action_are_reachable_on_a_phone(browser, live_server, user, settings):
    """A manager finds a paid print's status and 'Mark in production' on All orders, and the
    shopper finds its status on My orders, with nothing off-screen to the side."""
    from tests.products.factories import PrintFormatFactory, ProductFactory

    settings.LAB_BACKEND = "none"
    order = make_order(
        customer=user,
        product=ProductFactory(image__prompt="A fox in the snow"),
        format=PrintFormatFactory(),
        address={"full_name": "Kim Min-ji", "line1": "1 Jong-ro", "city": "Seoul", "country": "KR"},
    )
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, payment_intent_id="pi_1")
    manager = ManagerFactory()

    desk = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    log_in(desk, manager.username)
    desk.goto("/purchases/manager/orders/")
    row = desk.locator(f'tr[data-order="{order.short_id}"]')
    assert row.get_by_text("Paid", exact=True).is_visible()
    action = row.get_by_role("button", name="Mark in production")
    action.scroll_into_view_if_needed()
    box = action.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert no_sideways_scroll(desk)
    action.click()
    desk.get_by_text(f"Order {order.short_id} is now in production.").wait_for()

    shopper = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    log_in(shopper, user.username)
    shopper.goto("/purchases/orders/")
    status = shopper.get_by_text("In production", exact=True)
    status.scroll_into_view_if_needed()
    box = status.bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"]
    assert no_sideways_scroll(shopper)
    shopper.get_by_role("link", name=order.short_id).click()
    assert shopper.locator("h1 .badge").inner_text() == "In production"
