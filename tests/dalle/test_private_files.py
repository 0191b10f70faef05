"""What is sold stays private: originals never sit at a public address, and every original
or private preview goes through a permission check."""

import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from PIL import Image

from dalle import services
from dalle.files import relocate_image_files
from dalle.models import GeneratedImage
from tests.dalle.factories import ImageFactory, QueuedImageFactory, png_bytes

pytestmark = pytest.mark.django_db
PUBLIC = GeneratedImage.Visibility.PUBLIC
PRIVATE = GeneratedImage.Visibility.PRIVATE


def body_of(response) -> bytes:
    """Read a streamed file response and close its file (without ending the test's request)."""
    body = b"".join(response.streaming_content)
    for close in response._resource_closers:
        close()
    return body


def public_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]


def test_public_media_holds_only_thumbnails_of_public_images(client, settings, user):
    """Nothing but public thumbnails is under the public media folder, under random keys."""
    public = ImageFactory(owner=user, visibility=PUBLIC)
    ImageFactory(owner=user, visibility=PRIVATE)
    assert public_files(settings) == [public.thumbnail.name]
    assert str(public.public_id) not in public.thumbnail.name
    served = client.get(public.thumbnail.url)
    assert served.status_code == 200
    body_of(served)
    # Any name next to the thumbnail is a miss: the original is elsewhere, under its own key.
    folder = public.thumbnail.url.rsplit("/", 1)[0]
    for guess in (f"{public.public_id}.png", public.image.name.rsplit("/", 1)[-1]):
        assert client.get(f"{folder}/{guess}").status_code == 404
    assert client.get(f"/media/{public.image.name}").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "other", "owner", "manager"])
def test_the_original_is_for_its_owner_and_managers(client, user, other_user, manager, who):
    """Only the owner and managers get the original from the image's checked address."""
    image = ImageFactory(owner=user, visibility=PUBLIC)
    if who != "anonymous":
        client.force_login({"other": other_user, "owner": user, "manager": manager}[who])
    response = client.get(image.original_src)
    if who in ("anonymous", "other"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert body_of(response)[:4] == b"\x89PNG"
    assert response["Cache-Control"] == "private, no-store"


def test_making_an_image_private_takes_its_thumbnail_off_the_public_address(client, user):
    """Unsharing deletes the public copy; the owner still sees the private preview."""
    image = ImageFactory(owner=user, visibility=PUBLIC)
    public_url, public_name = image.thumbnail.url, image.thumbnail.name
    services.image_set_visibility(image=image, visibility=PRIVATE)
    image.refresh_from_db()
    assert not image.thumbnail
    assert not default_storage.exists(public_name)
    assert client.get(public_url).status_code == 404
    assert client.get(image.thumbnail_src).status_code == 404, "strangers get nothing"
    client.force_login(user)
    preview = client.get(image.thumbnail_src)
    assert preview.status_code == 200
    body_of(preview)

    services.image_set_visibility(image=image, visibility=PUBLIC)
    image.refresh_from_db()
    assert image.thumbnail and image.thumbnail.name != public_name, "a new, unguessable key"


def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(client, user, settings):
    """In production with local files, Django checks and Nginx sends the file."""
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/protected/"
    image = ImageFactory(owner=user)
    client.force_login(user)
    response = client.get(image.original_src)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{image.image.name}"
    assert response.content == b""


def test_old_layout_is_moved_without_loss_and_moving_again_changes_nothing(settings):
    """Files stored the old way (public, named after the image) move to the private store."""
    image = QueuedImageFactory(visibility=PUBLIC)
    shut = QueuedImageFactory(visibility=PRIVATE)
    originals = {}
    for row in (image, shut):
        original = png_bytes(row.prompt)
        originals[row.pk] = original
        row.image.name = default_storage.save(f"images/{row.public_id}.png", ContentFile(original))
        row.thumbnail.name = default_storage.save(
            f"images/{row.public_id}-thumb.webp", ContentFile(b"RIFFthumb")
        )
        GeneratedImage.objects.filter(pk=row.pk).update(
            image=row.image.name, thumbnail=row.thumbnail.name, status="succeeded"
        )

    call_command("relocate_media")
    for row in (image, shut):
        row.refresh_from_db()
        with storages["private"].open(row.image.name) as moved:
            assert moved.read() == originals[row.pk]
        assert str(row.public_id) not in row.image.name
        assert storages["private"].exists(row.preview.name)
    assert image.thumbnail.name.startswith("thumbs/")
    assert not shut.thumbnail
    assert public_files(settings) == [image.thumbnail.name]

    before = {
        row.pk: (row.image.name, row.preview.name, row.thumbnail.name) for row in (image, shut)
    }
    for row in (image, shut):
        relocate_image_files(row)
        row.refresh_from_db()
        assert (row.image.name, row.preview.name, row.thumbnail.name) == before[row.pk]
    assert os.listdir(settings.PRIVATE_MEDIA_ROOT)


def test_private_previews_show_on_my_images_and_to_managers(client, user, manager):
    """The owner's My images and the manager pages show a private image's preview."""
    image = ImageFactory(owner=user, visibility=PRIVATE)
    client.force_login(user)
    page = client.get("/images/").content.decode()
    assert image.thumbnail_src in page
    client.force_login(manager)
    preview = client.get(image.thumbnail_src)
    assert preview.status_code == 200
    body_of(preview)


# Sized previews (srcset) follow the same rules: private always, public copies only while public.


def sized_names(sized: list[dict]) -> set[str]:
    return {stored["name"] for stored in sized}


def test_a_new_image_has_private_sizes_and_nothing_public(
    user_client, user, settings, run_tasks, django_capture_on_commit_callbacks
):
    """A finished painting has its sizes in private storage only; its page shows them
    through the checked view, which a stranger cannot open."""
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post("/create/", {"prompt": "A tram in Lisbon", "size": "1536x1024"})
    run_tasks()
    image = GeneratedImage.objects.get()
    assert {(s["width"], s["height"], s["format"]) for s in image.sized_previews} == {
        (320, 213, "avif"),
        (320, 213, "webp"),
        (640, 427, "avif"),
        (640, 427, "webp"),
    }
    assert all(storages["private"].exists(name) for name in sized_names(image.sized_previews))
    assert public_files(settings) == [], "nothing of a private image at a public address"
    page = user_client.get(image.get_absolute_url()).content.decode()
    urls = [source.url for source in image.sized_sources()]
    assert urls and all(url in page for url in urls)
    assert all(url.startswith(f"/images/{image.public_id}/preview/") for url in urls)
    user_client.logout()
    assert all(user_client.get(url).status_code == 404 for url in urls)


def test_publishing_copies_the_sizes_out_and_unpublishing_deletes_the_copies(
    client, settings, user
):
    """Share: every size gets a public copy under a new random key. Unshare: the copies are
    deleted and their addresses answer 404; the owner still sees the private sizes."""
    from products.services import image_publish

    image = ImageFactory(owner=user, sized=True)
    assert public_files(settings) == []
    image_publish(image=image, public=True)
    image.refresh_from_db()
    public = sized_names(image.sized_thumbnails)
    assert len(public) == 4 and not public & sized_names(image.sized_previews)
    assert set(public_files(settings)) == {image.thumbnail.name, *public}
    urls = [source.url for source in image.sized_sources()]
    assert all(url.startswith("/media/thumbs/") for url in urls)
    for url in urls:
        served = client.get(url)
        assert served.status_code == 200
        body_of(served)
    assert all(url in client.get("/shop/").content.decode() for url in urls)

    image_publish(image=image, public=False)
    image.refresh_from_db()
    assert image.sized_thumbnails == [] and public_files(settings) == []
    assert all(client.get(url).status_code == 404 for url in urls)
    private_urls = [source.url for source in image.sized_sources()]
    assert all(client.get(url).status_code == 404 for url in private_urls), "strangers"
    client.force_login(user)
    for url in private_urls:
        preview = client.get(url)
        assert preview.status_code == 200
        body_of(preview)


@pytest.mark.parametrize("who", ["anonymous", "other", "owner", "manager"])
def test_a_private_sized_preview_is_for_its_owner_and_managers(
    client, user, other_user, manager, who
):
    """Another shopper (or nobody signed in) gets a 404; owner and managers get the AVIF."""
    image = ImageFactory(owner=user, sized=True)
    if who != "anonymous":
        client.force_login({"other": other_user, "owner": user, "manager": manager}[who])
    response = client.get(f"/images/{image.public_id}/preview/320.avif")
    if who in ("anonymous", "other"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "image/avif"
    assert response["Cache-Control"] == "private, no-store"
    with Image.open(io.BytesIO(body_of(response))) as decoded:
        assert (decoded.format, decoded.width) == ("AVIF", 320)


@pytest.mark.parametrize("size", ["321.avif", "320.png", "320.avif.exe", "big.webp"])
def test_a_size_that_does_not_exist_is_a_404(client, user, size):
    """Only the stored sizes are served; anything else is a clear 404, never a 500."""
    image = ImageFactory(owner=user, sized=True)
    client.force_login(user)
    assert client.get(f"/images/{image.public_id}/preview/{size}").status_code == 404
