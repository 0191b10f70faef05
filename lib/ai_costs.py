"""What one call to an AI provider cost, in integer micro-dollars (USD millionths).

A provider that reports its own charge (`cost_usd`, or `cost` as OpenRouter-style servers do)
is believed; otherwise the tokens in its usage are priced with settings.OPENAI_PRICES, whose
figures are USD per million tokens, that is micro-dollars per token, and a usage of only
`images` (a model that reports no tokens) with the model's `per_image` price in USD. None
means unknown: no usage, or a model with no price.
"""

import logging
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

logger = logging.getLogger(__name__)

MICROS = Decimal(1_000_000)


def usage_cost_micros(*, model: str, usage: dict, prices: dict | None = None) -> int | None:
    """The cost of one call from the usage its provider reported, or None when unknown.

    `prices` is the price table (settings.OPENAI_PRICES when not given; dalle adds the rows
    managers keep in the admin)."""
    for key in ("cost_usd", "cost"):
        if key in usage:
            reported = _decimal(usage[key])
            return None if reported is None else _round(reported * MICROS)
    prices = model_prices(model, table=prices)
    if prices is None or not usage:
        return None
    if _tokenless(usage):
        if "per_image" not in prices:
            return None
        return _round(Decimal(int(usage.get("images") or 0)) * prices["per_image"] * MICROS)
    try:
        micros = sum(
            (Decimal(tokens) * price for tokens, price in _priced_tokens(usage, prices)),
            Decimal(0),
        )
    except (InvalidOperation, TypeError, ValueError):
        logger.warning("Cannot price usage %r of model %s", usage, model)
        return None
    return _round(micros)


def model_prices(model: str, *, table: dict | None = None) -> dict[str, Decimal] | None:
    """The price table's entry for a model, or for the longest name it starts with (OpenAI
    answers with dated snapshots such as gpt-5-mini-2025-08-07)."""
    table = settings.OPENAI_PRICES if table is None else table
    name = model if model in table else _longest_prefix(model, table)
    if name is None:
        return None
    entry = table[name]
    prices = (
        {key: _decimal(value) for key, value in entry.items()} if isinstance(entry, dict) else {}
    )
    if not prices or any(price is None or price < 0 for price in prices.values()):
        logger.warning("OPENAI_PRICES[%r] is not a table of prices: %r", name, entry)
        return None
    return prices


def _tokenless(usage: dict) -> bool:
    return not any(key.endswith("_tokens") for key in usage)


def _longest_prefix(model: str, table: dict) -> str | None:
    names = [name for name in table if model.startswith(f"{name}-")]
    return max(names, key=len) if names else None


def _priced_tokens(usage: dict, prices: dict[str, Decimal]) -> list[tuple[int, Decimal]]:
    """(tokens, price per token) pairs for an image usage (input_tokens/output_tokens, with
    text and image details) or a chat usage (prompt_tokens/completion_tokens, cached part)."""
    text_in = prices.get("input", Decimal(0))
    image_in = prices.get("image_input", text_in)
    cached_in = prices.get("cached_input", text_in)
    text_out = prices.get("output", Decimal(0))
    image_out = prices.get("image_output", text_out)
    if "prompt_tokens" in usage or "completion_tokens" in usage:
        prompt = int(usage.get("prompt_tokens") or 0)
        cached = int((usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
        return [
            (prompt - cached, text_in),
            (cached, cached_in),
            (int(usage.get("completion_tokens") or 0), text_out),
        ]
    pairs = []
    inputs = int(usage.get("input_tokens") or 0)
    details = usage.get("input_tokens_details") or {}
    images = int(details.get("image_tokens") or 0)
    pairs += [(inputs - images, text_in), (images, image_in)]
    outputs = int(usage.get("output_tokens") or 0)
    out_details = usage.get("output_tokens_details") or {}
    if out_details:
        text = int(out_details.get("text_tokens") or 0)
        pairs += [(text, text_out), (outputs - text, image_out)]
    else:
        pairs.append((outputs, image_out))  # an image model's output is the picture
    return pairs


def usage_add(total: dict, more: dict) -> dict:
    """Two usages of one model summed, nested details included (a chat reply's rounds)."""
    summed = dict(total)
    for key, value in more.items():
        if isinstance(value, dict):
            summed[key] = usage_add(summed.get(key) or {}, value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            summed[key] = summed.get(key, 0) + value
    return summed


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _round(micros: Decimal) -> int:
    return int(micros.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_micros(micros: int, places: int = 4) -> str:
    """Micro-USD as dollars: 42_100 -> "$0.0421"; negative amounts keep their sign first."""
    value = (Decimal(micros) / MICROS).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value):,.{places}f}"
