"""Likes: one click, with or without JavaScript, once per person, safe under races."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from dalle.models import GeneratedImage
from gallery.models import Like
from tests.dalle.factories import ImageFactory
from tests.factories import UserFactory
from tests.gallery.factories import LikeFactory

pytestmark = pytest.mark.django_db

Public = GeneratedImage.Visibility.PUBLIC


@pytest.fixture
def art(db):
    return ImageFactory(prompt="A fox in the snow", visibility=Public)


def like_url(image) -> str:
    return reverse("image_like", args=[image.public_id])


def test_like_without_javascript_comes_back_pressed(user_client, user, art):
    """A plain form post likes the image and returns to the page, the button pressed."""
    response = user_client.post(like_url(art), {"like": "1", "next": reverse("explore")})
    assert response.status_code == 302 and response.url == reverse("explore")
    assert Like.objects.filter(user=user, image=art).count() == 1
    page = user_client.get(reverse("explore")).content.decode()
    assert 'aria-pressed="true"' in page
    assert '♥</span> 1<span class="visually-hidden"> like</span>' in page
    user_client.post(like_url(art), {"like": "0", "next": reverse("explore")})
    assert not Like.objects.exists()
    assert 'aria-pressed="false"' in user_client.get(reverse("explore")).content.decode()


def test_like_with_htmx_swaps_just_the_button(user_client, art):
    """With htmx the answer is the button alone, pressed, with the new count."""
    LikeFactory(image=art)
    response = user_client.post(
        like_url(art), {"like": "1", "next": "/explore/"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<form class="like-form"')
    assert 'aria-pressed="true"' in html and "2<span" in html
    assert 'name="like" value="0"' in html  # the next click unlikes
    assert 'name="next" value="/explore/"' in html


def test_a_double_click_makes_one_like(user_client, user, art):
    """Two "like" posts (a double click, a reload) leave one like, not two, not none."""
    for _ in range(2):
        user_client.post(like_url(art), {"like": "1"})
    assert Like.objects.filter(user=user, image=art).count() == 1


def test_the_database_refuses_a_second_like(user, art):
    """The unique pair is the database's own rule, not only the service's."""
    from django.db import IntegrityError, transaction

    Like.objects.create(user=user, image=art)
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(user=user, image=art)


@pytest.mark.django_db(transaction=True)
def test_two_likes_at_once_make_one_like():
    """Two requests at the same moment from one person (PostgreSQL): one like, two 302s."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    user = UserFactory()
    art = ImageFactory(visibility=Public)
    barrier, statuses = threading.Barrier(2), []

    def like() -> None:
        client = Client()
        client.force_login(user)
        barrier.wait()
        statuses.append(client.post(like_url(art), {"like": "1"}).status_code)
        connection.close()

    threads = [threading.Thread(target=like) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert Like.objects.filter(user=user, image=art).count() == 1


def test_visitors_are_asked_to_log_in(client, art):
    """Signed out: the count and a log-in link; a post goes to log in (htmx: a redirect)."""
    page = client.get(art.get_absolute_url()).content.decode()
    assert "log in to like" in page and "like-form" not in page
    response = client.post(like_url(art), {"like": "1"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    htmx = client.post(like_url(art), {"like": "1"}, headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith(reverse("login"))
    assert not Like.objects.exists()


def test_private_images_cannot_be_liked(user_client, user):
    """Someone's private image (or one's own) is not there to like: 404."""
    for image in (ImageFactory(), ImageFactory(owner=user)):
        assert user_client.post(like_url(image), {"like": "1"}).status_code == 404
    assert not Like.objects.exists()


def test_like_needs_the_csrf_token(user, art):
    """A like from another site (no CSRF token) is refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(like_url(art), {"like": "1"}).status_code == 403
    assert not Like.objects.exists()


def test_an_outside_next_address_is_ignored(user_client, art):
    """next= pointing to another site sends the person back to the image instead."""
    response = user_client.post(like_url(art), {"like": "1", "next": "https://evil.example/"})
    assert response.url == art.get_absolute_url()


def test_ones_own_like_shows_at_once_on_cached_pages(client, user, settings, any_cache):
    """The person who liked sees it on the next page, however long pages are cached."""
    settings.GALLERY_CACHE_SECONDS = 300
    client.force_login(user)
    art = ImageFactory(prompt="Cached", visibility=Public)
    for url in (reverse("home"), reverse("explore"), reverse("creator", args=[art.owner.username])):
        assert 'aria-pressed="false"' in client.get(url).content.decode()
    client.post(like_url(art), {"like": "1"})
    for url in (reverse("home"), reverse("explore"), reverse("creator", args=[art.owner.username])):
        assert 'aria-pressed="true"' in client.get(url).content.decode(), url
    cache.clear()


def test_the_image_page_has_the_like_button(user_client, art):
    """The image's own page shows its likes and the button."""
    LikeFactory.create_batch(2, image=art)
    page = user_client.get(art.get_absolute_url()).content.decode()
    assert 'class="like-button" aria-pressed="false"' in page
    assert "♥</span> 2<" in page
