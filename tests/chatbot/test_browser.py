import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from chatbot.models import Message
from purchases import services as order_services
from purchases.models import Order, Shipment
from tests.chatbot.conftest import print_order
from tests.conftest import log_in, wait_for
from tests.core.test_accessibility import AXE, AXE_RUN
from tests.factories import ManagerFactory
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
    page.get_by_role("button", name="Send", exact=True).click()
    # No worker yet: the message is in, and the bot is "typing" while the page polls.
    page.locator(".bubble.typing").wait_for()
    assert page.locator(".bubble.user").last.inner_text().endswith("Where is my order?")

    worker_process()
    page.locator(".bubble.typing").wait_for(state="detached", timeout=30_000)
    answer = page.locator(".bubble.assistant").last
    answer.get_by_text(f"Order {order.short_id}").wait_for(timeout=30_000)
    assert "is shipped" in answer.inner_text()
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the chat in place
    assert page.locator(".bubble.user").last.inner_text().endswith("Where is my order?")


# Set to a folder to keep screenshots of the chat with a confirmation button (for a person).
SCREENSHOTS = os.environ.get("CHAT_SCREENSHOTS", "")
TRACKING = "https://track.example.com/parcel/JD014600006281"
WATCH_CSP = """document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations = (window.cspViolations || []).concat(`${e.violatedDirective} ${e.sourceFile}:${e.lineNumber}`);
});"""


def shipped_print_and_paid_print(user):
    """A print shipped with a tracked parcel, and a second paid print not yet in production."""
    call_command("ensure_demo_data", stdout=io.StringIO())
    shipped = print_order(user, prompt="A red lighthouse")
    manager = ManagerFactory()
    order_services.order_advance(order=shipped, to=Order.Status.IN_PRODUCTION, actor=manager)
    order_services.order_advance(order=shipped, to=Order.Status.SHIPPED, actor=manager)
    Shipment.objects.create(
        order=shipped, carrier="DHL", tracking_number="JD014600006281", tracking_url=TRACKING
    )
    return shipped, print_order(user, prompt="A forest in the rain")


def test_korean_shopper_tracks_a_parcel_then_cancels_another_print_in_the_chat(
    page, user, worker_process
):
    """Asked in Korean, the bot links the parcel's tracking; asked to cancel, it shows a button,
    and pressing it cancels and refunds the second print: no reload, no CSP violation, the
    chat scrolled to the newest message."""
    shipped, second = shipped_print_and_paid_print(user)
    page.add_init_script(WATCH_CSP)
    log_in(page, user.username)
    page.get_by_role("link", name="Contact", exact=True).click()
    page.evaluate("window.notReloaded = true")
    worker_process()

    page.get_by_label("Your message").fill("제 주문 어디쯤 왔어요?")
    page.get_by_role("button", name="Send", exact=True).click()
    answer = page.locator(".bubble.assistant").last
    answer.get_by_role("link", name=TRACKING).wait_for(timeout=60_000)
    said = answer.inner_text()
    assert f"아직 배송 중인 주문이에요.\n{shipped.short_id} 주문(" in said
    assert "DHL 택배(배송 중): 운송장 번호 JD014600006281" in said

    page.get_by_label("Your message").fill("주문 취소하고 싶어요")
    page.get_by_role("button", name="Send", exact=True).click()
    button = page.get_by_role("button", name=f"주문 {second.short_id} 취소하고 $30.00 환불받기")
    button.wait_for(timeout=60_000)
    assert page.get_by_role("button", name=re.compile(shipped.short_id)).count() == 0
    assert newest_in_view(page)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            button.scroll_into_view_if_needed()
            page.screenshot(path=f"{SCREENSHOTS}/chat-button-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    button.click()
    page.get_by_text(
        f"{second.short_id} 주문을 취소했고 $30.00을 결제 수단으로 환불했어요"
    ).wait_for()
    assert page.locator(".chat-action-state").last.inner_text() == "완료했어요."
    assert newest_in_view(page)
    assert page.evaluate("document.activeElement.id") == "id_message"
    second.refresh_from_db()
    shipped.refresh_from_db()
    assert (second.status, shipped.status) == (Order.Status.REFUNDED, Order.Status.SHIPPED)
    assert second.events.filter(note="canceled and refunded via support chat").exists()
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("window.cspViolations || []") == []


def newest_in_view(page) -> bool:
    """Whether the conversation is scrolled to its end."""
    return page.evaluate(
        """() => { const log = document.getElementById("chat-log");
        return log.scrollTop + log.clientHeight >= log.scrollHeight - 2; }"""
    )


def test_without_javascript_the_button_still_cancels(browser, live_server, user, worker_process):
    """With JavaScript off at 390 px: send, reload when told, press the button, read the outcome."""
    _, second = shipped_print_and_paid_print(user)
    worker_process()
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 800}
    )
    page = context.new_page()
    log_in(page, user.username)
    page.goto("/contact/")
    page.get_by_label("Your message").fill("I want to cancel my order")
    page.get_by_role("button", name="Send", exact=True).click()
    wait_for(lambda: Message.objects.filter(role="assistant").exists(), timeout=60)
    page.get_by_role("link", name="reload the page").click()
    page.get_by_role("button", name=f"Cancel order {second.short_id} and refund $30.00").click()
    page.get_by_text(f"Order {second.short_id} is canceled and $30.00 is refunded").wait_for()
    second.refresh_from_db()
    assert second.status == Order.Status.REFUNDED
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_chat_with_buttons_passes_axe_at_both_widths(browser, live_server, user, worker_process):
    """The chat with an address form and a cancel button: axe finds nothing serious."""
    shipped_print_and_paid_print(user)
    worker_process()
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.add_init_script(path=str(AXE))
    log_in(page, user.username)
    page.goto("/contact/")
    for question in ("I need to change my shipping address", "I want to cancel my order"):
        page.get_by_label("Your message").fill(question)
        page.get_by_role("button", name="Send", exact=True).click()
        page.locator(".chat-action").nth(page.locator(".chat-action").count()).wait_for(
            timeout=60_000
        )
    page.get_by_role("group", name=re.compile("New address for order")).wait_for()
    page.get_by_role("button", name=re.compile("Cancel order")).scroll_into_view_if_needed()
    found = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        found += [f"@{width}px: {v}" for v in page.evaluate(AXE_RUN)]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SCREENSHOTS}/chat-address-{width}.png", full_page=True)
    context.close()
    assert found == [], "\n".join(found)
