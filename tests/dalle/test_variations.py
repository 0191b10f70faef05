"""Style presets, variations (one to four per request), "Regenerate" and "Variations of this"."""

import io
import json

import httpx  # httpx2 under its old name: see tests/httpx_alias.py
import pytest
import respx
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image, ImageChops, ImageStat

from dalle import services
from dalle.models import GeneratedImage
from dalle.painter import paint
from tests.dalle.factories import ImageFactory
from tests.dalle.test_providers import GENERATIONS, b64_image, stored_bytes

pytestmark = pytest.mark.django_db


def create(client, **data):
    return client.post(reverse("image_create"), {"size": "1024x1024", **data})


def test_create_offers_eight_style_presets_with_sample_pictures(user_client):
    """Create shows the presets as labelled radio buttons, each with its sample picture."""
    page = user_client.get(reverse("image_create")).content.decode()
    for label in ("Watercolour", "Oil painting", "Woodblock print", "Anime", "Photograph"):
        assert f"<span>{label}</span>" in page
    for label in ("Pixel art", "Line drawing", "3D render", "Just my words"):
        assert f"<span>{label}</span>" in page
    assert page.count('<img src="/static/img/styles/') == 9
    assert '<input type="radio" name="style" value="" id="id_style_0" checked>' in page
    for name in (
        "plain",
        "watercolor",
        "oil",
        "woodblock",
        "anime",
        "photo",
        "pixel",
        "line",
        "3d",
    ):
        assert finders.find(f"img/styles/{name}.webp")


def test_the_chosen_style_drives_the_offline_painter(
    user_client, user, run_tasks, django_capture_on_commit_callbacks
):
    """A picture made with the pixel-art preset is the painter's pixel art of the prompt."""
    with django_capture_on_commit_callbacks(execute=True):
        create(user_client, prompt="A cat on a pile of books", style="pixel")
    run_tasks()
    image = GeneratedImage.objects.get(owner=user)
    assert image.style == "pixel"
    painted = Image.open(io.BytesIO(stored_bytes(image.image.name))).convert("RGB")
    expected = paint("A cat on a pile of books", 1024, 1024, "pixel").convert("RGB")
    assert ImageChops.difference(painted, expected).getbbox() is None
    plain = paint("A cat on a pile of books", 1024, 1024).convert("RGB")
    assert ImageChops.difference(painted, plain).getbbox() is not None
    assert "Pixel art ·" in user_client.get(image.get_absolute_url()).content.decode()


def test_an_unknown_style_is_a_clear_400(user_client):
    response = create(user_client, prompt="A cat", style="crayon")
    assert response.status_code == 400
    assert "Choose one of the styles shown." in response.content.decode()


def test_the_style_is_added_to_the_prompt_sent_to_openai(
    settings, user, run_tasks, django_capture_on_commit_callbacks
):
    """With OpenAI, the preset's words follow the person's prompt."""
    settings.IMAGE_PROVIDER = "openai"
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = None
    with respx.mock(using="httpx") as api:
        route = api.post(GENERATIONS).mock(return_value=httpx.Response(200, json=b64_image()))
        with django_capture_on_commit_callbacks(execute=True):
            services.generation_request(
                user=user, prompt="A fox in the snow.", size="1024x1024", style="woodblock"
            )
        run_tasks()
    sent = json.loads(route.calls.last.request.content)
    assert sent["prompt"] == (
        "A fox in the snow, as a Japanese woodblock print, flat colours and bold outlines"
    )


def test_variations_make_several_jobs_that_each_count(
    user_client, user, settings, django_capture_on_commit_callbacks
):
    """Three variations: three jobs in one batch, each its own variant and each counted."""
    settings.GENERATION_DAILY_LIMIT_PER_USER = 4
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = create(user_client, prompt="A koi pond", count="3")
    images = list(GeneratedImage.objects.filter(owner=user).order_by("id"))
    assert len(images) == 3 and len(callbacks) == 3  # one task each
    assert response.url == images[0].get_absolute_url()
    assert len({image.batch for image in images}) == 1 and images[0].batch is not None
    assert images[0].variant == 0 and len({image.variant for image in images}) == 3
    refused = create(user_client, prompt="More koi", count="2")
    assert refused.status_code == 429
    assert "You have 1 of your 4 images left today: ask for fewer." in refused.content.decode()
    assert create(user_client, prompt="x", count="5").status_code == 400


def test_variants_paint_different_pictures_of_the_same_subject():
    """The offline painter: variant 0 is the prompt's own picture; others differ from it."""
    first = paint("A koi pond", 256, 256)
    assert paint("A koi pond", 256, 256, variant=0).tobytes() == first.tobytes()
    other = paint("A koi pond", 256, 256, variant=12345)
    difference = ImageStat.Stat(ImageChops.difference(first, other).convert("L")).mean[0]
    assert difference > 5


def test_regenerate_and_variations_of_this_on_ones_own_image(
    user_client, user, django_capture_on_commit_callbacks
):
    """An image page offers Regenerate (one more) and Variations of this (up to four)."""
    image = ImageFactory(owner=user, prompt="A tram in Lisbon", style="oil")
    page = user_client.get(image.get_absolute_url()).content.decode()
    assert ">Regenerate</button>" in page and "Variations of this</label>" in page
    again = reverse("image_again", args=[image.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(again, {"count": "1"})
    regenerated = GeneratedImage.objects.exclude(pk=image.pk).get()
    assert response.url == regenerated.get_absolute_url()
    assert (regenerated.prompt, regenerated.style) == ("A tram in Lisbon", "oil")
    assert regenerated.variant != 0
    user_client.post(again, {"count": "4"})
    batch = GeneratedImage.objects.exclude(pk__in=[image.pk, regenerated.pk])
    assert batch.count() == 4 and batch.values("batch").distinct().count() == 1
    shown = user_client.get(batch.first().get_absolute_url()).content.decode()
    assert "From the same request" in shown
    assert user_client.post(again, {"count": "9"}).status_code == 302
    assert GeneratedImage.objects.count() == 6


def test_others_cannot_regenerate_my_image(client, other_user):
    """ "Regenerate" is for the owner: another person gets a 404 (and the prompt stays mine)."""
    image = ImageFactory(visibility=GeneratedImage.Visibility.PUBLIC)
    client.force_login(other_user)
    response = client.post(reverse("image_again", args=[image.public_id]), {"count": "1"})
    assert response.status_code == 404
