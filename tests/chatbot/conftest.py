import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_shop(db):
    """The demo formats and FAQ, as `make run` creates them."""
    call_command("ensure_demo_data", stdout=io.StringIO())
