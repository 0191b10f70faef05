"""Orders for tests, made through the services as a shopper's checkout makes them."""

from purchases import services
from purchases.models import Order


def make_order(
    *, customer, product, format, quantity: int = 1, address: dict | None = None, **line
) -> Order:
    """A pending one-item order (the API's direct order), priced by the services."""
    return services.order_create(
        customer=customer,
        lines=[services.LineRequest(product=product, format=format, quantity=quantity, **line)],
        address=address,
    )
