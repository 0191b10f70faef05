"""What the support bot knows about the shop: value objects read from live data at each reply.

Below both the gateway (`chatbot/llm.py`) and the offline answers (`chatbot/answers.py`).
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class FormatFact:
    """One format on sale, with its price as the shop renders it."""

    name: str
    price: str
    amount: Decimal
    physical: bool
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    min_dpi: int = 150

    @property
    def min_pixels(self) -> tuple[int, int] | None:
        """(long side, short side) in pixels that print sharply at `min_dpi`."""
        if self.width_cm is None or self.height_cm is None:
            return None
        sides = sorted((self.width_cm, self.height_cm), reverse=True)
        return tuple(math.ceil(side / Decimal("2.54") * self.min_dpi) for side in sides)


@dataclass(frozen=True)
class ShopFacts:
    """What the bot may tell anyone: built from live shop data by chatbot.services."""

    formats: list[str]
    shipping: str
    currency: str
    policies: list[str]
    faq: list[tuple[str, str, str]] = field(default_factory=list)  # question, answer, keywords
    format_facts: list[FormatFact] = field(default_factory=list)
    shipping_rate: str = ""
    countries: list[str] = field(default_factory=list)  # English names, as checkout lists them
    daily_limit: int = 0
    prompt_max: int = 1000
    make_days: int = 2
    delivery_days: tuple[int, int] = (3, 7)

    def as_prompt(self) -> str:
        lines = [f"Formats and prices (in {self.currency}):", *[f"- {f}" for f in self.formats]]
        lines += [f"Shipping: {self.shipping}", *self.policies]
        if self.countries:
            lines.append("Prints ship to: " + ", ".join(self.countries) + ".")
        lines.append("Frequently asked questions:")
        lines += [f"Q: {q}\nA: {a}" for q, a, _ in self.faq]
        return "\n".join(lines)
