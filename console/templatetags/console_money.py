"""Money on the console: {{ amount|shop_money:figures.currency }} and {{ micros|usd }}."""

from django import template

from console.dashboard import usd as usd_text
from products.money import format_minor

register = template.Library()


@register.filter
def shop_money(minor: int, code: str) -> str:
    """Integer minor units in the given currency: 3000, "usd" -> "$30.00"."""
    return format_minor(minor, code)


@register.filter
def usd(micros: int | None) -> str:
    """Micro-USD as dollars (4 places when cents would hide the cost); "—" when unknown."""
    return "—" if micros is None else usd_text(micros)
