"""WCAG 2.2 AA checks in the browser: axe-core on every page, and journeys by keyboard only.

axe-core is vendored under tests/vendor/ (tests only; it is never served). It is injected into
the page, so these browser contexts bypass the site's Content-Security-Policy.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dalle.models import GeneratedImage
from products.models import Format
from purchases.models import Order
from tests.conftest import PASSWORD
from tests.dalle.factories import ImageFactory
from tests.factories import ManagerFactory
from tests.products.factories import FormatFactory, PrintFormatFactory, ProductFactory
from tests.purchases.conftest import ADDRESS
from tests.purchases.factories import make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 390}
# Set to a folder to keep a screenshot of each page at each width (for a person to look at).
SCREENSHOTS = os.environ.get("A11Y_SCREENSHOTS", "")

AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", ")}`);
}"""

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "";
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return (label || e.getAttribute("aria-label") || e.innerText || e.value || "").trim();
}"""


def new_page(browser, live_server, width: int, username: str | None = None):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        bypass_csp=True,  # for the injected axe script only
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    if username:
        page.goto(reverse("login"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def tab_to(page, text: str, *, limit: int = 80, key: str = "Tab") -> None:
    """Press Tab until the focused element's name starts with `text`, as a keyboard user does."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(FOCUSED).startswith(text):
            return
    pytest.fail(f"{text!r} was never reached with {key}; last focus: {page.evaluate(FOCUSED)!r}")


@pytest.fixture
def shop(user):
    """Formats, a product from someone else, the shopper's own image and one of their orders."""
    call_command("ensure_demo_data", stdout=io.StringIO())
    product = ProductFactory(image__prompt="A red lighthouse on a green cliff at dawn, gouache")
    own = ImageFactory(owner=user, prompt="A whale swimming through a purple night sky")
    order = make_order(
        customer=user, product=product, format=FormatFactory(), quantity=1, address=None
    )
    return {"product": product, "own": own, "order": order}


@pytest.fixture
def fulfilled(settings, user, shop):
    """Made through the shop's own pages, as people would: a paid order of a cropped print and a
    download, shipped by hand with a tracking link; a paid print a manager is to ship; and a
    print waiting in the cart."""
    settings.LAB_BACKEND = "none"  # fulfilled by hand: the manager page shows its ship form
    landscape = PrintFormatFactory(
        name="Art print 20×15 cm", width_cm=20, height_cm=15, min_dpi=100
    )
    digital = Format.objects.filter(kind=Format.Kind.DIGITAL).first()
    shopper, desk = Client(), Client()
    shopper.force_login(user)
    desk.force_login(ManagerFactory())
    add = reverse("cart_add", args=[shop["product"].slug])

    def buy(*lines: dict) -> Order:
        for line in lines:
            shopper.post(add, line)
        shopper.post(reverse("cart_checkout"), ADDRESS)
        order = Order.objects.exclude(checkout_session_id="").latest("created_at")
        pay = reverse("simulated_checkout", args=[order.checkout_session_id])
        shopper.post(pay, {"action": "pay"})
        desk.post(reverse("manager_order_advance", args=[order.public_id]), {"to": "in_production"})
        return order

    shipped = buy(
        {"format": landscape.pk, "fit": "fill", "position": "top"}, {"format": digital.pk}
    )
    parcel = {"carrier": "Korea Post", "tracking_number": "EE1234", "tracking_url": "t.example/1"}
    desk.post(reverse("manager_order_ship", args=[shipped.public_id]), parcel)
    to_ship = buy({"format": landscape.pk, "fit": "fit"})
    shopper.post(add, {"format": landscape.pk, "quantity": 2})  # for the cart page
    shipped.refresh_from_db()
    to_ship.refresh_from_db()
    assert shipped.status == Order.Status.SHIPPED and shipped.shipments.exists()
    assert to_ship.status == Order.Status.IN_PRODUCTION
    return {"shipped": shipped, "to_ship": to_ship}


def test_every_page_has_no_serious_or_critical_axe_violation(
    browser, live_server, user, shop, fulfilled
):
    """Visitor, shopper and manager pages, at 1280 and 390 px: axe finds nothing serious."""
    manager = ManagerFactory()
    product, own, order = shop["product"], shop["own"], shop["order"]
    from tests.gallery.factories import LikeFactory

    LikeFactory(image=product.image)
    creator = reverse("creator", args=[product.image.owner.username])
    remix = f"{reverse('image_create')}?remix={product.image.public_id}"
    shipped, to_ship = fulfilled["shipped"], fulfilled["to_ship"]
    pages = {
        None: [
            ("home", reverse("home")),
            ("explore", reverse("explore")),
            ("explore-today", reverse("explore") + "?tab=today"),
            ("creator", creator),
            ("public-image", product.image.get_absolute_url()),
            ("shop", reverse("shop")),
            ("product", product.get_absolute_url()),
            ("login", reverse("login")),
            ("signup", reverse("signup")),
            ("contact", reverse("contact")),
            ("api-docs", reverse("api-docs")),
            ("404", "/no-such-page/"),
        ],
        user.username: [
            ("create", reverse("image_create")),
            ("create-remix", remix),
            ("image", own.get_absolute_url()),
            ("liked-image", product.image.get_absolute_url()),
            ("report", reverse("image_report", args=[product.image.public_id])),
            ("delete", reverse("image_delete", args=[own.public_id])),
            ("notifications", reverse("notifications")),
            ("explore-signed-in", reverse("explore")),
            ("my-images", reverse("image_list")),
            ("profile", reverse("profile")),
            ("add-to-cart", reverse("cart_add", args=[product.slug])),
            ("cart", reverse("cart")),
            ("my-orders", reverse("order_list")),
            ("order", order.get_absolute_url()),
            ("order-shipped", shipped.get_absolute_url()),
            ("receipt", reverse("order_receipt", args=[shipped.public_id])),
        ],
        manager.username: [
            ("manager-orders", reverse("manager_orders")),
            ("manager-order", reverse("manager_order_detail", args=[shipped.public_id])),
            ("manager-order-to-ship", reverse("manager_order_detail", args=[to_ship.public_id])),
            ("console", reverse("console_home")),
        ],
    }
    found = []
    for who, urls in pages.items():
        page = new_page(browser, live_server, WIDTHS["desktop"], who)
        page.add_init_script(path=str(AXE))  # in every page before its own scripts: one load each
        for name, url in urls:
            page.goto(url)
            if name == "api-docs":
                page.locator(".swagger-ui .opblock").first.wait_for()
            for device, width in WIDTHS.items():  # the same page, resized: media queries apply
                page.set_viewport_size({"width": width, "height": 900})
                found += [f"{name} @{width}px: {v}" for v in page.evaluate(AXE_RUN)]
                if SCREENSHOTS:
                    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=f"{SCREENSHOTS}/{name}-{device}.png", full_page=True)
        page.context.close()
    assert found == [], "\n".join(found)


def test_phone_menu_by_keyboard_reaches_my_orders(browser, live_server, user, shop):
    """At 390 px the menu is a button: Tab to it, open it with Enter, reach My orders."""
    page = new_page(browser, live_server, 390, user.username)
    page.goto(reverse("home"))
    assert not page.get_by_role("link", name="My orders", exact=True).is_visible()
    tab_to(page, "Menu")
    toggle = page.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    tab_to(page, "My orders")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My orders", level=1).wait_for()
    current = page.locator("#site-nav a[aria-current=page]")  # the menu is folded again
    assert current.inner_text() == "My orders"
    page.context.close()


def test_skip_link_and_menu_without_javascript(browser, live_server, user):
    """The first Tab offers 'Skip to content'; without JavaScript the phone menu is simply open."""
    page = new_page(browser, live_server, 390)
    page.goto(reverse("home"))
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 800}, java_script_enabled=False
    )
    bare = context.new_page()
    bare.goto(reverse("home"))
    assert bare.get_by_role("link", name="Shop", exact=True).is_visible()
    assert not bare.get_by_role("button", name="Menu").is_visible()
    context.close()
    page.context.close()


def test_like_by_keyboard_keeps_focus_and_says_pressed(browser, live_server, user, shop):
    """Tab to a card's like button, press Enter: it is pressed, and focus stays on it."""
    page = new_page(browser, live_server, 1280, user.username)
    page.goto(reverse("explore"))
    tab_to(page, "Like")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement.getAttribute('aria-pressed') === 'true'", timeout=10_000
    )
    assert page.evaluate(FOCUSED).startswith("Like")
    page.context.close()


def test_create_an_image_by_keyboard(browser, live_server, user):
    """Type a prompt, Tab to Generate, press Enter: the progress of the new image shows."""
    page = new_page(browser, live_server, 1280, user.username)
    page.goto(reverse("image_create"))
    tab_to(page, "Prompt")
    page.keyboard.type("A paper boat on a rainy street, ink and wash")
    tab_to(page, "Generate")
    page.keyboard.press("Enter")
    page.get_by_text("Waiting for the painter").wait_for()
    assert GeneratedImage.objects.get().prompt.startswith("A paper boat")
    assert page.get_by_role("heading", level=1).inner_text() == "Your artwork"
    page.context.close()


def test_order_a_print_by_keyboard_and_reach_payment(browser, live_server, user, shop, settings):
    """From the product page to the test checkout with the keyboard alone, radio group included."""
    settings.LAB_BACKEND = "none"  # the flat shipping rate, so the total is known
    page = new_page(browser, live_server, 390, user.username)
    page.goto(shop["product"].get_absolute_url())
    tab_to(page, "Order")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Order", level=1).wait_for()
    tab_to(page, "Digital download")  # the first option of the group
    for _ in range(6):
        if page.get_by_label("Art print 15×15 cm").is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert page.get_by_label("Art print 15×15 cm").is_checked()
    tab_to(page, "Add to cart")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your cart", level=1).wait_for()
    for label, text in [("Full name", "Lee Seo-yeon"), ("Address line 1", "24 Insadong-gil")]:
        tab_to(page, label)
        page.keyboard.type(text)
    for label, text in [("City", "Seoul"), ("Postal code", "03145")]:
        tab_to(page, label)
        page.keyboard.type(text)
    tab_to(page, "Country")
    page.get_by_label("Country").select_option("KR")  # a native select: arrows pick, as here
    tab_to(page, "Check out · $30.00")
    page.keyboard.press("Enter")
    page.get_by_text("TEST MODE").wait_for()
    assert page.get_by_role("button", name="Pay").first.is_visible()
    page.context.close()


def test_invalid_form_lands_on_the_error_summary(browser, live_server, user, shop):
    """A refused order form: focus is on the summary, whose link leads to the radio group."""
    page = new_page(browser, live_server, 1280, user.username)
    page.goto(reverse("cart_add", args=[shop["product"].slug]))
    tab_to(page, "Add to cart")
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert "There is a problem" in summary.inner_text()
    fieldset = page.locator("fieldset#id_format")
    error_id = fieldset.get_attribute("aria-describedby")
    assert page.locator(f"#{error_id}").inner_text() != ""
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED).startswith("Format:")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "format"

    page.context.close()

    page = new_page(browser, live_server, 390)
    page.goto(reverse("login"))
    tab_to(page, "Username")
    page.keyboard.type(user.username)
    tab_to(page, "Password")
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    page.locator(".error-summary").wait_for()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert "correct username and password" in page.locator(".error-summary").inner_text()
    page.context.close()


def test_chat_by_keyboard_reply_in_the_live_region(browser, live_server, user, worker_process):
    """Send a question with the keyboard: the reply lands in the same live list, focus in the box."""
    call_command("ensure_demo_data", stdout=io.StringIO())
    worker_process()  # for a reply written by a background task
    page = new_page(browser, live_server, 390, user.username)
    page.goto(reverse("contact"))
    log = page.locator("#chat-log")
    assert log.get_attribute("aria-live") == "polite"
    log.evaluate("node => { window.chatLog = node; }")
    tab_to(page, "Your message")
    page.keyboard.type("How much is a canvas?")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#chat-log .bubble.user").last.wait_for()
    reply = page.locator("#chat-log .bubble.assistant:not(#chat-greeting)").last
    reply.wait_for(timeout=30_000)
    assert reply.inner_text().strip() != ""
    assert page.evaluate("window.chatLog === document.getElementById('chat-log')")
    assert page.evaluate("document.activeElement.id") == "id_message"
    page.context.close()
