"""The gallery journey in a browser: a visitor sees today's top five, signs up, remixes one,
likes another, and is told under the bell that the remix is ready."""

import pytest

from dalle.models import GeneratedImage
from gallery.models import Like
from tests.dalle.factories import ImageFactory
from tests.factories import PASSWORD, UserFactory
from tests.gallery.factories import LikeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gallery(db):
    """Six public images by one creator, liked today: 6, 5, ... 1 times."""
    creator = UserFactory(username="mina", display_name="Mina Park")
    images = []
    for n in range(6):
        image = ImageFactory(
            owner=creator,
            prompt=f"Lighthouse number {n}, watercolour",
            visibility=GeneratedImage.Visibility.PUBLIC,
        )
        LikeFactory.create_batch(6 - n, image=image)
        images.append(image)
    return images


def test_visitor_signs_up_remixes_likes_and_hears_the_remix_is_ready(page, gallery, worker_process):
    page.goto("/")
    today = page.locator("section[aria-labelledby=top-today] li.art-card")
    assert today.count() == 5
    assert today.first.get_by_text("Lighthouse number 0").is_visible()

    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("E-mail").fill("newcomer@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("link", name="Development: verify now").click()
    page.get_by_text("your e-mail address is confirmed").wait_for()

    # Remix today's favourite: its page, "Use this prompt", Create filled in, Generate.
    page.goto("/")
    page.locator("section[aria-labelledby=top-today] li.art-card").first.locator(
        "a.art-card-link"
    ).click()
    page.get_by_role("link", name="Use this prompt").click()
    assert page.get_by_label("Prompt").input_value() == "Lighthouse number 0, watercolour"
    page.get_by_label("Prompt").fill("Lighthouse number 0 at night, watercolour")
    page.get_by_text("Oil painting").click()
    page.get_by_role("button", name="Generate").click()
    page.get_by_text("Waiting for the painter").wait_for()
    worker_process()
    page.locator("img.artwork").wait_for(timeout=30_000)
    remix = GeneratedImage.objects.get(owner__username="newcomer")
    assert remix.remix_of == gallery[0] and remix.style == "oil"
    assert page.get_by_role("link", name="Mina Park").first.is_visible()

    # Like another one, in place (htmx): the button is pressed and counts one more.
    page.goto("/")
    second = page.locator("section[aria-labelledby=top-today] li.art-card").nth(1)
    button = second.locator("button.like-button")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    page.wait_for_function(
        "() => document.querySelectorAll('[aria-labelledby=top-today] button.like-button')[1]"
        ".getAttribute('aria-pressed') === 'true'"
    )
    assert " 6" in second.locator("button.like-button").inner_text().replace("\n", " ")
    assert Like.objects.filter(user__username="newcomer", image=gallery[1]).exists()

    # The bell: one unread, the ready notification.
    page.locator("#bell .bell-count").wait_for()
    assert page.locator("#bell .bell-count").inner_text().startswith("1")
    page.locator("#bell").click()
    ready = "Your image “Lighthouse number 0 at night, watercolour” is ready."
    page.get_by_role("link", name=ready).click()
    assert page.url.endswith(remix.get_absolute_url())
