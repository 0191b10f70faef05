"""Notifications: told once per event, under the bell and (when wanted) by e-mail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chatbot import services as chat_services
from chatbot.models import Conversation, SupportRequest
from dalle import services as dalle_services
from dalle.models import GeneratedImage
from gallery import services as gallery_services
from notifications import services
from notifications.models import Notification
from tests.dalle.factories import ImageFactory, QueuedImageFactory
from tests.factories import ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
Public = GeneratedImage.Visibility.PUBLIC


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_ready_is_told_once_even_when_the_job_runs_twice(
    user, run_tasks, django_capture_on_commit_callbacks
):
    """A painted image tells its owner once; a second run of the same job tells nothing new."""
    from dalle import tasks

    with django_capture_on_commit_callbacks(execute=True):
        image = dalle_services.generation_request(user=user, prompt="A red kite", size="1024x1024")
    run_tasks()
    tasks.generate_image.enqueue(image_id=image.pk)
    run_tasks()
    ready = Notification.objects.get(recipient=user)
    assert ready.kind == Kind.IMAGE_READY
    assert ready.text == "Your image “A red kite” is ready."
    assert ready.url == image.get_absolute_url()


def test_a_failed_job_tells_its_owner(user, settings):
    """A job that ends failed (here: stale after its last attempt) says so, with the reason."""
    settings.GENERATION_MAX_ATTEMPTS = 1
    image = QueuedImageFactory(owner=user, prompt="Too slow")
    GeneratedImage.objects.filter(pk=image.pk).update(
        status=GeneratedImage.Status.RUNNING,
        attempts=1,
        started_at=timezone.now() - timedelta(days=1),
    )
    dalle_services.generation_recover_stale()
    failed = Notification.objects.get(recipient=user)
    assert failed.kind == Kind.IMAGE_FAILED
    assert failed.text.startswith("Your image “Too slow” could not be made. Painting took")


def test_a_like_is_told_once_per_person_and_never_for_ones_own(user, other_user):
    """Liking, unliking and liking again notifies the owner once; self-likes notify nobody."""
    other_user.display_name = "Jun"
    other_user.save()
    art = ImageFactory(owner=user, prompt="A fox", visibility=Public)
    for liked in (True, False, True):
        gallery_services.like_set(user=other_user, image=art, liked=liked)
    gallery_services.like_set(user=user, image=art, liked=True)
    liked = Notification.objects.get(recipient=user)
    assert (liked.kind, liked.text) == (Kind.IMAGE_LIKED, "Jun liked your image “A fox”.")


def test_a_finished_remix_tells_the_original_owner(
    user, other_user, run_tasks, django_capture_on_commit_callbacks
):
    """When someone's remix is painted, the original's owner hears of it, once."""
    original = ImageFactory(owner=other_user, prompt="A harbour", visibility=Public)
    with django_capture_on_commit_callbacks(execute=True):
        dalle_services.generation_request(
            user=user, prompt="A harbour at night", size="1024x1024", remix_of=original
        )
    run_tasks()
    told = Notification.objects.get(recipient=other_user)
    assert told.kind == Kind.IMAGE_REMIXED
    assert told.text == f"{user.username} remixed your image “A harbour”."
    assert kinds_of(user) == [Kind.IMAGE_READY]


def test_a_support_reply_is_told(user):
    """A manager's reply to a signed-in customer's question shows under their bell."""
    conversation = Conversation.objects.create(user=user)
    request = SupportRequest.objects.create(conversation=conversation, user=user, email=user.email)
    chat_services.support_request_reply(
        support_request=request, reply="Yes, we ship there.", manager=ManagerFactory()
    )
    assert kinds_of(user) == [Kind.SUPPORT_REPLY]


def test_one_event_key_makes_one_notification(user):
    """The same event sent twice (a retry, a race) is one notification."""
    first = services.notification_send(
        recipient=user, kind=Kind.IMAGE_READY, text="Ready", event_key="image:1:ready"
    )
    again = services.notification_send(
        recipient=user, kind=Kind.IMAGE_READY, text="Ready", event_key="image:1:ready"
    )
    assert first is not None and again is None
    assert Notification.objects.count() == 1


def send(user, n: int, kind=Kind.IMAGE_LIKED) -> Notification:
    return services.notification_send(
        recipient=user, kind=kind, text=f"Event {n}", url="/explore/", event_key=f"test:{n}"
    )


def test_the_bell_counts_unread_and_the_list_marks_them_read(user_client, user, other_user):
    """The bell shows the unread count; one or all can be marked read; others' are untouched."""
    for n in range(3):
        send(user, n)
    theirs = send(other_user, 9)
    bell = user_client.get(reverse("notification_bell")).content.decode()
    assert '<span class="bell-count">3<span class="visually-hidden"> unread</span>' in bell
    assert '<span class="bell-count">3' in user_client.get(reverse("home")).content.decode()
    page = user_client.get(reverse("notifications")).content.decode()
    assert page.count('class="notification unread"') == 3 and "Event 9" not in page

    first = Notification.objects.filter(recipient=user).last()
    user_client.post(reverse("notification_read", args=[first.pk]))
    user_client.post(reverse("notification_read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert 'bell-count">2<' in user_client.get(reverse("notification_bell")).content.decode()
    user_client.post(reverse("notification_read_all"))
    assert "bell-count" not in user_client.get(reverse("notification_bell")).content.decode()
    assert "You are all caught up." in user_client.get(reverse("notifications")).content.decode()


def test_the_bell_polls_and_visitors_have_none(client, user_client):
    """Signed in, the bell polls its own address (static/js/bell.js); visitors have no bell."""
    page = user_client.get(reverse("shop")).content.decode()
    assert f'data-poll="{reverse("notification_bell")}"' in page and "js/bell.js" in page
    client.logout()
    assert 'id="bell"' not in client.get(reverse("explore")).content.decode()
    assert client.get(reverse("notification_bell")).status_code == 302


def test_listing_costs_the_same_queries_for_1_and_200(user_client, user):
    """The list page does not query per notification."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            user_client.get(reverse("notifications"))
        return len(captured)

    send(user, 0)
    user_client.get(reverse("home"))  # the signed-in user is cached, as on any later page
    send(user, 1)
    few = queries()
    for n in range(2, 201):
        send(user, n)
    assert queries() == few


def test_email_only_for_the_kinds_chosen_in_the_profile(
    user_client, user, run_tasks, django_capture_on_commit_callbacks
):
    """No e-mail by default; after ticking "liked" in the profile, a like comes by e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        send(user, 1)
    run_tasks()
    assert mail.outbox == []
    profile = user_client.get(reverse("profile")).content.decode()
    assert 'name="kinds" value="image_liked"' in profile
    response = user_client.post(reverse("notification_emails"), {"kinds": ["image_liked"]})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        send(user, 2)
        send(user, 3, kind=Kind.IMAGE_READY)
    run_tasks()
    assert [message.subject for message in mail.outbox] == ["Someone liked your image — AI Gallery"]
    assert "Event 2" in mail.outbox[0].body and "/explore/" in mail.outbox[0].body
    assert user_client.post(reverse("notification_emails"), {"kinds": ["nope"]}).status_code == 404


def test_a_moderators_decision_is_always_emailed(
    user, run_tasks, django_capture_on_commit_callbacks
):
    """Hiding an image tells its owner why, by e-mail too, without any opt-in."""
    image = ImageFactory(owner=user, prompt="Borderline", visibility=Public)
    with django_capture_on_commit_callbacks(execute=True):
        gallery_services.image_hide(
            image=image, reason="It shows a real person.", manager=UserFactory()
        )
    run_tasks()
    assert kinds_of(user) == [Kind.IMAGE_HIDDEN]
    assert "It shows a real person." in mail.outbox[0].body
