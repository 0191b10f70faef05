"""Prices as Stripe wants them: integer minor units in the shop's currency."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

# Currencies without a minor unit (Stripe's zero-decimal list, the common ones).
ZERO_DECIMAL = {
    "bif",
    "clp",
    "djf",
    "gnf",
    "jpy",
    "kmf",
    "krw",
    "mga",
    "pyg",
    "rwf",
    "ugx",
    "vnd",
    "vuv",
    "xaf",
    "xof",
    "xpf",
}
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "krw": "₩", "jpy": "¥"}


def currency() -> str:
    return settings.SHOP_CURRENCY.lower()


def exponent(code: str | None = None) -> int:
    return 0 if (code or currency()) in ZERO_DECIMAL else 2


def to_minor(amount: Decimal, code: str | None = None) -> int:
    scaled = amount * (10 ** exponent(code))
    return int(scaled.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_minor(minor: int, code: str | None = None) -> str:
    code = code or currency()
    places = exponent(code)
    value = Decimal(minor) / (10**places)
    number = f"{value:,.{places}f}"
    symbol = SYMBOLS.get(code)
    return f"{symbol}{number}" if symbol else f"{number} {code.upper()}"


def format_amount(amount: Decimal, code: str | None = None) -> str:
    return format_minor(to_minor(amount, code), code)
