"""Remixes: "Use this prompt" opens Create filled in; the new image records and shows its
origin; the original counts its remixes; a private image cannot be remixed."""

import pytest
from django.urls import reverse

from dalle import services
from dalle.models import GeneratedImage
from tests.dalle.factories import ImageFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Public = GeneratedImage.Visibility.PUBLIC


@pytest.fixture
def original(db):
    owner = UserFactory(username="mina", display_name="Mina Park")
    return ImageFactory(
        owner=owner,
        prompt="A lighthouse on a cliff at dawn",
        style="watercolor",
        size=GeneratedImage.Size.LANDSCAPE,
        visibility=Public,
    )


def test_use_this_prompt_opens_create_filled_in(user_client, original):
    """The public image's page offers "Use this prompt"; Create has its prompt, style, size."""
    page = user_client.get(original.get_absolute_url()).content.decode()
    link = f"{reverse('image_create')}?remix={original.public_id}"
    assert f'href="{link}">Use this prompt' in page
    create = user_client.get(link).content.decode()
    assert "A lighthouse on a cliff at dawn</textarea>" in create
    assert 'value="watercolor" id="id_style_1" checked' in create
    assert 'value="1536x1024" selected' in create
    assert f'name="remix_of" value="{original.public_id}"' in create
    assert 'by <a href="/@mina/">Mina Park</a>' in create


def test_a_remix_records_its_origin_and_shows_it(
    user_client, user, original, run_tasks, django_capture_on_commit_callbacks
):
    """The new image knows what it remixes; its page links there with the creator's name;
    the original says how often it was remixed."""
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            reverse("image_create"),
            {
                "prompt": "A lighthouse on a cliff at night",
                "style": "oil",
                "size": "1024x1024",
                "remix_of": str(original.public_id),
            },
        )
    remix = GeneratedImage.objects.get(owner=user)
    assert response.url == remix.get_absolute_url()
    assert remix.remix_of == original and remix.style == "oil"
    run_tasks()
    page = user_client.get(remix.get_absolute_url()).content.decode()
    assert f'Remixed from <a href="{original.get_absolute_url()}">' in page
    assert 'by <a href="/@mina/">Mina Park</a>' in page
    assert "Remixed 1 time." in user_client.get(original.get_absolute_url()).content.decode()


def test_a_private_image_cannot_be_remixed(user_client, user):
    """Neither the link, nor a forged form, nor the service remixes a private image."""
    secret = ImageFactory(prompt="Nobody may copy this")
    assert user_client.get(f"{reverse('image_create')}?remix={secret.public_id}").status_code == 404
    assert user_client.get(f"{reverse('image_create')}?remix=not-a-uuid").status_code == 404
    response = user_client.post(
        reverse("image_create"),
        {"prompt": "copied", "size": "1024x1024", "remix_of": str(secret.public_id)},
    )
    assert response.status_code == 400
    assert "cannot be remixed" in response.content.decode()
    with pytest.raises(services.GenerationRefused):
        services.generation_request(user=user, prompt="x", size="1024x1024", remix_of=secret)
    assert not GeneratedImage.objects.filter(owner=user).exists()


def test_an_original_made_private_drops_out_of_the_lineage(user_client, user, original):
    """Once the original is private, the remix says so without showing it or linking it."""
    remix = ImageFactory(owner=user, prompt="Mine", remix_of=original)
    original.visibility = GeneratedImage.Visibility.PRIVATE
    original.save()
    page = user_client.get(remix.get_absolute_url()).content.decode()
    assert "Remixed from an image that is no longer public." in page
    assert original.prompt not in page and str(original.public_id) not in page
    response = user_client.post(
        reverse("image_create"),
        {"prompt": "late", "size": "1024x1024", "remix_of": str(original.public_id)},
    )
    assert response.status_code == 400


def test_a_deleted_original_leaves_the_remix_standing(user, original):
    """Deleting the original keeps the remix; it simply has no origin any more."""
    remix = ImageFactory(owner=user, remix_of=original)
    original.delete()
    remix.refresh_from_db()
    assert remix.remix_of is None


def test_only_finished_remixes_are_counted(client, original):
    """A remix still painting or failed does not count on the original."""
    ImageFactory(remix_of=original)
    ImageFactory(remix_of=original, status=GeneratedImage.Status.FAILED)
    assert "Remixed 1 time." in client.get(original.get_absolute_url()).content.decode()
