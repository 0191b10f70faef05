import pytest
from django.urls import reverse

from tests.products.factories import CanvasFormatFactory, PrintFormatFactory

pytestmark = pytest.mark.django_db


def test_managers_see_and_filter_formats_by_medium(admin_client):
    """The formats list shows each print's medium and filters by it."""
    CanvasFormatFactory()
    PrintFormatFactory()
    url = reverse("admin:products_format_changelist")
    page = admin_client.get(url).content.decode()
    assert "Canvas (gallery wrap)" in page and "Paper (framed art print)" in page
    canvases = admin_client.get(url, {"medium__exact": "canvas"}).content.decode()
    assert "Canvas 40×40 cm" in canvases and "Art print 15×15 cm" not in canvases
