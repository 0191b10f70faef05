import pytest
from django.core.files.storage import storages
from django.urls import reverse

from dalle.models import GeneratedImage
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_generation_runs_in_a_real_db_worker(client, user, worker_process):
    """Create → queued row → a separate db_worker process paints it → the page shows it."""
    client.force_login(user)
    response = client.post(
        reverse("image_create"), {"prompt": "Lanterns over a river", "size": "1024x1024"}
    )
    image = GeneratedImage.objects.get()
    assert response.url == image.get_absolute_url()
    assert image.status == GeneratedImage.Status.QUEUED

    worker_process()

    def painted():
        """the worker to finish the image"""
        image.refresh_from_db()
        return not image.is_pending

    wait_for(painted)
    assert image.status == GeneratedImage.Status.SUCCEEDED
    assert storages["private"].exists(image.image.name)
    page = client.get(image.get_absolute_url()).content.decode()
    assert image.original_src in page
    served = client.get(image.original_src)
    assert served.status_code == 200
    assert b"".join(served.streaming_content)[:4] == b"\x89PNG"
