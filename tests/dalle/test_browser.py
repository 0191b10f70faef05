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
    assert artwork.evaluate("img => img.complete && img.naturalWidth") == 1536
    assert page.get_by_text("offline demo generator").is_visible()
    # What a finished image offers arrives with the swap too: order it, or share it.
    assert page.get_by_role("button", name="Order this").is_visible()
    page.get_by_role("button", name="Share in the shop").click()
    page.get_by_text("Your image is public").wait_for()
    assert GeneratedImage.objects.get().status == GeneratedImage.Status.SUCCEEDED
