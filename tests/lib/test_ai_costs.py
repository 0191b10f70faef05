"""Pricing a provider's reported usage with OPENAI_PRICES (USD per million tokens)."""

import pytest

from lib.ai_costs import format_micros, usage_add, usage_cost_micros

PRICES = {
    "gpt-image-1": {"input": 5, "image_input": 10, "output": 40},
    "gpt-image-1-mini": {"input": 2, "output": 8},
    "gpt-5-mini": {"input": 0.25, "cached_input": 0.025, "output": 2},
}


@pytest.fixture(autouse=True)
def prices(settings):
    settings.OPENAI_PRICES = PRICES


def test_image_usage_with_output_details():
    usage = {
        "input_tokens": 30,
        "input_tokens_details": {"text_tokens": 20, "image_tokens": 10},
        "output_tokens": 1100,
        "output_tokens_details": {"text_tokens": 100, "image_tokens": 1000},
    }
    # 20 × 5 + 10 × 10 + 100 × 40 (text out at `output`) + 1000 × 40 (image out falls back)
    assert usage_cost_micros(model="gpt-image-1", usage=usage) == 100 + 100 + 4000 + 40_000


def test_longest_matching_model_name_wins():
    """gpt-image-1-mini is not priced as gpt-image-1, and dated snapshots find their family."""
    usage = {"input_tokens": 1000, "output_tokens": 1000}
    assert usage_cost_micros(model="gpt-image-1-mini-2025-10-06", usage=usage) == 10_000
    assert usage_cost_micros(model="gpt-image-1", usage=usage) == 45_000


def test_chat_usage_rounds_half_up_to_a_micro_dollar():
    usage = {"prompt_tokens": 3, "completion_tokens": 0}
    assert usage_cost_micros(model="gpt-5-mini", usage=usage) == 1  # 0.75 micro-dollars


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        ({"images": 1, "cost_usd": 0}, 0),
        ({"cost_usd": "0.0421"}, 42_100),
        ({"cost": 0.5, "prompt_tokens": 10}, 500_000),  # the provider's own figure wins
        ({"cost_usd": "not a number"}, None),
    ],
)
def test_a_cost_the_provider_reports_is_believed(usage, expected):
    assert usage_cost_micros(model="anything", usage=usage) == expected


@pytest.mark.parametrize(
    ("model", "usage"),
    [
        ("unknown-model", {"input_tokens": 10}),
        ("gpt-image-1", {}),
        ("gpt-image-1", {"input_tokens": "lots"}),
    ],
)
def test_unknown_costs_are_none(model, usage):
    assert usage_cost_micros(model=model, usage=usage) is None


def test_a_broken_price_entry_is_an_unknown_cost(settings):
    settings.OPENAI_PRICES = {"gpt-5-mini": {"input": "cheap"}, "gpt-image-1": 5}
    assert usage_cost_micros(model="gpt-5-mini", usage={"prompt_tokens": 5}) is None
    assert usage_cost_micros(model="gpt-image-1", usage={"input_tokens": 5}) is None


def test_usages_add_up_with_their_details():
    one = {"prompt_tokens": 10, "prompt_tokens_details": {"cached_tokens": 4}, "model": "x"}
    two = {"prompt_tokens": 5, "prompt_tokens_details": {"cached_tokens": 1}}
    assert usage_add(one, two) == {
        "prompt_tokens": 15,
        "prompt_tokens_details": {"cached_tokens": 5},
        "model": "x",
    }


def test_micro_dollars_read_as_dollars():
    assert format_micros(42_100) == "$0.0421"
    assert format_micros(-1_250) == "−$0.0013"
    assert format_micros(1_234_567_890, places=2) == "$1,234.57"


def test_a_model_without_tokens_is_priced_per_image(settings):
    """dall-e-3 and most compatible servers report no usage: a per-image price, or unknown."""
    settings.OPENAI_PRICES = {"dall-e-3": {"per_image": 0.04}, "sd-xl": {"input": 1}}
    assert usage_cost_micros(model="dall-e-3", usage={"images": 1}) == 40_000
    assert usage_cost_micros(model="sd-xl", usage={"images": 1}) is None
