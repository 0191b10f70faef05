import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from products.models import ShopSettings
from purchases.models import Order
from tests.conftest import log_in
from tests.factories import ManagerFactory
from tests.products.factories import FormatFactory, PrintFormatFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_address(page) -> None:
    page.get_by_label("Full name").fill("Lee Seo-yeon")
    page.get_by_label("Address line 1").fill("24 Insadong-gil")
    page.get_by_label("City").fill("Seoul")
    page.get_by_label("Postal code").fill("03145")
    page.get_by_label("Country").select_option("KR")


def add_to_cart(page, product, format_name: str, **choices: str) -> None:
    page.goto(product.get_absolute_url())
    page.get_by_role("link", name="Order", exact=True).click()
    page.get_by_label(format_name).check()
    for label in choices.values():
        page.get_by_label(label).check()
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("Added to your cart").wait_for()


def test_one_checkout_for_a_print_a_canvas_and_a_download_then_cancel_a_paid_print(
    browser, live_server, user
):
    """Two artworks, three items, one payment and one shipping charge; the crop shows on the
    order, the receipt and the download open; a second print order is canceled and refunded."""
    digital = FormatFactory(name="Digital download")
    PrintFormatFactory(
        name="Art print 20×15 cm", width_cm=20, height_cm=15, price=Decimal("30.00"), min_dpi=100
    )
    PrintFormatFactory(
        name="Canvas 30×20 cm", width_cm=30, height_cm=20, price=Decimal("60.00"), min_dpi=60
    )
    shop = ShopSettings.load()
    shop.shipping_flat_rate = Decimal("6.00")
    shop.save()
    harbour = ProductFactory(image__prompt="A harbour at dawn")
    forest = ProductFactory(image__prompt="A forest in the rain")
    assert digital.pk

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    log_in(page, user.username)
    add_to_cart(page, harbour, "Art print 20×15 cm", fit="Crop to fill", position="Keep the top")
    add_to_cart(page, harbour, "Canvas 30×20 cm", fit="Fit the whole picture")
    add_to_cart(page, forest, "Digital download")

    cart = page.locator("#cart")
    assert cart.locator("table.cart-table tbody tr").count() == 3
    assert "Crop to fill, keeping the top" in cart.inner_text()
    assert "$6.00" in cart.get_by_role("row", name="Shipping").inner_text()
    assert page.get_by_role("link", name="Cart, 3 items").is_visible()
    fill_address(page)
    page.get_by_role("button", name="Check out · $101.00").click()  # 30 + 60 + 5 + 6 once
    page.get_by_text("TEST MODE").wait_for()
    page.get_by_role("button", name="Pay $101.00").click()
    page.get_by_text("Your order is paid").wait_for()
    order = Order.objects.get()
    assert order.items.count() == 3
    assert (order.shipping_amount, order.total_amount) == (600, 10100)
    assert page.get_by_role("link", name="Cart", exact=True).is_visible()  # empty again

    page.goto(order.get_absolute_url())
    assert "Crop to fill, keeping the top" in page.locator("table.order-items").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “A forest in the rain”").click()
    assert download.value.suggested_filename.startswith("aigallery-a-forest-in-the-rain")
    page.get_by_role("link", name="Receipt").click()
    receipt = page.locator("main").inner_text()
    assert order.short_id in receipt and "$101.00" in receipt and "Lee Seo-yeon" in receipt

    add_to_cart(page, forest, "Art print 20×15 cm", fit="Crop to fill", position="Keep the centre")
    fill_address(page)
    page.get_by_role("button", name="Check out · $36.00").click()
    page.get_by_role("button", name="Pay $36.00").click()
    page.get_by_text("Your order is paid").wait_for()
    second = Order.objects.exclude(pk=order.pk).get()
    page.goto(second.get_absolute_url())
    page.get_by_role("button", name="Cancel and refund this order").click()
    page.get_by_text(f"Order {second.short_id} is canceled and $36.00 is refunded").wait_for()
    assert page.locator("h1 .badge").inner_text() == "Refunded"
    assert page.get_by_text("Refunded $36.00 on").is_visible()
    assert not page.get_by_role("button", name="Cancel and refund this order").count()
    context.close()


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
    page.get_by_role("button", name="Add to cart").click()
    fill_address(page)
    page.get_by_role("button", name="Check out · $54.00").click()

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
    desk.locator(f'tr[data-order="{order.short_id}"]').get_by_role("link", name="Ship").click()
    desk.get_by_label("Carrier").fill("CJ Logistics")
    desk.get_by_label("Tracking number").fill("CJ0012345")
    desk.get_by_role("button", name="Mark shipped and tell the customer").click()
    desk.get_by_text(f"Order {order.short_id} is shipped").wait_for()

    page.get_by_role("link", name="My orders", exact=True).click()
    page.get_by_role("link", name=order.short_id).click()
    assert page.locator("h1 .badge").inner_text() == "Shipped"
    assert "CJ0012345" in page.locator(".parcel").inner_text()
    shopper.close()


def test_a_paid_print_goes_through_the_simulated_lab_to_delivered(
    browser, live_server, user, worker_process, settings
):
    """Pay for a print; the simulated lab (a real worker) ships it with a tracking link, then
    it is delivered, as the shopper sees on the order page."""
    settings.LAB_BACKEND = "simulated"
    call_command("ensure_demo_data", stdout=io.StringIO())  # demo prints with the lab's SKUs
    product = ProductFactory(image__prompt="A lighthouse at night")
    worker_process(
        LAB_BACKEND="simulated", LAB_SIMULATED_STEP_SECONDS="1", SITE_URL=live_server.url
    )

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(20_000)
    page = context.new_page()
    log_in(page, user.username)
    add_to_cart(page, product, "Art print 15×15 cm")
    fill_address(page)
    page.get_by_role("button", name="Check out").click()
    page.get_by_role("button", name="Pay").first.click()
    page.get_by_text("Your order is paid").wait_for()
    order = Order.objects.get()

    def wait_for_status(label: str) -> None:
        for _ in range(60):
            page.goto(order.get_absolute_url())
            if page.locator("h1 .badge").inner_text() == label:
                return
            page.wait_for_timeout(500)
        raise AssertionError(f"the order never became {label}")

    wait_for_status("Shipped")
    tracking = page.locator(".parcel a")
    assert tracking.inner_text().startswith("SIM")
    assert "/lab/track/" in tracking.get_attribute("href")
    wait_for_status("Delivered")
    page.locator(".parcel a").click()
    page.get_by_role("heading", level=1).wait_for()
    assert "Delivered" in page.locator("main").inner_text()
    context.close()


def test_changing_the_cart_with_htmx_keeps_the_typed_address(page, user):
    """Type the address, then change a quantity and remove an item: the cart updates in place,
    the header counts along, and what was typed is still there."""
    FormatFactory(name="Digital download")
    PrintFormatFactory(name="Art print 15×15 cm")
    ShopSettings.load()
    harbour = ProductFactory(image__prompt="A harbour at dawn")
    log_in(page, user.username)
    add_to_cart(page, harbour, "Art print 15×15 cm", fit="Crop to fill")
    add_to_cart(page, harbour, "Digital download")
    fill_address(page)

    page.get_by_label(f"Copies of {harbour.name}").first.fill("2")
    page.locator("#cart form.quantity-form").first.get_by_role("button", name="Update").click()
    page.get_by_role("button", name="Check out · $59.00").wait_for()  # 2 × 24 + 5 + 6
    page.get_by_role("link", name="Cart, 3 items").wait_for()
    page.get_by_role("button", name=f"Remove {harbour.name}").last.click()
    page.get_by_role("button", name="Check out · $54.00").wait_for()
    assert page.get_by_label("Full name").input_value() == "Lee Seo-yeon"
    assert page.get_by_label("City").input_value() == "Seoul"
    page.get_by_role("button", name="Check out · $54.00").click()
    page.get_by_text("TEST MODE").wait_for()
    assert Order.objects.get().shipping_address["full_name"] == "Lee Seo-yeon"
