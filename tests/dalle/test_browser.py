import pytest

from dalle.models import GeneratedImage
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_watch_progress_and_see_the_image(page, user, worker_process, live_server):
    """A shopper types a prompt, watches the progress, and sees the painted image appear."""
    log_in(page, user.username)

    page.get_by_role("link", name="Create").first.click()
    page.get_by_label("Prompt").fill("A whale swimming through a purple night sky")
    page.get_by_label("Size").select_option("1536x1024")
    page.get_by_role("button", name="Generate").click()

    # No worker yet: the page shows progress and keeps polling.
    page.get_by_text("Waiting for the painter").wait_for()
    assert page.locator("#image-status").get_attribute("data-status") == "queued"

    worker_process()
    artwork = page.locator("img.artwork")
    artwork.wait_for(timeout=30_000)  # swapped in by htmx, without a reload
    assert page.locator("#image-status").get_attribute("data-status") == "succeeded"
    # The 640 px preview (about its drawn size), not the 1536 px original behind the link.
    assert artwork.evaluate("img => img.complete && img.naturalWidth")
    assert artwork.evaluate("img => img.currentSrc").endswith("/preview/640.avif")
    assert page.get_by_text("offline demo generator").is_visible()
    # What a finished image offers arrives with the swap too: order it, or share it.
    assert page.get_by_role("button", name="Order this").is_visible()
    page.get_by_role("button", name="Share in the shop").click()
    page.get_by_text("Your image is public").wait_for()
    assert GeneratedImage.objects.get().status == GeneratedImage.Status.SUCCEEDED


@pytest.mark.parametrize("scale", [1, 3])
def test_a_48_px_order_cell_loads_the_320_px_size(browser, live_server, user, scale):
    """My orders on any screen, phone at 3x included, fetches the smallest size for its cells."""
    from django.urls import reverse

    from tests.products.factories import FormatFactory, ProductFactory
    from tests.purchases.factories import make_order

    product = ProductFactory(image__sized=True)
    make_order(customer=user, product=product, format=FormatFactory(), quantity=1, address=None)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 800}, device_scale_factor=scale
    )
    page = context.new_page()
    log_in(page, user.username)
    page.goto(reverse("order_list"))
    cell = page.locator("td img")
    cell.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('td img').complete")
    small = next(
        s["name"]
        for s in product.image.sized_thumbnails
        if (s["width"], s["format"]) == (320, "avif")
    )
    assert cell.evaluate("img => img.currentSrc").endswith(small)
    context.close()
