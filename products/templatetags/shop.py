from decimal import Decimal

from django import template

from products.money import format_amount

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """A price in the shop's currency: $24.00, ₩25,000."""
    return "" if amount is None else format_amount(amount)
