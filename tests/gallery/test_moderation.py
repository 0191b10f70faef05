"""Moderation: reports, managers hiding an image from every list, the owner told why,
and blocked prompt words refused before any provider is called."""

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from dalle.models import BlockedWord, GeneratedImage
from gallery import services
from gallery.models import Report
from notifications.models import Notification
from tests.gallery.factories import LikeFactory
from tests.products.factories import FormatFactory, ProductFactory

pytestmark = pytest.mark.django_db

Public = GeneratedImage.Visibility.PUBLIC


@pytest.fixture
def reported(db, other_user):
    product = ProductFactory(image__owner=other_user, image__prompt="A questionable zebra")
    LikeFactory(image=product.image)
    return product


def report_url(image) -> str:
    return reverse("image_report", args=[image.public_id])


def test_a_signed_in_person_reports_with_a_reason(user_client, user, reported):
    """The image page links to a report form; a reason is needed; a second report is one."""
    image = reported.image
    assert report_url(image) in user_client.get(image.get_absolute_url()).content.decode()
    missing = user_client.post(report_url(image), {"note": "hm"})
    assert missing.status_code == 400 and "Choose a reason" in missing.content.decode()
    for _ in range(2):
        response = user_client.post(report_url(image), {"reason": "copyright", "note": "Mine!"})
        assert response.url == image.get_absolute_url()
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.note) == (user, "copyright", "Mine!")
    assert Client().get(report_url(image)).status_code == 302  # visitors log in first


def test_ones_own_and_private_images_cannot_be_reported(user_client, user):
    own = ProductFactory(image__owner=user).image
    response = user_client.post(report_url(own), {"reason": "spam"}, follow=True)
    assert "This is your own image" in response.content.decode()
    private = ProductFactory(image__visibility=GeneratedImage.Visibility.PRIVATE).image
    assert user_client.post(report_url(private), {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def lists_showing(text: str, product) -> list[str]:
    """Every public list and page where `text` shows, for a visitor."""
    visitor = Client()
    urls = {
        "home": reverse("home"),
        "explore": reverse("explore"),
        "today": reverse("explore") + "?tab=today",
        "week": reverse("explore") + "?tab=week",
        "search": reverse("explore") + "?q=zebra",
        "creator": reverse("creator", args=[product.image.owner.username]),
        "shop": reverse("shop"),
        "shop-search": reverse("shop") + "?q=zebra",
        "product": product.get_absolute_url(),
        "image": product.image.get_absolute_url(),
        "api-products": "/api/v1/products/",
    }
    return [
        name
        for name, url in urls.items()
        if visitor.get(url).status_code == 200 and text in visitor.get(url).content.decode()
    ]


def test_a_hidden_image_leaves_every_list_and_its_owner_is_told_why(
    admin_client, user, other_user, reported
):
    """A manager hides a reported image in the admin: gone from home, Explore (every tab and
    search), the creator page, the shop, the product page and the API; the owner is told."""
    FormatFactory()
    assert len(lists_showing("A questionable zebra", reported)) == 11
    services.report_create(reporter=user, image=reported.image, reason="copyright")
    report = Report.objects.get()
    change = reverse("admin:gallery_report_change", args=[report.pk])
    response = admin_client.post(
        change, {"status": "hidden", "decision_note": "It copies a famous painting."}
    )
    assert response.status_code == 302
    assert lists_showing("A questionable zebra", reported) == []
    image = GeneratedImage.objects.get(pk=reported.image.pk)
    assert image.hidden_reason == "It copies a famous painting." and not image.is_public
    report.refresh_from_db()
    assert report.status == Report.Status.HIDDEN and report.decided_by is not None
    told = Notification.objects.get(recipient=other_user)
    assert "It copies a famous painting." in told.text

    owner = Client()
    owner.force_login(other_user)
    page = owner.get(image.get_absolute_url()).content.decode()
    assert "A moderator hid this image" in page and "Share in the shop" not in page
    again = owner.post(
        reverse("image_publish", args=[image.public_id]), {"visibility": "public"}, follow=True
    )
    assert "cannot be shared again" in again.content.decode()
    assert not GeneratedImage.objects.get(pk=image.pk).is_public


def test_the_admin_list_hides_and_dismisses_in_bulk(admin_client, user, reported):
    """From the reports list: hide with the report's reason, or dismiss."""
    services.report_create(reporter=user, image=reported.image, reason="violence")
    changelist = reverse("admin:gallery_report_changelist")
    assert "A questionable zebra" in admin_client.get(changelist).content.decode()
    admin_client.post(
        changelist,
        {"action": "hide_images", "_selected_action": [r.pk for r in Report.objects.all()]},
    )
    assert GeneratedImage.objects.get(pk=reported.image.pk).hidden_reason == "Violence or gore"
    other = ProductFactory(image__prompt="Fine really")
    services.report_create(reporter=user, image=other.image, reason="spam")
    admin_client.post(
        changelist,
        {"action": "dismiss", "_selected_action": [Report.objects.get(image=other.image).pk]},
    )
    assert Report.objects.get(image=other.image).status == Report.Status.DISMISSED
    assert GeneratedImage.objects.get(pk=other.image.pk).is_public


def test_a_restored_image_can_be_shared_again(user, reported, other_user):
    """A moderator can undo a hide; the owner may then share the image again."""
    from products import services as product_services

    image = services.image_hide(image=reported.image, reason="Oops", manager=user)
    services.image_restore(image=image)
    product_services.image_publish(image=image, public=True)
    assert GeneratedImage.objects.get(pk=image.pk).is_public


@pytest.mark.parametrize(
    "prompt",
    ["Lots of GORE everywhere", "a gory scene with gores", "피투성이 고어가 가득한 장면"],
)
def test_blocked_words_refuse_the_prompt_before_any_job(user_client, prompt):
    """A prompt with a blocked word (any case, a plural, inside a Korean word) is refused
    with a clear sentence; no image row and no task: no provider is ever asked."""
    BlockedWord.objects.create(word="Gore", note="house rule")
    BlockedWord.objects.create(word="고어")
    response = user_client.post(reverse("image_create"), {"prompt": prompt, "size": "1024x1024"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "uses a word this gallery does not accept" in page
    assert not GeneratedImage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_word_inside_another_word_is_not_blocked(user_client):
    """A word in Latin letters is matched whole: "gore" does not block "Gorey"."""
    BlockedWord.objects.create(word="gore")
    response = user_client.post(
        reverse("image_create"), {"prompt": "Edward Gorey style sketch", "size": "1024x1024"}
    )
    assert response.status_code == 302
