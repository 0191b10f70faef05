from dataclasses import replace
from datetime import UTC, date, datetime

from lib.receipts import ReceiptDocument, ReceiptLine, ReceiptRefund

KOREAN_ADDRESS = ("김지우", "서울특별시 강남구 테헤란로 123", "06234 Seoul", "South Korea")


def receipt_document(**changes) -> ReceiptDocument:
    """A paid print order with two lines, shipping to Seoul, and one partial refund."""
    document = ReceiptDocument(
        shop_name="AI Gallery",
        shop_url="https://gallery.example.com",
        number="912F06F5",
        ordered_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        paid_at=datetime(2026, 12, 1, 9, 32, tzinfo=UTC),
        status="Partially refunded",
        lines=(
            ReceiptLine(
                name="서울의 밤 (Night in Seoul)",
                detail="Art print 30 × 40 cm, crop to fill (centre)",
                quantity=2,
                unit="$24.00",
                amount="$48.00",
            ),
            ReceiptLine(
                name="Harbour at dawn",
                detail="Canvas 40 × 40 cm, 2 cm wrap",
                quantity=1,
                unit="$65.00",
                amount="$65.00",
            ),
        ),
        subtotal="$113.00",
        shipping="$8.00",
        total="$121.00",
        refunds=(
            ReceiptRefund(date=date(2026, 12, 3), amount="$12.00", note="A print arrived creased"),
        ),
        net_paid="$109.00",
        payment_method="Visa ending 4242",
        billing_email="jiwoo@example.com",
        shipping_address=KOREAN_ADDRESS,
        currency="USD",
    )
    return replace(document, **changes)


def download_receipt(**changes) -> ReceiptDocument:
    """A paid download: nothing shipped, nothing refunded."""
    line = ReceiptLine("Harbour at dawn", "Digital download", 1, "$9.00", "$9.00")
    defaults = {
        "status": "Paid",
        "lines": (line,),
        "subtotal": "$9.00",
        "shipping": None,
        "total": "$9.00",
        "refunds": (),
        "net_paid": "$9.00",
        "shipping_address": None,
    }
    return receipt_document(**{**defaults, **changes})
