"""The AI price table managers keep in the admin: it prices what the settings do not."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dalle.models import ModelPrice
from dalle.selectors import price_table
from lib.ai_costs import usage_cost_micros

pytestmark = pytest.mark.django_db


def test_an_admin_price_overrides_the_settings_and_prices_a_call(settings):
    """A row for a model wins over OPENAI_PRICES; a model only the admin knows is priced too."""
    settings.OPENAI_PRICES = {"gpt-image-1": {"input": 5, "output": 40}}
    ModelPrice.objects.create(model="gpt-image-1", input=Decimal("10"), output=Decimal("40"))
    ModelPrice.objects.create(model="gpt-image-2", input=Decimal("8"), output=Decimal("30"))
    table = price_table()
    usage = {"input_tokens": 100, "output_tokens": 1000}
    assert usage_cost_micros(model="gpt-image-1", usage=usage, prices=table) == 100 * 10 + 40_000
    assert usage_cost_micros(model="gpt-image-2-2026-01-01", usage=usage, prices=table) == 30_800
    assert usage_cost_micros(model="gpt-image-2", usage=usage) is None  # settings alone


def test_managers_edit_the_price_table_in_the_admin(admin_client):
    """The price table opens in the admin and a new model's prices are saved from it."""
    listing = reverse("admin:dalle_modelprice_changelist")
    assert admin_client.get(listing).status_code == 200
    response = admin_client.post(
        reverse("admin:dalle_modelprice_add"),
        {"model": "gpt-image-2", "input": "8", "output": "30"},
    )
    assert response.status_code == 302
    assert price_table()["gpt-image-2"] == {"input": "8.0000", "output": "30.0000"}
