import io

import pytest
from django.core.management import call_command

from purchases.models import Order
from tests.conftest import log_in
from tests.factories import ManagerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_generate_order_a_print_pay_and_follow_it_to_shipped(
    browser, live_server, user, worker_process
):
    """A shopper paints, orders a print, pays in TEST MODE; a manager ships it; the shopper sees it."""
    call_command("ensure_demo_data", stdout=io.StringIO())  # the demo formats
    manager = ManagerFactory()
    worker_process()

    shopper = browser.new_context(base_url=live_server.url)
    page = shopper.new_page()
    page.set_default_timeout(20_000)
    log_in(page, user.username)
    page.get_by_role("link", name="Create").first.click()
    page.get_by_label("Prompt").fill("A red lighthouse on a green cliff, gouache")
    page.get_by_role("button", name="Generate").click()
    page.get_by_role("button", name="Order this").click(timeout=30_000)

    assert page.get_by_label("Art print 20×20 cm").is_disabled()  # 1024 px is too small for it
    page.get_by_label("Art print 15×15 cm").check()
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Full name").fill("Lee Seo-yeon")
    page.get_by_label("Address line 1").fill("24 Insadong-gil")
    page.get_by_label("City").fill("Seoul")
    page.get_by_label("Postal code").fill("03145")
    page.get_by_label("Country").select_option("KR")
    page.get_by_role("button", name="Continue to payment").click()

    page.get_by_text("TEST MODE").wait_for()
    page.get_by_role("button", name="Pay $54.00").click()
    page.get_by_text("Your order is paid").wait_for()
    order = Order.objects.get()
    assert order.status == Order.Status.PAID

    desk = browser.new_context(base_url=live_server.url).new_page()
    log_in(desk, manager.username)
    desk.get_by_role("link", name="Manager", exact=True).click()
    row = desk.locator(f'tr[data-order="{order.short_id}"]')
    assert "Paid" in row.inner_text()
    row.get_by_role("button", name="Mark in production").click()
    desk.locator(f'tr[data-order="{order.short_id}"]').get_by_role(
        "button", name="Mark shipped"
    ).click()
    assert "Shipped" in desk.locator(f'tr[data-order="{order.short_id}"]').inner_text()

    page.get_by_role("link", name="My orders", exact=True).click()
    page.get_by_role("link", name=order.short_id).click()
    assert page.locator("h1 .badge").inner_text() == "Shipped"
    assert page.get_by_text("marked shipped").is_visible()
    shopper.close()
