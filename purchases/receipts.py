"""An order's receipt as `lib.receipts.ReceiptDocument`: one value for the page, the PDF and
the API, so the three always say the same."""

from django.conf import settings
from django.utils import timezone

from lib.receipts import ReceiptDocument, ReceiptLine, ReceiptRefund
from purchases import selectors
from purchases.models import Order


def receipt_for(*, order: Order) -> ReceiptDocument:
    items = selectors.order_items_list(order=order)
    refunds = selectors.order_refunds_list(order=order)
    return ReceiptDocument(
        shop_name=settings.SHOP_NAME,
        shop_url=settings.SITE_URL,
        number=order.short_id,
        ordered_at=order.created_at,
        paid_at=order.paid_at,
        status=order.get_status_display(),
        lines=tuple(
            ReceiptLine(
                name=item.product.name,
                detail=" · ".join(filter(None, [item.format.name, item.crop_label])),
                quantity=item.quantity,
                unit=item.unit_display,
                amount=item.line_display,
            )
            for item in items
        ),
        subtotal=order.subtotal_display,
        shipping=order.shipping_display if order.is_physical else None,
        total=order.total_display,
        refunds=tuple(
            ReceiptRefund(
                # The shop's day, as the order page shows it: not the UTC date.
                date=timezone.localdate(refund.created_at),
                amount=refund.amount_display,
                note=refund.reason or (f"for {refund.item}" if refund.item_id else ""),
            )
            for refund in refunds
        ),
        net_paid=order.money(order.total_amount - order.refunded_amount),
        payment_method=order.payment_method or "Card",
        billing_email=order.email,
        shipping_address=tuple(order.address_lines) or None,
        currency=order.currency.upper(),
    )
