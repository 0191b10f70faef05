from datetime import timedelta

import pytest
from django.core.files.storage import default_storage, storages
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from dalle.models import GeneratedImage, GenerationSwitch
from tests.dalle.factories import ImageFactory, QueuedImageFactory

pytestmark = pytest.mark.django_db
Status = GeneratedImage.Status


@pytest.fixture
def generate(user_client, django_capture_on_commit_callbacks):
    def post(prompt: str, size: str = "1024x1024"):
        with django_capture_on_commit_callbacks(execute=True):
            return user_client.post(reverse("image_create"), {"prompt": prompt, "size": size})

    return post


def test_create_needs_login(client):
    """Anonymous visitors are sent to log in before creating."""
    response = client.get(reverse("image_create"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_create_queues_and_redirects_at_once(generate, user):
    """Generate returns straight away to the image page, with the job queued."""
    response = generate("A lighthouse in a storm")
    image = GeneratedImage.objects.get(owner=user)
    assert response.status_code == 302
    assert response.url == image.get_absolute_url()
    assert image.status == Status.QUEUED
    assert image.provider == "offline"
    assert image.events.get().to_status == Status.QUEUED


def test_worker_paints_the_image_and_page_shows_it(generate, user, user_client, run_tasks):
    """After the worker runs, the page shows the image, the prompt and the offline label."""
    generate("빨간 노을이 지는 바다, 유화", size="1536x1024")
    image = GeneratedImage.objects.get()
    page = user_client.get(image.get_absolute_url()).content.decode()
    assert "Waiting for the painter" in page
    assert 'hx-trigger="every 2s"' in page

    assert run_tasks() == 1
    image.refresh_from_db()
    assert image.status == Status.SUCCEEDED
    assert (image.width, image.height) == (1536, 1024)
    private = storages["private"]
    assert private.exists(image.image.name)
    assert not default_storage.exists(image.image.name), "originals are never in public media"
    assert str(image.public_id) not in image.image.name, "keys are not derivable from the id"
    assert not image.thumbnail, "a private image has no public thumbnail"
    with private.open(image.preview.name) as thumb_file, Image.open(thumb_file) as thumb:
        assert thumb.format == "WEBP"
        assert max(thumb.size) == 512
    page = user_client.get(image.get_absolute_url()).content.decode()
    assert image.original_src in page
    assert "빨간 노을이 지는 바다, 유화" in page
    assert "offline demo generator" in page
    assert "every 2s" not in page


def test_htmx_poll_gets_only_the_status_fragment(generate, user_client):
    """htmx polling receives the status partial, not the whole page."""
    generate("A fox in the snow")
    image = GeneratedImage.objects.get()
    response = user_client.get(image.get_absolute_url(), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="image-status"')
    assert "<html" not in body


@pytest.mark.parametrize(
    ("prompt", "message"),
    [
        ("", "the prompt cannot be empty"),
        ("   \n ", "the prompt cannot be empty"),
        ("x" * 1001, "Keep the prompt to 1000 characters (it has 1001)"),
    ],
)
def test_bad_prompts_are_refused_clearly(generate, prompt, message):
    """Empty or too long prompts get a clear message and create nothing."""
    response = generate(prompt)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GeneratedImage.objects.exists()


def test_longest_and_korean_prompts_work(generate, run_tasks):
    """A 1000-character prompt and a Korean one are both painted."""
    generate("가" * 1000)
    generate("  한국어 프롬프트: 달빛 아래의 고양이  ")
    run_tasks()
    long_one, korean = GeneratedImage.objects.order_by("id")
    assert len(long_one.prompt) == 1000
    assert korean.prompt == "한국어 프롬프트: 달빛 아래의 고양이"
    assert {long_one.status, korean.status} == {Status.SUCCEEDED}


def test_unknown_size_is_refused(generate):
    """A tampered size is rejected."""
    response = generate("A cat", size="4096x4096")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_private_image_is_hidden_from_others(client, other_user):
    """Another user, or a visitor, gets a 404 for a private image."""
    image = ImageFactory()
    assert client.get(image.get_absolute_url()).status_code == 404
    client.force_login(other_user)
    assert client.get(image.get_absolute_url()).status_code == 404


def test_owner_cancels_queued_job(client, run_tasks):
    """A queued job can be canceled by its owner and is then never painted."""
    image = QueuedImageFactory()
    client.force_login(image.owner)
    response = client.post(reverse("image_cancel", args=[image.public_id]), follow=True)
    assert "Canceled" in response.content.decode()
    image.refresh_from_db()
    assert image.status == Status.CANCELED


def test_running_job_cannot_be_canceled(client):
    """Once painting has started, cancel says it is too late."""
    image = QueuedImageFactory(status=Status.RUNNING, started_at=timezone.now())
    client.force_login(image.owner)
    response = client.post(reverse("image_cancel", args=[image.public_id]), follow=True)
    assert "Too late to cancel" in response.content.decode()
    image.refresh_from_db()
    assert image.status == Status.RUNNING


def test_other_user_cannot_cancel(client, other_user):
    """Cancelling someone else's job is a 404."""
    image = QueuedImageFactory()
    client.force_login(other_user)
    assert client.post(reverse("image_cancel", args=[image.public_id])).status_code == 404
    image.refresh_from_db()
    assert image.status == Status.QUEUED


def test_my_images_lists_own_newest_first_and_paginates(
    user_client, user, other_user, django_assert_max_num_queries
):
    """My images shows only the user's images, newest first, 24 a page."""
    mine = [ImageFactory(owner=user, prompt=f"mine {n}") for n in range(25)]
    ImageFactory(owner=other_user, prompt="someone else's")
    with django_assert_max_num_queries(6):
        page = user_client.get(reverse("image_list")).content.decode()
    assert "someone else" not in page
    assert page.index("mine 24") < page.index("mine 23")
    assert "mine 0" not in page
    assert "Page 1 of 2" in page
    assert "mine 0" in user_client.get(reverse("image_list") + "?page=2").content.decode()
    assert len(mine) == 25


def test_daily_limit_refuses_and_says_when(generate, user, settings):
    """Past the daily limit the request is refused with the time it opens again."""
    settings.GENERATION_DAILY_LIMIT_PER_USER = 2
    generate("one")
    generate("two")
    response = generate("three")
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have used your 2 images for today." in page
    assert "You can create again at" in page
    assert GeneratedImage.objects.filter(owner=user).count() == 2


def test_failed_and_canceled_jobs_do_not_use_the_allowance(generate, user, settings):
    """Failed, rejected and canceled jobs leave the daily allowance untouched."""
    settings.GENERATION_DAILY_LIMIT_PER_USER = 1
    QueuedImageFactory(owner=user, status=Status.FAILED, error_code="safety_rejected")
    QueuedImageFactory(owner=user, status=Status.CANCELED)
    assert generate("still allowed").status_code == 302


def test_allowance_frees_up_after_24_hours(generate, user, settings):
    """Jobs older than 24 hours no longer count."""
    settings.GENERATION_DAILY_LIMIT_PER_USER = 1
    old = ImageFactory(owner=user)
    GeneratedImage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert generate("a new day").status_code == 302


def test_site_wide_cap(generate, other_user, settings):
    """The site-wide daily cap refuses everyone once reached."""
    settings.GENERATION_DAILY_LIMIT_SITE = 1
    ImageFactory(owner=other_user)
    response = generate("too many today")
    assert response.status_code == 429
    assert "The gallery has painted all the images it can today." in response.content.decode()


def test_paused_generation_refuses_new_requests(generate):
    """When managers pause generation, shoppers are told it is unavailable."""
    GenerationSwitch.objects.create(pk=1, enabled=False, reason="maintenance")
    response = generate("A castle")
    assert response.status_code == 429
    assert "Image generation is temporarily unavailable" in response.content.decode()
    assert "maintenance" not in response.content.decode()
    assert not GeneratedImage.objects.exists()


def test_create_form_has_csrf_and_escapes_prompts(generate, user_client, run_tasks):
    """The form carries a CSRF token and prompts with HTML show as text."""
    assert "csrfmiddlewaretoken" in user_client.get(reverse("image_create")).content.decode()
    generate("<script>alert(1)</script> a cat")
    image = GeneratedImage.objects.get()
    page = user_client.get(image.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; a cat" in page


def test_others_see_a_public_image_as_a_preview_only(client, other_user):
    """A public image's page shows others the thumbnail, never the full-resolution file."""
    image = ImageFactory(visibility=GeneratedImage.Visibility.PUBLIC)
    client.force_login(other_user)
    page = client.get(image.get_absolute_url()).content.decode()
    assert image.thumbnail.url in page
    assert image.original_src not in page
    assert client.get(image.original_src).status_code == 404


def test_offline_painter_is_deterministic():
    """The same prompt paints the same picture; another prompt paints another."""
    from dalle.providers import OfflineProvider

    painter = OfflineProvider()
    first = painter.generate(prompt="A fox in the snow", size="1024x1024", user_ref="u1").png
    again = painter.generate(prompt="A fox in the snow", size="1024x1024", user_ref="u2").png
    other = painter.generate(prompt="A fox in the rain", size="1024x1024", user_ref="u1").png
    assert first == again
    assert first != other


def test_reloading_a_stale_job_requeues_that_job_only(client, django_capture_on_commit_callbacks):
    """Reloading the page of a job whose worker died requeues it; other jobs are left alone."""
    long_ago = timezone.now() - timedelta(hours=2)
    mine = QueuedImageFactory(status=Status.RUNNING, started_at=long_ago, attempts=1)
    someone_elses = QueuedImageFactory(status=Status.RUNNING, started_at=long_ago, attempts=1)
    client.force_login(mine.owner)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(mine.get_absolute_url()).content.decode()
    assert "Waiting for the painter" in page
    mine.refresh_from_db()
    someone_elses.refresh_from_db()
    assert mine.status == Status.QUEUED
    assert someone_elses.status == Status.RUNNING
