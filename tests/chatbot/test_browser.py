import io

import pytest
from django.core.management import call_command

from purchases.models import Order
from tests.conftest import log_in
from tests.products.factories import FormatFactory, ProductFactory
from tests.purchases.factories import make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_asks_where_their_order_is(page, user, worker_process):
    """A customer asks 'where is my order?', sees the bot typing, then its answer, no reload."""
    call_command("ensure_demo_data", stdout=io.StringIO())
    order = make_order(
        customer=user, product=ProductFactory(), format=FormatFactory(), quantity=1, address=None
    )
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED)

    log_in(page, user.username)
    page.get_by_role("link", name="Contact", exact=True).click()
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Your message").fill("Where is my order?")
    page.get_by_role("button", name="Send").click()
    # No worker yet: the message is in, and the bot is "typing" while the page polls.
    page.locator(".bubble.typing").wait_for()
    assert page.locator(".bubble.user").last.inner_text().endswith("Where is my order?")

    worker_process()
    page.locator(".bubble.typing").wait_for(state="detached", timeout=30_000)
    answer = page.locator(".bubble.assistant").last
    answer.get_by_text(f"Order {order.short_id}").wait_for()
    assert "is shipped" in answer.inner_text()
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the chat in place
    assert page.locator(".bubble.user").last.inner_text().endswith("Where is my order?")
