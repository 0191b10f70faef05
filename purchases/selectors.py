from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from purchases.models import Order, OrderEvent


def orders_list(*, user) -> QuerySet[Order]:
    """A customer's own orders, newest first."""
    return (
        Order.objects.filter(customer=user)
        .select_related("product__image", "format")
        .order_by("-created_at", "-id")
    )


def order_get(*, user, public_id) -> Order:
    """A customer's own order; anyone else's is a 404."""
    order = orders_list(user=user).filter(public_id=public_id).first()
    if order is None:
        raise Http404("No such order")
    return order


def order_get_any(*, public_id) -> Order:
    """Any customer's order, for managers; an unknown id is a 404."""
    order = Order.objects.filter(public_id=public_id).first()
    if order is None:
        raise Http404("No such order")
    return order


def order_events_list(*, order: Order) -> QuerySet[OrderEvent]:
    return order.events.all()


@dataclass(frozen=True)
class OrderFilters:
    """The managers' filters, parsed once by `purchases.forms.OrderFilterForm`."""

    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    query: str = ""


def orders_all(*, filters: OrderFilters = OrderFilters()) -> QuerySet[Order]:
    """Every order for managers, filtered; one query for the rows whatever their number."""
    orders = Order.objects.select_related("customer", "product__image", "format").order_by(
        "-created_at", "-id"
    )
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.date_from:
        orders = orders.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        orders = orders.filter(created_at__date__lte=filters.date_to)
    if query := filters.query:
        match = (
            Q(customer__username__icontains=query)
            | Q(customer__email__icontains=query)
            | Q(email__icontains=query)
            | Q(product__image__prompt__icontains=query)
        )
        compact = query.replace("-", "").lower()
        if len(compact) >= 4 and all(c in "0123456789abcdef" for c in compact):
            # Short ids (the first 8 characters) as shown on pages, or a whole UUID.
            match |= (
                Q(public_id=compact)
                if len(compact) == 32
                else Q(public_id__startswith=query.lower())
            )
        orders = orders.filter(match)
    return orders
