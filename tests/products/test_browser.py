import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from dalle.imaging import make_thumbnail
from dalle.models import GeneratedImage
from lib.storages import random_key
from products.models import Format
from tests.dalle.factories import png_bytes
from tests.products.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep screenshots of the product page (for a person to look at).
SCREENSHOTS = os.environ.get("PREVIEW_SCREENSHOTS", "")


@pytest.fixture
def wide_product(db):
    """The demo formats, and a public 1536 × 1024 artwork (its files at half size)."""
    call_command("ensure_demo_data", stdout=io.StringIO())
    png = png_bytes("A blue whale in a night sky over a quiet bay", size=(768, 512))
    webp, width, height = make_thumbnail(png)
    return ProductFactory(
        image__prompt="A blue whale in a night sky over a quiet bay",
        image__visibility=GeneratedImage.Visibility.PUBLIC,
        image__width=1536,
        image__height=1024,
        image__image=ContentFile(png, name=random_key("images", "png")),
        image__preview=ContentFile(webp, name=random_key("images", "webp")),
        image__thumbnail=ContentFile(webp, name=random_key("thumbs", "webp")),
        image__thumbnail_width=width,
        image__thumbnail_height=height,
    )


def loaded(img) -> bool:
    return img.evaluate("i => i.complete && i.naturalWidth > 0")


def test_choices_swap_the_pictures_in_place(page, wide_product):
    """With JavaScript, picking another print, fit or crop redraws the pictures, no reload."""
    canvas = Format.objects.get(medium="canvas")
    page.goto(wide_product.get_absolute_url())
    mockup = page.locator('img[data-scene="mockup"]')
    page.wait_for_function("() => document.querySelector('img[data-scene=mockup]').complete")
    assert loaded(mockup)
    assert not page.get_by_role("button", name="Preview").is_visible()  # not needed: it follows
    assert page.get_by_label("Keep the left").is_visible()
    assert not page.get_by_label("Keep the top").is_visible()
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SCREENSHOTS}/product-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    page.evaluate("() => { window.stayed = true; }")
    page.get_by_label("Canvas 40×40 cm").check()
    page.get_by_label("Keep the right").check()
    page.wait_for_function(
        "id => document.querySelector('img[data-scene=mockup]').src.includes('format=' + id)",
        arg=str(canvas.pk),
    )
    src = mockup.get_attribute("src")
    assert "position=right" in src and "fit=fill" in src
    page.wait_for_function("() => document.querySelector('img[data-scene=mockup]').complete")
    assert loaded(mockup)
    assert "keeping the right" in page.locator("[data-preview-caption]").inner_text()

    page.get_by_label("Fit the whole picture").check()
    assert not page.get_by_label("Keep the right").is_visible()  # nothing is cut
    assert "white border" in page.locator("[data-preview-caption]").inner_text()
    assert "fit=fit" in page.locator('img[data-scene="print"]').get_attribute("src")
    assert page.evaluate("() => window.stayed")  # the same page all along
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/product-canvas-fit-1280.png", full_page=True)


def test_without_javascript_the_preview_button_reloads_with_the_choice(
    browser, live_server, wide_product
):
    """Without JavaScript, Preview reloads the page with the chosen print and crop drawn."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(wide_product.get_absolute_url())
    page.get_by_label("Canvas 40×40 cm").check()
    page.get_by_label("Keep the right").check()
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url("**position=right**")
    assert "keeping the right" in page.locator("[data-preview-caption]").inner_text()
    assert page.get_by_label("Canvas 40×40 cm").is_checked()
    mockup = page.locator('img[data-scene="mockup"]')
    assert "position=right" in mockup.get_attribute("src")
    page.wait_for_function("() => document.querySelector('img[data-scene=mockup]').complete")
    assert loaded(mockup)
    if SCREENSHOTS:
        page.set_viewport_size({"width": 390, "height": 900})
        page.screenshot(path=f"{SCREENSHOTS}/product-nojs-390.png", full_page=True)
    context.close()
