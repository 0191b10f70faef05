"""Generated images in S3 (moto's S3 server) through django-storages."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from dalle.models import GeneratedImage
from tests.conftest import BUCKET
from tests.purchases.factories import make_order

pytestmark = pytest.mark.django_db


def test_generated_image_lands_in_the_bucket_and_page_links_a_signed_url(
    s3_storage, user_client, run_tasks, django_capture_on_commit_callbacks
):
    """The PNG and WebP are objects in the bucket; the page shows a signed, expiring URL."""
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(
            reverse("image_create"), {"prompt": "A tram in Lisbon", "size": "1024x1024"}
        )
    run_tasks()
    image = GeneratedImage.objects.get()
    assert image.status == GeneratedImage.Status.SUCCEEDED

    keys = {item["Key"] for item in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]}
    # Originals and previews sit under the private prefix, under random keys.
    sized = {f"private/{stored['name']}" for stored in image.sized_previews}
    assert keys == {f"private/{image.image.name}", f"private/{image.preview.name}", *sized}
    assert len(sized) == 4
    assert str(image.public_id) not in image.image.name
    body = s3_storage.get_object(Bucket=BUCKET, Key=f"private/{image.image.name}")["Body"].read()
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert not image.image.name.startswith("http")  # the database keeps keys, not URLs

    page = user_client.get(image.get_absolute_url()).content.decode()
    assert image.original_src in page
    # The owner's page draws a sized preview through the checked view: a signed redirect too.
    sized = user_client.get(image.sized_sources()[0].url)
    assert sized.status_code == 302 and "X-Amz-Signature" in sized.url
    assert "/private/" in urlparse(sized.url).path
    original = user_client.get(image.original_src)
    assert original.status_code == 302
    url = original.url
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert "X-Amz-Signature" in query
    assert int(query["X-Amz-Expires"][0]) <= 300


def test_cdn_domain_never_serves_originals(s3_storage, settings, user, user_client):
    """With a CDN domain for public files, originals still get a short signed URL."""
    from tests.dalle.factories import ImageFactory

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "custom_domain": "cdn.test"},
        },
    }
    image = ImageFactory(owner=user, visibility=GeneratedImage.Visibility.PUBLIC)
    assert image.thumbnail.url.startswith("https://cdn.test/thumbs/")
    original = user_client.get(image.original_src)
    assert original.status_code == 302
    assert "cdn.test" not in original.url
    assert "X-Amz-Signature" in original.url
    assert "/private/" in urlparse(original.url).path


def test_missing_bucket_fails_the_job_cleanly(
    s3_storage, user_client, run_tasks, django_capture_on_commit_callbacks, settings
):
    """When storage refuses the file, the job fails with a message and never claims success."""
    settings.GENERATION_STORE_RETRY_SECONDS = 0
    s3_storage.delete_bucket(Bucket=BUCKET)
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(reverse("image_create"), {"prompt": "A lost file", "size": "1024x1024"})
    run_tasks()
    image = GeneratedImage.objects.get()
    assert image.status == GeneratedImage.Status.FAILED
    assert image.error_code == "storage_error"
    assert not image.image
    page = user_client.get(image.get_absolute_url()).content.decode()
    assert "We could not save your image" in page
    s3_storage.create_bucket(Bucket=BUCKET)  # for the fixture's clean-up


def test_paid_download_is_a_short_lived_signed_url(s3_storage, user, user_client, settings):
    """A buyer's download goes to a 5-minute signed URL that saves the file as an attachment."""
    from purchases.models import Order
    from tests.products.factories import FormatFactory, ProductFactory

    product = ProductFactory()
    order = make_order(
        customer=user, product=product, format=FormatFactory(), quantity=1, address=None
    )
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERED)
    item = order.items.get()
    response = user_client.get(reverse("order_item_download", args=[order.public_id, item.pk]))
    assert response.status_code == 302
    query = parse_qs(urlparse(response.url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-disposition"][0].startswith('attachment; filename="aigallery-')
    assert urlparse(response.url).path.endswith(f"private/{product.image.image.name}")
