from dataclasses import replace

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.html import strip_tags

from lib.receipts import ReceiptLine
from tests.lib.factories import download_receipt, receipt_document


def render(document) -> str:
    request = RequestFactory().get("/orders/912f06f5/receipt/")
    request.user = AnonymousUser()
    context = {
        "receipt": document,
        "order_url": "/orders/912f06f5/",
        "pdf_url": "/orders/912f06f5/receipt.pdf",
    }
    return render_to_string("purchases/receipt.html", context, request=request)


def words(html: str) -> str:
    """The page's text, each element apart from the next (most are blocks or table cells)."""
    return " ".join(strip_tags(html.replace("<", " <")).split())


def test_receipt_page_shows_what_was_bought_paid_refunded_and_where_it_goes():
    """Number, dates, items, totals, the refund in words, payment, e-mail and the address."""
    html = render(receipt_document())
    text = words(html)
    for expected in [
        "Receipt for order 912F06F5",
        "Order number 912F06F5 Ordered 1 Dec 2026 Paid 1 Dec 2026 Status Partially refunded",
        "서울의 밤 (Night in Seoul) Art print 30 × 40 cm, crop to fill (centre) 2 $24.00 $48.00",
        "Harbour at dawn Canvas 40 × 40 cm, 2 cm wrap 1 $65.00 $65.00",
        "Subtotal $113.00 Shipping $8.00 Total $121.00",
        "Refunded $12.00 on 3 Dec 2026: A print arrived creased",
        "Net paid: $109.00",
        "Paid by Visa ending 4242",
        "Billing e-mail: jiwoo@example.com",
        "Ship to 김지우 서울특별시 강남구 테헤란로 123 06234 Seoul South Korea",
        "Amounts in USD.",
    ]:
        assert expected in text
    assert "<caption>Items</caption>" in html
    assert '<th scope="row">서울의 밤 (Night in Seoul)' in html
    assert (
        '<a class="button" href="/orders/912f06f5/receipt.pdf" type="application/pdf">Download PDF</a>'
        in html
    )
    assert '<a href="/orders/912f06f5/">Back to the order</a>' in html


def test_print_button_waits_for_its_script():
    """Hidden until static/js/print.js shows it; no inline script on the page."""
    html = render(receipt_document())
    assert '<button type="button" class="button secondary" data-print hidden>Print</button>' in html
    assert 'src="/static/js/print.js" defer' in html
    assert "<script>" not in html and "onclick" not in html


def test_receipt_page_for_a_download_has_no_shipping_address_or_refunds():
    """Nothing shipped: no shipping row, no "Ship to"; nothing refunded: no refunds section."""
    text = words(render(download_receipt()))
    assert "Subtotal $9.00 Total $9.00" in text
    assert "Shipping" not in text
    assert "Ship to" not in text
    assert "Refund" not in text
    assert "Net paid" not in text


def test_names_typed_by_people_are_escaped():
    """A product name with markup shows as text."""
    line = ReceiptLine("<b>Bold</b> & <script>x</script>", "", 1, "$9.00", "$9.00")
    html = render(replace(download_receipt(), lines=(line,)))
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x" not in html
