"""The cart: what a shopper gathers before paying, priced on the server every time it is read.

A signed-in customer has one cart; a visitor's cart is found by a token kept in the session and
joins the customer's cart at log-in (`cart_merge`). Prices are never taken from the browser: the
review computes them from the formats now, and tells the shopper when one changed since the item
went in. Every change bumps `Cart.version`, which is how a checkout knows the cart moved.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from dalle.models import GeneratedImage
from printlab.contract import LabError, LabQuoteItem, ShippingMethod
from printlab.gateways import lab_enabled, lab_get
from products.models import Format, Product, ShopSettings
from products.money import currency, format_minor, to_minor
from purchases.models import MAX_CART_ITEMS, MAX_QUANTITY, Cart, CartItem, Fit, Position

SESSION_KEY = "cart_token"


class CartError(Exception):
    """A cart change that cannot be made; the message is for people."""


# Pricing: the one place that says what a line costs and whether it can be paid for.


def unit_price(format: Format) -> int:
    return to_minor(format.price)


def shipping_price(
    *, has_prints: bool, prints: Sequence[tuple] = (), country: str = "", ask_lab: bool = True
) -> int:
    """Shipping for an order: the lab's quote for these prints to `country` when a lab is on
    and answers, else the shop's flat rate. `prints` are (format, copies) pairs; with
    `ask_lab=False` only a quote already at hand is used (pages never wait on the lab)."""
    if not has_prints:
        return 0
    flat = to_minor(ShopSettings.load().shipping_flat_rate)
    if not (country and prints and lab_enabled()):
        return flat
    quoted = _lab_shipping_quote(prints, country, ask_lab=ask_lab)
    return flat if quoted is None else quoted


QUOTE_SECONDS = 3600


def _lab_shipping_quote(prints: Sequence[tuple], country: str, *, ask_lab: bool) -> int | None:
    items = sorted(
        (fmt.lab_sku, copies, tuple(sorted((fmt.lab_attributes or {}).items())))
        for fmt, copies in prints
    )
    if not all(sku for sku, _, _ in items):
        return None
    method = settings.LAB_SHIPPING_METHOD
    code = currency().upper()
    key = "lab-quote:" + hashlib.sha256(repr((items, country, method, code)).encode()).hexdigest()
    if (cached := cache.get(key)) is not None or not ask_lab:
        return cached
    try:
        quotes = lab_get().quote(
            [
                LabQuoteItem(sku=sku, copies=copies, attributes=dict(attrs))
                for sku, copies, attrs in items
            ],
            country_code=country,
            shipping_method=ShippingMethod(method),
            currency=code,
        )
    except LabError:
        return None  # the flat rate stands in; the next checkout asks again
    quote = next((q for q in quotes if q.shipping_method == method and q.currency == code), None)
    if quote is None:
        return None
    amount = to_minor(quote.shipping_cost)
    cache.set(key, amount, QUOTE_SECONDS)
    return amount


def line_problem(*, product: Product, format: Format, user, fit: str = "") -> str:
    """Why this artwork in this format cannot be bought by this user now, or "" when it can."""
    image = product.image
    owned = user is not None and user.is_authenticated and image.owner_id == user.pk
    if image.status != GeneratedImage.Status.SUCCEEDED or not (product.is_listed or owned):
        return "This artwork is no longer available."
    if not format.active:
        return f"“{format.name}” is no longer sold."
    if format.is_physical and fit not in Fit.values:
        return "Choose how the picture fills the print."
    if reason := format.unsuitable_reason(image) or format.crop_reason(image, fit):
        return reason
    return ""


@dataclass(frozen=True)
class CartLine:
    item: CartItem
    unit_amount: int
    problem: str  # "" when the line can be paid for
    price_was: int | None  # the unit price the shopper saw, when it has changed since

    @property
    def line_amount(self) -> int:
        return self.unit_amount * self.item.quantity

    @property
    def unit_display(self) -> str:
        return format_minor(self.unit_amount)

    @property
    def line_display(self) -> str:
        return format_minor(self.line_amount)

    @property
    def price_was_display(self) -> str:
        return format_minor(self.price_was) if self.price_was is not None else ""


@dataclass(frozen=True)
class CartReview:
    """The cart priced now: its lines, what is wrong with any, and the totals."""

    cart: Cart | None
    lines: tuple[CartLine, ...]
    shipping: int
    currency: str

    @property
    def count(self) -> int:
        return sum(line.item.quantity for line in self.lines)

    @property
    def has_prints(self) -> bool:
        return any(line.item.format.is_physical for line in self.lines)

    @property
    def subtotal(self) -> int:
        return sum(line.line_amount for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping

    @property
    def problems(self) -> list[str]:
        return [f"{line.item.product.name}: {line.problem}" for line in self.lines if line.problem]

    @property
    def price_changes(self) -> list[CartLine]:
        return [line for line in self.lines if line.price_was is not None]

    @property
    def can_checkout(self) -> bool:
        return bool(self.lines) and not self.problems

    def money(self, minor: int) -> str:
        return format_minor(minor, self.currency)

    @property
    def subtotal_display(self) -> str:
        return self.money(self.subtotal)

    @property
    def shipping_display(self) -> str:
        return self.money(self.shipping)

    @property
    def total_display(self) -> str:
        return self.money(self.total)


def cart_review(*, cart: Cart | None, user, country: str = "", ask_lab: bool = False) -> CartReview:
    """The cart's lines priced now, in two queries whatever the number of lines; shipping to
    `country` as the lab quotes it when a quote is at hand (or `ask_lab`)."""
    items = (
        list(cart.items.select_related("product__image", "format").order_by("added_at", "id"))
        if cart is not None and cart.pk
        else []
    )
    code = currency()
    lines = []
    for item in items:
        price = unit_price(item.format)
        changed = item.seen_unit_amount != price or item.seen_currency != code
        lines.append(
            CartLine(
                item=item,
                unit_amount=price,
                problem=line_problem(
                    product=item.product, format=item.format, user=user, fit=item.fit
                ),
                price_was=item.seen_unit_amount if changed and item.seen_currency == code else None,
            )
        )
    prints = [(item.format, item.quantity) for item in items if item.format.is_physical]
    return CartReview(
        cart=cart,
        lines=tuple(lines),
        shipping=shipping_price(
            has_prints=bool(prints), prints=prints, country=country, ask_lab=ask_lab
        ),
        currency=code,
    )


# Finding the cart.


def cart_find(*, user, session) -> Cart | None:
    """The cart this request shops with, if it has one yet (no row is made by reading)."""
    if user.is_authenticated:
        return Cart.objects.filter(customer=user).first()
    token = session.get(SESSION_KEY)
    if not token:
        return None
    return Cart.objects.filter(token=token, customer=None).first()


def _cart_for_change(*, user, session) -> Cart:
    cart = cart_find(user=user, session=session)
    if cart is not None:
        return cart
    if user.is_authenticated:
        try:
            with transaction.atomic():
                return Cart.objects.create(customer=user)
        except IntegrityError:  # a second tab made it first
            return Cart.objects.get(customer=user)
    cart = Cart.objects.create()
    session[SESSION_KEY] = str(cart.token)
    return cart


def _bump(cart: Cart) -> None:
    Cart.objects.filter(pk=cart.pk).update(version=F("version") + 1)


# Changing the cart.


@transaction.atomic
def cart_add(
    *,
    user,
    session,
    product: Product,
    format: Format,
    quantity: int,
    fit: str = "",
    position: str = "",
) -> CartItem:
    """Put an artwork in the cart; the same artwork, format and crop again adds copies."""
    if not format.is_physical:
        fit, position = "", ""
    elif fit not in Fit.values or position not in Position.values:
        raise CartError("Choose how the picture fills the print.")
    if problem := line_problem(product=product, format=format, user=user, fit=fit):
        raise CartError(problem)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise CartError(f"Order between 1 and {MAX_QUANTITY} copies of one item.")
    cart = _cart_for_change(user=user, session=session)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    item = cart.items.filter(product=product, format=format, fit=fit, position=position).first()
    if item is None:
        if cart.items.count() >= MAX_CART_ITEMS:
            raise CartError(
                f"A cart holds at most {MAX_CART_ITEMS} different items: check out these first."
            )
        item = CartItem.objects.create(
            cart=cart,
            product=product,
            format=format,
            quantity=quantity,
            fit=fit,
            position=position,
            seen_unit_amount=unit_price(format),
            seen_currency=currency(),
        )
    else:
        if item.quantity + quantity > MAX_QUANTITY:
            raise CartError(
                f"You already have {item.quantity} in your cart; one item holds at most "
                f"{MAX_QUANTITY} copies."
            )
        item.quantity += quantity
        item.seen_unit_amount, item.seen_currency = unit_price(format), currency()
        item.save(update_fields=["quantity", "seen_unit_amount", "seen_currency"])
    _bump(cart)
    return item


def _item_of(*, user, session, item_id: int) -> CartItem:
    cart = cart_find(user=user, session=session)
    item = (
        CartItem.objects.select_for_update().filter(cart=cart, pk=item_id).first()
        if cart is not None
        else None
    )
    if item is None:
        raise CartItem.DoesNotExist("No such item in your cart.")
    return item


@transaction.atomic
def cart_item_set_quantity(*, user, session, item_id: int, quantity: int) -> CartItem | None:
    """A new number of copies; 0 takes the item out. Raises CartItem.DoesNotExist."""
    item = _item_of(user=user, session=session, item_id=item_id)
    if quantity == 0:
        item.delete()
        _bump(item.cart)
        return None
    if not 1 <= quantity <= MAX_QUANTITY:
        raise CartError(f"Order between 1 and {MAX_QUANTITY} copies of one item.")
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    _bump(item.cart)
    return item


@transaction.atomic
def cart_item_remove(*, user, session, item_id: int) -> None:
    """Raises CartItem.DoesNotExist for an item that is not in this cart."""
    item = _item_of(user=user, session=session, item_id=item_id)
    item.delete()
    _bump(item.cart)


@transaction.atomic
def cart_prices_acknowledge(*, cart: Cart) -> None:
    """The shopper has been told the new prices: they are the ones seen from now on."""
    for item in cart.items.select_for_update().select_related("format"):
        item.seen_unit_amount, item.seen_currency = unit_price(item.format), currency()
        item.save(update_fields=["seen_unit_amount", "seen_currency"])
    _bump(cart)


@dataclass(frozen=True)
class CartMerged:
    """What a log-in did to the customer's cart: the lines that met a limit are told."""

    cart: Cart
    left_out: int = 0  # the visitor's items that did not fit under MAX_CART_ITEMS
    capped: int = 0  # items whose copies stopped at MAX_QUANTITY

    @property
    def message(self) -> str:
        parts = []
        if self.left_out:
            items = "1 item" if self.left_out == 1 else f"{self.left_out} items"
            was = "was" if self.left_out == 1 else "were"
            parts.append(
                f"Your cart holds at most {MAX_CART_ITEMS} different items, so {items} you "
                f"added before logging in {was} left out."
            )
        if self.capped:
            items = "1 item has" if self.capped == 1 else f"{self.capped} items have"
            parts.append(
                f"One item holds at most {MAX_QUANTITY} copies, so {items} fewer copies than "
                "you added."
            )
        return " ".join(parts)


@transaction.atomic
def cart_merge(*, user, session) -> CartMerged | None:
    """At log-in, a visitor's cart joins the customer's: copies add up, within the limits."""
    token = session.pop(SESSION_KEY, None)
    visitor = Cart.objects.filter(token=token, customer=None).first() if token else None
    if visitor is None:
        return None
    cart = _cart_for_change(user=user, session=session)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    lines = cart.items.count()
    left_out = capped = 0
    for item in visitor.items.all():
        same = cart.items.filter(
            product=item.product_id, format=item.format_id, fit=item.fit, position=item.position
        ).first()
        if same is not None:
            if same.quantity + item.quantity > MAX_QUANTITY:
                capped += 1
            same.quantity = min(MAX_QUANTITY, same.quantity + item.quantity)
            same.save(update_fields=["quantity"])
        elif lines < MAX_CART_ITEMS:
            item.cart = cart
            item.save(update_fields=["cart"])
            lines += 1
        else:
            left_out += 1
    visitor.delete()
    _bump(cart)
    return CartMerged(cart=cart, left_out=left_out, capped=capped)


def cart_clear_paid(*, cart: Cart, version: int) -> bool:
    """Empty a cart whose contents were just paid for; False when it changed since checkout.

    Runs inside the fulfilment's transaction, the cart locked there.
    """
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    if cart.version != version:
        return False
    cart.items.all().delete()
    _bump(cart)
    return True


def cart_count(*, cart: Cart | None) -> int:
    if cart is None:
        return 0
    return sum(cart.items.values_list("quantity", flat=True))
