"""A shop page of 24 cards of photographic art weighs at most 1 MB in all (issue #19):
HTML, stylesheet, scripts, icon and every card's picture, counted on the bytes served."""

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage

from bench.photos import photograph_png
from dalle.imaging import Rendition, make_sizes
from dalle.models import GeneratedImage
from lib.storages import private_storage
from tests.dalle.factories import ImageFactory, stored_sizes
from tests.products.factories import ProductFactory

ONE_MB = 1_000_000
CARDS = 24
DISTINCT_PHOTOGRAPHS = 6  # encoded once per run; each card still has files of its own


@functools.cache
def _photograph_sizes(seed: int) -> list[Rendition]:
    return make_sizes(photograph_png(seed))


def photographic_shop(count: int = CARDS) -> None:
    """`count` public products of photograph-like art (bench/photos.py), each with its own
    stored files made by the real encoder."""
    for n in range(count):
        renditions = _photograph_sizes(n % DISTINCT_PHOTOGRAPHS)
        ProductFactory(
            image=ImageFactory(
                visibility=GeneratedImage.Visibility.PUBLIC,
                sized_previews=stored_sizes(private_storage(), "images", renditions),
                sized_thumbnails=stored_sizes(default_storage, "thumbs", renditions),
            )
        )


class Assets(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.static: set[str] = set()
        self.pictures: list[dict[str, str]] = []  # {type: srcset}
        self._picture: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        for name in ("src", "href"):
            if (attrs.get(name) or "").startswith("/static/"):
                self.static.add(attrs[name])
        if tag == "source":
            self._picture[attrs["type"]] = attrs["srcset"]
        elif tag == "img" and "srcset" in attrs:
            self.pictures.append({**self._picture, "image/webp": attrs["srcset"]})
            self._picture = {}


def largest(srcset: str) -> str:
    return max(re.findall(r"(\S+) (\d+)w", srcset), key=lambda pair: int(pair[1]))[0]


def served_bytes(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    size = len(b"".join(response.streaming_content))
    for close in response._resource_closers:  # the file, without ending the test's request
        close()
    return size


@pytest.mark.django_db
def test_24_photographic_cards_weigh_under_1_mb_even_at_640_px(client):
    """The worst case, every card at its 640 px size (a phone or a sharp screen): under 1 MB
    in AVIF (what browsers take) and in the WebP fallback alike."""
    photographic_shop()
    html = client.get("/shop/").content
    assets = Assets(html.decode())
    assert len(assets.pictures) == CARDS
    static = sum(
        Path(finders.find(path.removeprefix("/static/"))).stat().st_size for path in assets.static
    )
    for kind in ("image/avif", "image/webp"):
        cards = sum(served_bytes(client, largest(picture[kind])) for picture in assets.pictures)
        total = len(html) + static + cards
        print(f"24 photographic cards at 640 px, {kind}: {total:,} bytes in all")
        assert total <= ONE_MB, f"{kind}: {total:,} bytes"


def page_weight(page, url: str) -> tuple[int, list[str]]:
    """Bytes of every response a page needs once it is scrolled to the end, and the images."""
    bodies: list[tuple[str, int]] = []
    page.on("response", lambda response: bodies.append((response.url, len(response.body()))))
    page.goto(url)
    for _ in range(12):  # scroll through the grid so that every lazy card loads
        page.mouse.wheel(0, 800)
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("[...document.images].every(img => img.complete && img.naturalWidth)")
    return sum(size for _, size in bodies), [u for u, _ in bodies if "/media/" in u]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "scale", "card_width"), [(1280, 1, 320), (390, 3, 640)])
def test_a_browser_loads_24_photographic_cards_in_under_1_mb(
    browser, live_server, width, scale, card_width
):
    """Chromium on a desktop picks the 320 px AVIFs, on a phone the 640s; all 24 load, and
    the whole page stays under 1 MB."""
    photographic_shop()
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        device_scale_factor=scale,
    )
    page = context.new_page()
    total, images = page_weight(page, "/shop/")
    sources = page.eval_on_selector_all(".grid img", "imgs => imgs.map(i => i.currentSrc)")
    context.close()
    print(f"24 photographic cards, {width} px at {scale}x: {total:,} bytes in all")
    assert len(sources) == CARDS and len(set(images)) == CARDS
    assert all(src.endswith(".avif") for src in sources)
    widths = {
        stored["width"]
        for image in GeneratedImage.objects.all()
        for stored in image.sized_thumbnails
        if any(src.endswith(stored["name"]) for src in sources)
    }
    assert widths == {card_width}
    assert total <= ONE_MB
