from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from purchases.models import Order, OrderEvent, OrderItem, Refund, Shipment


def _items() -> Prefetch:
    return Prefetch("items", queryset=OrderItem.objects.select_related("product__image", "format"))


def orders_list(*, user) -> QuerySet[Order]:
    """A customer's own orders, newest first, each with its items (two queries a page)."""
    return (
        Order.objects.filter(customer=user)
        .prefetch_related(_items())
        .order_by("-created_at", "-id")
    )


def order_get(*, user, public_id) -> Order:
    """A customer's own order; anyone else's is a 404."""
    order = Order.objects.filter(customer=user, public_id=public_id).first()
    if order is None:
        raise Http404("No such order")
    return order


def order_items_list(*, order: Order) -> list[OrderItem]:
    """The order's items with their artworks and formats, in one query."""
    items = list(order.items.select_related("product__image", "format"))
    for item in items:
        item.order = order  # the items' pages read the order's currency and status
    return items


def order_shipments_list(*, order: Order) -> list[Shipment]:
    return list(order.shipments.prefetch_related("items__product"))


def order_refunds_list(*, order: Order) -> list[Refund]:
    refunds = list(
        order.refunds.filter(status=Refund.Status.SUCCEEDED).select_related(
            "item__product", "item__format"
        )
    )
    for refund in refunds:
        refund.order = order
    return refunds


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
    lab_stage: str = ""
    date_from: date | None = None
    date_to: date | None = None
    query: str = ""


def orders_all(*, filters: OrderFilters = OrderFilters()) -> QuerySet[Order]:
    """Every order for managers, filtered; one query for the rows whatever their number."""
    orders = (
        Order.objects.select_related("customer")
        .prefetch_related(_items())
        .order_by("-created_at", "-id")
    )
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.lab_stage:
        orders = orders.filter(lab_stage=filters.lab_stage)
    if filters.date_from:
        orders = orders.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        orders = orders.filter(created_at__date__lte=filters.date_to)
    if query := filters.query:
        match = (
            Q(customer__username__icontains=query)
            | Q(customer__email__icontains=query)
            | Q(email__icontains=query)
            | Q(shipping_address__full_name__icontains=query)
            | Q(shipping_address__phone__icontains=query)
            | Q(items__product__image__prompt__icontains=query)
        )
        compact = query.replace("-", "").lower()
        if len(compact) >= 4 and all(c in "0123456789abcdef" for c in compact):
            # Short ids (the first 8 characters) as shown on pages, or a whole UUID.
            match |= (
                Q(public_id=compact)
                if len(compact) == 32
                else Q(public_id__startswith=query.lower())
            )
        orders = orders.filter(match).distinct()
    return orders


def orders_by_ids(*, public_ids: list) -> list[Order]:
    """Orders for a batch of packing slips, in the order asked, with everything a slip shows."""
    found = {
        str(order.public_id): order
        for order in Order.objects.filter(public_id__in=public_ids)
        .select_related("customer")
        .prefetch_related(_items())
    }
    return [found[str(pid)] for pid in public_ids if str(pid) in found]


def order_items_for_export(*, filters: OrderFilters) -> QuerySet[OrderItem]:
    """One row per item of the filtered orders, for the fulfilment CSV (one query)."""
    orders = orders_all(filters=filters).values("pk")
    return (
        OrderItem.objects.filter(order__in=orders)
        .select_related("order__customer", "format", "product")
        .prefetch_related("shipments")
        .order_by("-order__created_at", "order_id", "id")
    )
