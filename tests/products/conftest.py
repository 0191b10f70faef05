import pytest

from tests.products.factories import FormatFactory, PrintFormatFactory


@pytest.fixture
def shop_formats(db):
    return [FormatFactory(), PrintFormatFactory()]
