"""The console in Chromium at 1280 and 390 px: axe finds nothing serious, nothing scrolls the
page sideways, the charts obey the Content-Security-Policy, and Resume works by keyboard."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from dalle.models import GenerationSwitch
from tests.core.test_accessibility import AXE, AXE_RUN, WIDTHS, new_page, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("A11Y_SCREENSHOTS", "")
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# What sticks out past the right edge, to say in a failure where to look.
WIDEST = """() => [...document.querySelectorAll("main *")]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className} ${e.getBoundingClientRect().right}`)
  .join("; ")"""


def test_console_is_accessible_at_both_widths(browser, live_server, manager, known_shop):
    """Axe at 1280 and 390 px finds no serious or critical problem, and no CSP violation."""
    GenerationSwitch.objects.create(pk=1, enabled=False, reason="The provider refused our key")
    page = new_page(browser, live_server, WIDTHS["desktop"], manager.username)
    page.add_init_script(path=str(AXE))
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    found = []
    for period in ("30d", "today"):
        page.goto(f"{reverse('console_home')}?period={period}")
        assert page.locator("figure.chart svg").count() == 5
        for device, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            found += [f"{period} @{width}px: {v}" for v in page.evaluate(AXE_RUN)]
            if SCREENSHOTS:
                Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{SCREENSHOTS}/console-{period}-{device}.png", full_page=True)
            assert page.evaluate(SIDEWAYS) <= 0, f"{period} scrolls sideways at {width}px: " + (
                page.evaluate(WIDEST)
            )
    assert found == [], "\n".join(found)
    assert violations == []
    page.context.close()


def test_charts_have_their_numbers_in_tables(browser, live_server, manager, known_shop):
    """Each chart is an image with a name, followed by a table of the same days."""
    page = new_page(browser, live_server, 390, manager.username)
    page.goto(f"{reverse('console_home')}?period=7d")
    sales = page.get_by_role("img", name="Revenue and refunds per day")
    assert sales.is_visible()
    table = page.get_by_role("table", name="Paid orders, revenue and refunds per day")
    assert table.get_by_role("row").count() == 1 + 7 + 1  # head, seven days, total
    assert "$75.00" in table.get_by_role("row").last.inner_text()
    page.context.close()


def test_resume_by_keyboard(browser, live_server, manager, known_shop):
    """A paused switch: Tab to Resume generation, press Enter, and the page says it is on."""
    GenerationSwitch.objects.create(pk=1, enabled=False, reason="Billing limit reached")
    page = new_page(browser, live_server, 390, manager.username)
    page.goto(reverse("console_home"))
    tab_to(page, "Resume generation", limit=120)
    page.keyboard.press("Enter")
    page.get_by_text("Image generation is on again.").wait_for()
    assert page.get_by_text("Shoppers can create images.").is_visible()
    assert GenerationSwitch.load().enabled
    page.context.close()


def test_day_tables_fit_their_boxes(browser, live_server, manager, known_shop):
    """A month of days scrolls down in its box at 390 px, never sideways."""
    page = new_page(browser, live_server, 390, manager.username)
    page.goto(f"{reverse('console_home')}?period=30d")
    boxes = page.locator(".table-box.long")
    assert boxes.count() == 4
    for n in range(4):
        assert boxes.nth(n).evaluate("e => e.scrollWidth - e.clientWidth") <= 0
        assert boxes.nth(n).get_attribute("tabindex") == "0"  # scrollable, so focusable
    page.context.close()
