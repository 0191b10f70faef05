"""The fulfilment CSV: one row per item, numbers as numbers, the currency in its own column.

UTF-8 with a byte-order mark and formula-safe cells (lib.spreadsheets), so Excel reads Korean
names right and never runs a cell as a formula.
"""

from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

from lib.spreadsheets import SafeCsvWriter
from products.money import exponent
from purchases.models import OrderItem

HEADER = [
    "order", "date", "customer", "email", "phone", "ship to", "address line 1",
    "address line 2", "postal code", "city", "region", "country", "artwork", "format",
    "lab SKU", "crop", "quantity", "unit price", "line total", "order total", "currency",
    "status", "lab stage", "tracking",
]  # fmt: skip


def _number(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def fulfilment_csv(items) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="fulfilment-{stamp}.csv"'
    writer = SafeCsvWriter(response)
    writer.writerow(HEADER)
    for item in items:
        writer.writerow(_row(item))
    return response


def _row(item: OrderItem) -> list:
    order = item.order
    address = order.shipping_address or {}
    tracking = " ".join(s.tracking_number for s in item.shipments.all() if s.tracking_number)
    return [
        order.short_id,
        timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M"),
        order.customer.username,
        order.email,
        address.get("phone", ""),
        address.get("full_name", ""),
        address.get("line1", ""),
        address.get("line2", ""),
        address.get("postal_code", ""),
        address.get("city", ""),
        address.get("region", ""),
        address.get("country", ""),
        item.product.name,
        item.format.name,
        item.format.lab_sku,
        item.crop_label,
        item.quantity,
        _number(item.unit_amount, order.currency),
        _number(item.line_amount, order.currency),
        _number(order.total_amount, order.currency),
        order.currency.upper(),
        order.get_status_display(),
        order.get_lab_stage_display() if order.lab_stage else "",
        tracking,
    ]
