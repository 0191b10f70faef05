from dataclasses import dataclass
from decimal import Decimal

from django import template

from lib.caching import version
from products.cache import SCOPE, shop_cache_seconds
from products.money import format_amount

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """A price in the shop's currency: $24.00, ₩25,000."""
    return "" if amount is None else format_amount(amount)


@dataclass(frozen=True)
class FragmentCache:
    version: int
    seconds: int


@register.simple_tag
def shop_cache() -> FragmentCache:
    """The shop's version and lifetime, for `{% cache %}` around shop fragments."""
    return FragmentCache(version=version(SCOPE), seconds=shop_cache_seconds())
