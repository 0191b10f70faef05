"""The simulated lab's products and prices: Prodigi-style SKUs, sizes read from the SKU.

A SKU names its size in inches, as Prodigi's do (GLOBAL-FAP-16X24 is a 16 × 24 in fine-art
print). Prints want 300 px per inch; canvases 150, plus 2 in on each side for an image wrap;
framed prints come in black or white. Prices are pretend and fixed, so tests can name them.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from printlab.contract import LabProduct, LabVariant, ShippingMethod

SIZE = re.compile(r"^GLOBAL-(?P<kind>[A-Z]+)-(?P<w>\d{1,2})X(?P<h>\d{1,2})(?:-[A-Z0-9-]+)?$")
KINDS = {
    # kind: (description, px per inch, attributes and their values)
    "FAP": ("Fine-art print", 300, {}),
    "PHO": ("Photo print", 300, {}),
    "CAN": (
        "Canvas on a stretcher bar",
        150,
        {"wrap": ("Black", "ImageWrap", "MirrorWrap", "White")},
    ),
    "CFPM": ("Framed print with a mount", 300, {"color": ("black", "white")}),
}
PRICE_PER_SQUARE_INCH = {"FAP": Decimal("0.05"), "PHO": Decimal("0.03"), "CAN": Decimal("0.12"),
                         "CFPM": Decimal("0.20")}  # fmt: skip
SHIPPING = {
    ShippingMethod.BUDGET: Decimal("4.50"),
    ShippingMethod.STANDARD: Decimal("6.95"),
    ShippingMethod.EXPRESS: Decimal("14.95"),
    ShippingMethod.OVERNIGHT: Decimal("24.95"),
}
# Pretend exchange rates, so that a shop selling in won or yen sees sensible numbers.
RATES = {"USD": Decimal(1), "EUR": Decimal("0.92"), "GBP": Decimal("0.79"),
         "KRW": Decimal(1380), "JPY": Decimal(150)}  # fmt: skip
ZERO_DECIMAL = {"KRW", "JPY"}
SHIPS_TO = ("AT", "AU", "BE", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "JP",
            "KR", "NL", "NO", "NZ", "PT", "SE", "US")  # fmt: skip


def catalogue_product(sku: str) -> LabProduct | None:
    """The product a SKU names, or None when the simulated lab makes no such thing."""
    match = SIZE.match(sku.upper())
    if not match or match["kind"] not in KINDS:
        return None
    description, ppi, attributes = KINDS[match["kind"]]
    width, height = int(match["w"]), int(match["h"])
    if not (width and height):
        return None
    choices = [{}] if not attributes else [{name: v} for name, vs in attributes.items() for v in vs]
    return LabProduct(
        sku=sku.upper(),
        description=f"{description}, {width}×{height} in",
        attributes=attributes,
        variants=tuple(
            LabVariant(
                attributes=choice,
                ships_to=SHIPS_TO,
                print_area_sizes={"default": _pixels(width, height, ppi, choice)},
            )
            for choice in choices
        ),
    )


def _pixels(width: int, height: int, ppi: int, attributes: dict) -> tuple[int, int]:
    bleed = 4 if attributes.get("wrap") == "ImageWrap" else 0  # 2 in round the frame's sides
    return (width + bleed) * ppi, (height + bleed) * ppi


def catalogue_unit_cost(sku: str, currency: str) -> Decimal:
    match = SIZE.match(sku.upper())
    assert match, sku
    area = int(match["w"]) * int(match["h"])
    return _money(Decimal(3) + PRICE_PER_SQUARE_INCH[match["kind"]] * area, currency)


def catalogue_shipping(method: ShippingMethod, parcels: int, currency: str) -> Decimal:
    """The first parcel at the method's price, each further one at half of it."""
    price = SHIPPING[method]
    return _money(price + price / 2 * max(0, parcels - 1), currency)


def _money(usd: Decimal, currency: str) -> Decimal:
    amount = usd * RATES.get(currency, Decimal(1))
    step = Decimal(1) if currency in ZERO_DECIMAL else Decimal("0.01")
    return amount.quantize(step, rounding=ROUND_HALF_UP)
