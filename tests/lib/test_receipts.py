import io
import logging
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from lib.receipts import receipt_pdf
from tests.lib.factories import download_receipt, receipt_document

NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_nanum = pytest.mark.skipif(not NANUM.is_file(), reason="fonts-nanum: make system-deps")
needs_dejavu = pytest.mark.skipif(not DEJAVU.is_file(), reason="fonts-dejavu-core is missing")


def read_pdf(data: bytes) -> tuple[str, set[str]]:
    """The text a reader selects in the PDF, on one line, and the names of its fonts."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    return " ".join(text.split()), fonts


@needs_nanum
def test_receipt_pdf_reads_as_the_receipt_in_hangul_too(settings):
    """Number, dates, both lines, the totals, the refund in words and a Korean address."""
    settings.RECEIPT_PDF_FONT = []
    data = receipt_pdf(receipt_document())
    text, fonts = read_pdf(data)
    assert data.startswith(b"%PDF-")
    for expected in [
        "AI Gallery",
        "Receipt for order 912F06F5",
        "Ordered 1 Dec 2026",
        "Paid 1 Dec 2026",
        "서울의 밤 (Night in Seoul)",
        "Art print 30 × 40 cm, crop to fill (centre) 2 $24.00 $48.00",
        "Harbour at dawn",
        "Canvas 40 × 40 cm, 2 cm wrap 1 $65.00 $65.00",
        "Subtotal $113.00 Shipping $8.00 Total $121.00",
        "Refunded $12.00 on 3 Dec 2026: A print arrived creased",
        "Net paid: $109.00",
        "Paid by Visa ending 4242",
        "Billing e-mail: jiwoo@example.com",
        "Ship to 김지우 서울특별시 강남구 테헤란로 123 06234 Seoul South Korea",
        "Amounts in USD.",
        "Receipt for order 912F06F5 · page 1 of 1",
    ]:
        assert expected in text
    assert "?" not in text
    assert any("NanumGothic" in font for font in fonts)


@needs_nanum
@needs_dejavu
def test_letters_the_hangul_font_lacks_come_from_dejavu(settings):
    """Nanum Gothic has no Polish ą or Hungarian ő: DejaVu Sans fills in, no "?" on the page."""
    settings.RECEIPT_PDF_FONT = []
    document = receipt_document(shipping_address=("Agnieszka Wąsowska", "Győr", "Poland"))
    text, fonts = read_pdf(receipt_pdf(document))
    assert "Agnieszka Wąsowska Győr Poland" in text
    assert "서울의 밤" in text
    assert any("NanumGothic" in font for font in fonts)
    assert any("DejaVuSans" in font for font in fonts)


def test_a_receipt_with_nothing_shipped_has_no_shipping_or_address():
    """A download: no shipping row and no "Ship to" block, the total still there."""
    text, _ = read_pdf(receipt_pdf(download_receipt()))
    assert "Subtotal $9.00 Total $9.00" in text
    assert "Shipping" not in text
    assert "Ship to" not in text
    assert "Refunded" not in text


@needs_dejavu
def test_a_font_without_hangul_prints_question_marks_not_an_error(settings):
    """RECEIPT_PDF_FONT at DejaVu Sans: Hangul becomes "?", everything else reads as usual."""
    settings.RECEIPT_PDF_FONT = [str(DEJAVU)]
    text, fonts = read_pdf(receipt_pdf(receipt_document()))
    assert "??? ? (Night in Seoul)" in text
    assert "Ship to ??? ????? ??? ???? 123 06234 Seoul South Korea" in text
    assert "Total $121.00" in text
    assert "Refunded $12.00 on 3 Dec 2026" in text
    assert fonts and all("DejaVuSans" in font for font in fonts)


def test_a_missing_font_file_falls_back_to_the_built_in_font(settings, caplog):
    """A wrong RECEIPT_PDF_FONT is logged with its path; the receipt still comes out."""
    settings.RECEIPT_PDF_FONT = "/nowhere/Missing.ttf"
    with caplog.at_level(logging.WARNING, logger="lib.receipts"):
        text, fonts = read_pdf(receipt_pdf(receipt_document()))
    assert "Receipt for order 912F06F5" in text
    assert "Art print 30 × 40 cm, crop to fill (centre) 2 $24.00 $48.00" in text
    assert "??? ? (Night in Seoul)" in text
    assert "Refunded $12.00 on 3 Dec 2026: A print arrived creased" in text
    assert fonts <= {"/Helvetica", "/Helvetica-Bold"}
    assert "/nowhere/Missing.ttf" in caplog.text


@needs_dejavu
def test_a_broken_font_file_is_skipped_for_the_next_one(settings, tmp_path, caplog):
    """A file that is not a font is logged and passed over; the next one in the list is used."""
    broken = tmp_path / "Broken.ttf"
    broken.write_bytes(b"not a font")
    settings.RECEIPT_PDF_FONT = f"{broken}, {DEJAVU}"
    with caplog.at_level(logging.WARNING, logger="lib.receipts"):
        text, fonts = read_pdf(receipt_pdf(receipt_document()))
    assert "Total $121.00" in text
    assert fonts and all("DejaVuSans" in font for font in fonts)
    assert str(broken) in caplog.text


def test_a_long_order_runs_over_pages_with_headings_and_page_numbers():
    """Sixty lines: every page names the receipt and its place; the items' headings repeat."""
    document = receipt_document()
    reader = PdfReader(io.BytesIO(receipt_pdf(replace(document, lines=document.lines * 30))))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert f"Receipt for order 912F06F5 · page {number} of {len(pages)}" in text
        assert "Item Qty Unit price Amount" in text
    assert "Total $121.00" in pages[-1]
