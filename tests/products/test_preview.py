import io
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from dalle.imaging import make_thumbnail
from dalle.models import GeneratedImage
from lib.mockups import Fit, Position
from lib.storages import random_key
from products import previews
from products.models import Format
from tests.dalle.factories import png_bytes
from tests.products.factories import (
    CanvasFormatFactory,
    FormatFactory,
    PrintFormatFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


def landscape_files(prompt: str = "A wide bay") -> dict:
    """A 1536 × 1024 image's fields, with small files of the same 3:2 shape."""
    png = png_bytes(prompt, size=(96, 64))
    webp, _, _ = make_thumbnail(png)
    return {
        "width": 1536,
        "height": 1024,
        "image": ContentFile(png, name=random_key("images", "png")),
        "preview": ContentFile(webp, name=random_key("images", "webp")),
    }


@pytest.fixture
def formats(db) -> dict[str, Format]:
    return {
        "digital": FormatFactory(),
        "print": PrintFormatFactory(),  # 15 × 15 cm paper
        "canvas": CanvasFormatFactory(),  # 40 × 40 cm
        "retired": PrintFormatFactory(name="Old print", active=False),
    }


@pytest.fixture
def product(formats):
    """A public landscape artwork."""
    return ProductFactory(image__prompt="A wide bay at noon", **image_kwargs(landscape_files()))


def image_kwargs(files: dict) -> dict:
    return {f"image__{name}": value for name, value in files.items()}


def preview_url(product, **query) -> str:
    return (
        reverse("product_preview", args=[product.slug])
        + "?"
        + "&".join(f"{key}={value}" for key, value in query.items())
    )


def opened(response) -> Image.Image:
    picture = Image.open(io.BytesIO(response.content))
    picture.load()
    return picture


@pytest.mark.parametrize(("scene", "size"), [("mockup", (800, 560)), ("print", (640, 640))])
def test_preview_is_a_webp_of_the_scene(client, product, formats, scene, size):
    """The mock-up and the print itself come back as WebP pictures of their size."""
    response = client.get(
        preview_url(product, format=formats["canvas"].pk, fit="fill", position="left", scene=scene)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    picture = opened(response)
    assert picture.format == "WEBP" and picture.size == size


def test_public_previews_may_be_cached_by_anyone(client, product, formats):
    """A public artwork's preview is publicly cacheable for an hour."""
    response = client.get(preview_url(product, format=formats["print"].pk))
    assert response["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Choose a print size."),
        ({"format": "abc"}, "not on sale"),
        ({"format": "digital"}, "not on sale"),
        ({"format": "retired"}, "not on sale"),
        ({"format": "99999999999999999999999"}, "not on sale"),
        ({"format": "print", "fit": "stretch"}, "crop the picture to fill or to fit"),
        ({"format": "print", "position": "middle"}, "Choose which part to keep"),
        ({"format": "print", "scene": "3d"}, "the print or the mock-up"),
    ],
)
def test_bad_choices_are_a_400_with_a_sentence(client, product, formats, query, message):
    """Unknown, retired or digital formats and unknown fits, positions or scenes: a 400."""
    query = {k: formats[v].pk if v in formats else v for k, v in query.items()}
    response = client.get(preview_url(product, **query))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert message in response.content.decode()


def test_another_users_private_image_is_a_404(client, user, other_user, formats):
    """A private artwork's preview is its owner's: others, signed in or not, get a 404."""
    private = ProductFactory(
        image__owner=other_user, image__visibility=GeneratedImage.Visibility.PRIVATE
    )
    url = preview_url(private, format=formats["print"].pk)
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert client.get(url).status_code == 404


def test_the_owner_previews_their_private_image_privately(client, user, formats):
    """The owner sees the preview of their own private artwork, marked private."""
    own = ProductFactory(image__owner=user, image__visibility=GeneratedImage.Visibility.PRIVATE)
    client.force_login(user)
    response = client.get(preview_url(own, format=formats["canvas"].pk, scene="mockup"))
    assert response.status_code == 200
    assert opened(response).format == "WEBP"
    assert response["Cache-Control"].startswith("private")


def test_second_request_is_served_from_the_cache(client, product, formats):
    """The rendered picture is kept in the cache, and served from there even when the image
    file has gone from storage."""
    fmt = formats["canvas"]
    url = preview_url(product, format=fmt.pk, fit="fill", position="right", scene="mockup")
    first = client.get(url)
    key = previews.preview_cache_key(
        image=product.image, fmt=fmt, fit=Fit.FILL, position=Position.RIGHT, scene="mockup"
    )
    assert cache.get(key) == first.content

    product.image.preview.storage.delete(product.image.preview.name)
    product.image.image.storage.delete(product.image.image.name)
    second = client.get(url)
    assert second.status_code == 200 and second.content == first.content


def test_a_choice_that_changes_nothing_shares_the_cached_picture(client, product, formats):
    """ "Top" on a picture whose sides are cut draws what "center" draws: one cache entry."""
    fmt = formats["print"]
    centre = client.get(preview_url(product, format=fmt.pk, position="center", scene="print"))
    top = client.get(preview_url(product, format=fmt.pk, position="top", scene="print"))
    assert top.content == centre.content
    left = client.get(preview_url(product, format=fmt.pk, position="left", scene="print"))
    assert left.content != centre.content


def test_a_missing_file_is_a_404_not_a_500(client, product, formats):
    """When the picture cannot be read there is nothing to preview: a 404."""
    product.image.preview.storage.delete(product.image.preview.name)
    product.image.image.storage.delete(product.image.image.name)
    response = client.get(preview_url(product, format=formats["print"].pk))
    assert response.status_code == 404


# The product page


def tag(page: str, attribute: str) -> str:
    """The opening tag that carries `attribute` (e.g. 'data-position="top"')."""
    match = re.search(r"<[^>]*" + re.escape(attribute) + r"[^>]*>", page)
    assert match, f"no tag with {attribute}"
    return match.group(0)


def test_product_page_shows_the_crop_choice_and_the_mockup(client, product, formats):
    """A wide picture on a square print: fill or fit, and left/right (never top/bottom)."""
    page = client.get(product.get_absolute_url()).content.decode()
    assert "How your print will look" in page
    assert "hidden" not in tag(page, "data-crop-choice")
    assert "hidden" not in tag(page, 'data-position="left"')
    assert "hidden" not in tag(page, 'data-position="right"')
    assert "hidden" in tag(page, 'data-position="top"')
    assert "hidden" in tag(page, 'data-position="bottom"')
    mockup = tag(page, 'data-scene="mockup"')
    assert f"format={formats['print'].pk}" in mockup and "scene=mockup" in mockup
    assert "print-preview.js" in page


def test_product_page_shows_dpi_and_every_price(client, product, formats):
    """Every format on sale shows its price; prints show the DPI they get."""
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Prints at 173 DPI" in page  # 1024 px over 15 cm, cropped to fill
    assert "Prints at 65 DPI" in page  # over 40 cm
    for fmt in ("digital", "print", "canvas"):
        assert f"{formats[fmt].name}</strong> — ${formats[fmt].price}" in page
    assert "Old print" not in page


def test_without_javascript_the_form_reloads_the_page_with_the_choice(client, product, formats):
    """The Preview form's GET shows the chosen print, fit and position, checked and drawn."""
    canvas = formats["canvas"]
    page = client.get(
        product.get_absolute_url(), {"format": canvas.pk, "fit": "fill", "position": "right"}
    ).content.decode()
    assert "checked" in tag(page, f'id="preview-format-{canvas.pk}"')
    assert "checked" in tag(page, 'id="preview-position-right"')
    assert "checked" in tag(page, 'id="preview-fit-fill"')
    src = tag(page, 'data-scene="print"')
    assert f"format={canvas.pk}" in src and "fit=fill" in src and "position=right" in src
    assert "cropped to fill, keeping the right" in page


def test_a_square_picture_on_a_square_print_has_no_crop_choice(client, formats):
    """Same shapes: nothing is cut, so the crop choice is hidden; the mock-up still shows."""
    square = ProductFactory()
    page = client.get(square.get_absolute_url()).content.decode()
    assert "hidden" in tag(page, "data-crop-choice")
    assert 'data-scene="mockup"' in page


def test_a_tall_picture_on_a_wide_print_offers_top_and_bottom(client, formats):
    """A portrait picture on a landscape print is cut top and bottom."""
    wide = PrintFormatFactory(name="Art print 30×20 cm", width_cm=30, height_cm=20, min_dpi=60)
    png = png_bytes("A tall tower", size=(64, 96))
    tall = ProductFactory(
        image__width=1024,
        image__height=1536,
        image__image=ContentFile(png, name=random_key("images", "png")),
    )
    page = client.get(tall.get_absolute_url(), {"format": wide.pk}).content.decode()
    assert "hidden" not in tag(page, 'data-position="top"')
    assert "hidden" not in tag(page, 'data-position="bottom"')
    assert "hidden" in tag(page, 'data-position="left"')


def test_tampered_page_choices_fall_back_to_the_first_print(client, product, formats):
    """A page asked for a retired format or a made-up fit previews the first print instead."""
    for query in ({"format": formats["retired"].pk}, {"format": "x", "fit": "zoom"}):
        response = client.get(product.get_absolute_url(), query)
        assert response.status_code == 200
        assert "checked" in tag(
            response.content.decode(), f'id="preview-format-{formats["print"].pk}"'
        )


def test_preview_answers_get_and_head_only(client, product, formats):
    """A preview is read, never posted to."""
    url = preview_url(product, format=formats["print"].pk)
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405
