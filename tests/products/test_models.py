from decimal import Decimal

import pytest

from products.models import Format
from products.money import format_minor, to_minor
from tests.dalle.factories import ImageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("size", "width", "height", "ok"),
    [
        (("15", "15"), 1024, 1024, True),
        (("20", "20"), 1024, 1024, False),
        (("15", "22"), 1536, 1024, True),
        (("15", "22"), 1024, 1024, False),
    ],
)
def test_print_quality_guard(size, width, height, ok):
    """A print is offered only when the image has about 150 DPI at its size."""
    fmt = Format(
        name="p",
        kind="physical",
        price=Decimal(1),
        width_cm=Decimal(size[0]),
        height_cm=Decimal(size[1]),
    )
    image = ImageFactory.build(width=width, height=height)
    assert (fmt.unsuitable_reason(image) == "") is ok


def test_digital_formats_fit_any_image():
    """A download has no pixel minimum."""
    assert (
        Format(name="d", kind="digital", price=Decimal(1)).unsuitable_reason(
            ImageFactory.build(width=10, height=10)
        )
        == ""
    )


@pytest.mark.parametrize(
    ("amount", "currency", "minor", "shown"),
    [
        (Decimal("24.00"), "usd", 2400, "$24.00"),
        (Decimal("0.505"), "usd", 51, "$0.51"),
        (Decimal("25000"), "krw", 25000, "₩25,000"),
        (Decimal("9.99"), "chf", 999, "9.99 CHF"),
    ],
)
def test_money_in_minor_units(amount, currency, minor, shown):
    """Prices become integer minor units; zero-decimal currencies have none."""
    assert to_minor(amount, currency) == minor
    assert format_minor(minor, currency) == shown
