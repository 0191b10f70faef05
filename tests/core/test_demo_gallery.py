"""The demo gallery that `make run` seeds: alive on the first visit, once, and switchable off."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from dalle.models import GeneratedImage
from gallery.models import Like
from products.models import Product

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("ensure_demo_data", stdout=out)
    return out.getvalue()


def test_the_demo_gallery_is_seeded_once_and_looks_alive(client, settings):
    """Three creators, two dozen public artworks across styles, remixes, likes, all for sale;
    home, Explore and the shop show them; a second run adds nothing."""
    settings.DEMO_GALLERY = True
    assert "Demo gallery: 3 creators, 27 artworks painted" in seed()
    public = GeneratedImage.objects.filter(visibility="public", status="succeeded")
    assert public.count() == 27
    assert public.values("owner").distinct().count() == 3
    assert public.exclude(remix_of=None).count() == 3
    assert public.values("style").distinct().count() >= 8
    assert Product.objects.filter(is_listed=True).count() == 27
    likes = Like.objects.count()
    assert likes > 50

    home = client.get(reverse("home")).content.decode()
    today = home[home.index("Today’s top five") : home.index("This week’s top five")]
    assert today.count('class="art-card"') == 5
    assert "Mina Park" in home and "from $" in home
    assert client.get(reverse("explore")).content.decode().count('class="art-card"') == 24
    assert "The shop is empty" not in client.get(reverse("shop")).content.decode()
    assert "I paint the sea" in client.get("/@mina/").content.decode()

    assert "Demo gallery" not in seed()
    assert GeneratedImage.objects.count() == 27 and Like.objects.count() == likes


def test_the_setting_turns_it_off(settings):
    """DEMO_GALLERY=false (production's default): no demo creators, no artworks."""
    settings.DEMO_GALLERY = False
    seed()
    assert not GeneratedImage.objects.exists()
