"""The gallery in the API: Explore, likes, remixes and creators."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import api_token_create
from dalle.models import BlockedWord, GeneratedImage
from gallery.models import Like
from tests.dalle.factories import ImageFactory
from tests.factories import UserFactory
from tests.gallery.factories import LikeFactory, bulk_public_images
from tests.products.factories import FormatFactory, ProductFactory

pytestmark = pytest.mark.django_db
Public = GeneratedImage.Visibility.PUBLIC


@pytest.fixture
def api(client, user):
    """A client sending the user's API key, as an app does."""
    _, key = api_token_create(user=user, name="test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def test_explore_lists_cards_for_anyone(client):
    """No key needed: newest public images with creator, likes and price; paged by `next`."""
    FormatFactory()
    creator = UserFactory(username="mina", display_name="Mina Park")
    product = ProductFactory(image__owner=creator, image__prompt="A red kite")
    LikeFactory.create_batch(2, image=product.image)
    ImageFactory(prompt="Private")
    body = client.get("/api/v1/explore/").json()
    assert body["page"] == 1 and body["next"] is None and body["previous"] is None
    [card] = body["results"]
    assert card["prompt"] == "A red kite" and card["likes"] == 2 and card["liked"] is False
    assert card["creator"]["display_name"] == "Mina Park"
    assert card["creator"]["page_url"].endswith("/@mina/")
    assert card["from_price"] == "5.00" and card["currency"] == "usd"
    assert card["product_url"].endswith(product.get_absolute_url())


def test_explore_tabs_search_and_pages(client):
    """`tab=today` ranks by today's likes; `q` searches; `page` pages without a count."""
    liked = ProductFactory(image__prompt="A loved harbour").image
    LikeFactory(image=liked)
    ProductFactory(image__prompt="Ignored")
    today = client.get("/api/v1/explore/", {"tab": "today"}).json()["results"]
    assert [card["prompt"] for card in today] == ["A loved harbour"]
    assert today[0]["window_likes"] == 1
    found = client.get("/api/v1/explore/", {"q": "harbour"}).json()["results"]
    assert [card["prompt"] for card in found] == ["A loved harbour"]
    bulk_public_images(30)
    first = client.get("/api/v1/explore/", {"q": "bulk"}).json()
    assert len(first["results"]) == 24 and "page=2" in first["next"] and "q=bulk" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 6 and second["next"] is None


def test_explore_costs_the_same_queries_for_1_and_1000(client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/v1/explore/")
        return len(captured)

    bulk_public_images(1)
    few = queries()
    bulk_public_images(999)
    assert queries() == few


def test_like_and_unlike_with_a_key(api, user):
    """POST likes (twice: still one), DELETE unlikes; private images are 404."""
    art = ImageFactory(visibility=Public)
    url = f"/api/v1/images/{art.public_id}/like/"
    assert api.post(url).json() == {"liked": True, "likes": 1}
    assert api.post(url).json() == {"liked": True, "likes": 1}
    assert Like.objects.filter(user=user).count() == 1
    liked = api.get("/api/v1/explore/").json()["results"][0]
    assert liked["liked"] is True
    assert api.delete(url).json() == {"liked": False, "likes": 0}
    private = ImageFactory()
    assert api.post(f"/api/v1/images/{private.public_id}/like/").status_code == 404


def test_liking_needs_a_signed_in_caller(client):
    art = ImageFactory(visibility=Public)
    response = client.post(f"/api/v1/images/{art.public_id}/like/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] in ("not_authenticated", "authentication_failed")


def test_remix_starts_a_generation_that_records_its_origin(
    api, user, django_capture_on_commit_callbacks
):
    """POST /remix/ with nothing: the original's prompt, style and size; the answer is 202."""
    original = ImageFactory(
        prompt="A fox in the snow", style="woodblock", size="1536x1024", visibility=Public
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/images/{original.public_id}/remix/", {}, content_type="application/json"
        )
    assert response.status_code == 202
    body = response.json()
    assert (body["prompt"], body["style"], body["size"]) == (
        "A fox in the snow",
        "woodblock",
        "1536x1024",
    )
    assert body["remix_of"] == str(original.public_id)
    assert GeneratedImage.objects.get(owner=user).remix_of == original
    changed = api.post(
        f"/api/v1/images/{original.public_id}/remix/",
        {"prompt": "A fox at night", "style": ""},
        content_type="application/json",
    ).json()
    assert (changed["prompt"], changed["style"]) == ("A fox at night", "")


def test_remix_refusals_are_clear(api):
    """A private image is a 404; a blocked word is a 400 with its code; bad input a 400."""
    private = ImageFactory()
    assert api.post(f"/api/v1/images/{private.public_id}/remix/").status_code == 404
    original = ImageFactory(prompt="A calm sea", visibility=Public)
    BlockedWord.objects.create(word="gore")
    blocked = api.post(
        f"/api/v1/images/{original.public_id}/remix/",
        {"prompt": "gore at sea"},
        content_type="application/json",
    )
    assert blocked.status_code == 400 and blocked.json()["error"]["code"] == "prompt_blocked"
    bad = api.post(
        f"/api/v1/images/{original.public_id}/remix/",
        {"style": "crayon"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "style" in bad.json()["error"]["fields"]


def test_generations_accept_a_style(api, user):
    response = api.post(
        "/api/v1/generations/",
        {"prompt": "A koi pond", "style": "pixel"},
        content_type="application/json",
    )
    assert response.status_code == 202 and response.json()["style"] == "pixel"
    assert GeneratedImage.objects.get(owner=user).style == "pixel"


def test_creators_profile_and_images(client):
    creator = UserFactory(username="jun", display_name="Jun Seo", bio="City nights.")
    shown = ImageFactory(owner=creator, prompt="Neon", visibility=Public)
    ImageFactory(owner=creator, prompt="Hidden from you")
    LikeFactory.create_batch(3, image=shown)
    body = client.get("/api/v1/creators/jun/").json()
    assert body["display_name"] == "Jun Seo" and body["bio"] == "City nights."
    assert (body["images"], body["likes"]) == (1, 3)
    images = client.get(body["images_url"]).json()["results"]
    assert [card["prompt"] for card in images] == ["Neon"]
    assert client.get("/api/v1/creators/nobody/").status_code == 404
