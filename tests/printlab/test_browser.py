"""The simulated carrier's tracking page in the browser, at 1280 and 390 px."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from printlab.gateways import lab_get
from printlab.simulated.tasks import simulated_lab_step
from tests.core.test_accessibility import AXE, AXE_RUN, WIDTHS
from tests.printlab.conftest import order_request, print_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Set to a folder to keep the screenshots (for a person to look at).
SCREENSHOTS = os.environ.get("LAB_SCREENSHOTS", "")


def test_a_parcel_on_its_way_then_delivered_reads_well_at_both_widths(
    browser, live_server, settings
):
    """Dispatched, then delivered: the page says so, and axe finds nothing serious."""
    settings.LAB_BACKEND = "simulated"
    order = lab_get().order_create(
        order_request(print_item("https://x.example/a.png", "0" * 32, copies=3))
    )
    for step in (1, 2, 3):
        simulated_lab_step.call(lab_id=order.id, step=step)
    parcel = lab_get().order_get(order.id).shipments[0]
    path = reverse("lab_tracking", kwargs={"number": parcel.tracking_number})

    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.add_init_script(path=str(AXE))
    found = []
    for state in ("on-its-way", "delivered"):
        if state == "delivered":
            simulated_lab_step.call(lab_id=order.id, step=4)
        page.goto(path)
        heading = page.get_by_role("heading", level=1)
        assert parcel.tracking_number in heading.inner_text()
        assert ("Delivered" if state == "delivered" else "On its way") in heading.inner_text()
        for device, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            found += [f"{state} @{width}px: {v}" for v in page.evaluate(AXE_RUN)]
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{state} scrolls sideways at {width}px"
            if SCREENSHOTS:
                Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{SCREENSHOTS}/track-{state}-{device}.png", full_page=True)
    context.close()
    assert found == [], "\n".join(found)
