import io

import pytest
from django.core.management import call_command

from products.models import Format
from tests.products.factories import FormatFactory, PrintFormatFactory

pytestmark = pytest.mark.django_db


def demo_data() -> str:
    out = io.StringIO()
    call_command("ensure_demo_data", stdout=out)
    return out.getvalue()


def test_a_fresh_shop_gets_prints_on_paper_and_a_canvas_once():
    """The demo formats: a download without a medium, paper prints and one canvas; twice is
    the same as once."""
    demo_data()
    demo_data()
    mediums = dict(Format.objects.values_list("name", "medium"))
    assert mediums["Digital download"] == ""
    assert mediums["Art print 15×15 cm"] == "paper"
    assert Format.objects.filter(medium="canvas").count() == 1
    assert Format.objects.count() == 5


def test_a_shop_without_a_canvas_gets_one_after_its_formats():
    """A shop with its own formats but no canvas gets the demo canvas, last, and only once."""
    FormatFactory(sort_order=0)
    PrintFormatFactory(sort_order=3)
    assert "Added a demo canvas format" in demo_data()
    demo_data()
    canvas = Format.objects.get(medium="canvas")
    assert (canvas.name, canvas.width_cm, canvas.sort_order) == ("Canvas 40×40 cm", 40, 4)
    assert Format.objects.count() == 3
