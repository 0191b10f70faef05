"""A receipt as a value object, and its PDF.

The order app fills a `ReceiptDocument` from an order; the page (`purchases/receipt.html`) and
`receipt_pdf()` only read it, so both say the same thing. Money arrives already formatted
("$12.00"): the receipt never does arithmetic.

Fonts: a receipt must print the names and addresses people type, Hangul included. The PDF uses
the first font file it can read from `settings.RECEIPT_PDF_FONT` (a path, or several separated
by commas) or, when that is empty, from `DEFAULT_FONTS`; the other readable files of the list
fill in letters the first one lacks (Nanum Gothic has Hangul but no Polish "ą"; DejaVu Sans has
the reverse). With no readable file it falls back to a built-in PDF font (Windows-1252 letters
only). A character no loaded font has prints as "?": a receipt never fails on a name.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.utils import dateformat, timezone
from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace, XPos, YPos

logger = logging.getLogger(__name__)

DATE_FORMAT = "j M Y"  # 3 Dec 2026, on the page and in the PDF

# Debian packages, first match wins: fonts-nanum, fonts-noto-cjk, then fonts-dejavu-core.
DEFAULT_FONTS = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
CORE_FONT = "helvetica"
CORE_ENCODING = "cp1252"  # fpdf2 declares core fonts WinAnsiEncoding: dashes, bullets, €
MISSING = "?"


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    detail: str  # the format and options, e.g. "Art print 30 × 40 cm, crop to fill (centre)"
    quantity: int
    unit: str  # formatted money, e.g. "$12.00"
    amount: str


@dataclass(frozen=True)
class ReceiptRefund:
    date: date
    amount: str
    note: str = ""

    @property
    def sentence(self) -> str:
        """The refund in words, as the shopper reads it: "Refunded $12.00 on 3 Dec 2026"."""
        return f"Refunded {self.amount} on {format_date(self.date)}"


@dataclass(frozen=True)
class ReceiptDocument:
    shop_name: str
    shop_url: str
    number: str
    ordered_at: datetime
    paid_at: datetime | None
    status: str
    lines: tuple[ReceiptLine, ...]
    subtotal: str
    shipping: str | None  # None: nothing was shipped, so no shipping row
    total: str
    refunds: tuple[ReceiptRefund, ...]
    net_paid: str
    payment_method: str
    billing_email: str
    shipping_address: tuple[str, ...] | None  # None: no "Ship to" block
    currency: str

    @property
    def pdf_filename(self) -> str:
        return f"receipt-{self.number}.pdf"


def format_date(value: date | datetime) -> str:
    """A date as the receipt writes it; an aware datetime in the site's time zone first."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, DATE_FORMAT)


def receipt_pdf(doc: ReceiptDocument) -> bytes:
    """The receipt as an A4 PDF, text selectable, in the first font that loads (see above)."""
    pdf = _ReceiptPDF(doc.number, *_font_paths())
    pdf.set_title(f"Receipt for order {doc.number}")
    pdf.set_author(doc.shop_name)
    pdf.set_lang("en")
    pdf.add_page()
    _header(pdf, doc)
    _lines(pdf, doc)
    _totals(pdf, doc)
    if doc.refunds:
        _refunds(pdf, doc)
    _payment(pdf, doc)
    if doc.shipping_address:
        _ship_to(pdf, doc.shipping_address)
    _closing(pdf, doc)
    return bytes(pdf.output())


def _font_paths() -> tuple[list[str], bool]:
    """The font files to try, in order, and whether an operator chose them."""
    configured = getattr(settings, "RECEIPT_PDF_FONT", "")
    if isinstance(configured, str):
        configured = configured.split(",")
    paths = [path.strip() for path in configured if path.strip()]
    return (paths, True) if paths else (list(DEFAULT_FONTS), False)


def _bold_sibling(path: Path) -> Path:
    """NanumGothic.ttf -> NanumGothicBold.ttf, DejaVuSans -> DejaVuSans-Bold, else itself."""
    stem = path.stem.removesuffix("-Regular")
    for name in (f"{stem}Bold", f"{stem}-Bold"):
        candidate = path.with_name(name + path.suffix)
        if candidate.is_file():
            return candidate
    return path


def _check_font_file(path: Path) -> None:
    """Raise if the file is not a font, closing it (fpdf2 leaves a file it failed on open)."""
    with path.open("rb") as file:
        TTFont(file, lazy=True)


class _ReceiptPDF(FPDF):
    """FPDF with the receipt's fonts, and every string made printable by them.

    The first readable file is the main font. The others are parsed (a few tenths of a second
    each) only when a string needs a letter the loaded ones lack, and then fill in for it.
    """

    def __init__(self, number: str, font_paths: Sequence[str], configured: bool) -> None:
        super().__init__(format="A4", unit="mm")
        self.receipt_number = number
        self.core_fonts_encoding = CORE_ENCODING
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=16)
        self.receipt_families: list[str] = []
        self.unloaded_fonts = [Path(path) for path in font_paths]
        self.configured_fonts = configured
        self._load_next_font()
        if not self.receipt_families:
            logger.warning("Receipt PDF: no font file could be read; using the built-in font")
        self.receipt_family = self.receipt_families[0] if self.receipt_families else CORE_FONT

    def _load_next_font(self) -> bool:
        """Load the next readable file of the list; False when none is left."""
        while self.unloaded_fonts:
            path = self.unloaded_fonts.pop(0)
            if not path.is_file() and not self.configured_fonts:
                continue  # a Debian package that is not installed here
            family = f"receipt{len(self.receipt_families)}"
            try:
                _check_font_file(path)
                self.add_font(family, "", path)
                self.add_font(family, "B", _bold_sibling(path))
            except Exception as error:  # missing, unreadable or not a font: still a receipt
                logger.warning("Receipt PDF: cannot use the font file %s: %r", path, error)
                for style in ("", "B"):
                    self.fonts.pop(f"{family}{style}", None)
                continue
            self.receipt_families.append(family)
            if len(self.receipt_families) > 1:
                self.set_fallback_fonts(self.receipt_families[1:], exact_match=False)
            return True
        return False

    def _drawable(self, char: str) -> bool:
        return char in "\n\t" or any(
            ord(char) in self.fonts[family].cmap for family in self.receipt_families
        )

    def printable(self, text: str) -> str:
        """The text with each character no available font can draw replaced by "?"."""
        if not self.receipt_families:
            return text.encode(CORE_ENCODING, "replace").decode(CORE_ENCODING)
        for char in set(text):
            while not self._drawable(char) and self._load_next_font():
                pass
        return "".join(char if self._drawable(char) else MISSING for char in text)

    def use_font(self, size: float, bold: bool = False, grey: bool = False) -> None:
        self.set_font(self.receipt_family, "B" if bold else "", size)
        self.set_text_color(90 if grey else 20)

    def text_line(self, text: str, height: float = 5.5, link: str = "") -> None:
        self.multi_cell(
            0, height, self.printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, link=link
        )

    def footer(self) -> None:
        """fpdf2 calls this at the end of each page; {nb} becomes the page count."""
        self.set_y(-12)
        self.use_font(8, grey=True)
        self.cell(
            0,
            4,
            self.printable(
                f"Receipt for order {self.receipt_number} · page {self.page_no()} of {{nb}}"
            ),
            align="R",
        )

    def section_heading(self, text: str) -> None:
        self.ln(5)
        self.use_font(11, bold=True)
        self.text_line(text, height=6.5)
        self.use_font(10)


def _header(pdf: _ReceiptPDF, doc: ReceiptDocument) -> None:
    pdf.use_font(18, bold=True)
    pdf.text_line(doc.shop_name, height=9)
    pdf.use_font(9, grey=True)
    pdf.text_line(doc.shop_url, link=doc.shop_url)
    pdf.ln(6)
    pdf.use_font(14, bold=True)
    pdf.text_line(f"Receipt for order {doc.number}", height=8)
    pdf.ln(1)
    facts = [("Order number", doc.number), ("Ordered", format_date(doc.ordered_at))]
    if doc.paid_at is not None:
        facts.append(("Paid", format_date(doc.paid_at)))
    facts.append(("Status", doc.status))
    _pairs(pdf, facts, width=110, align="LEFT")


def _pairs(
    pdf: _ReceiptPDF,
    rows: Sequence[tuple[str, str]],
    *,
    width: float,
    align: str,
    bold_last: bool = False,
) -> None:
    """Label and value rows without borders: the facts under the title, the totals."""
    pdf.use_font(10)
    with pdf.table(
        width=width,
        col_widths=(1, 1.6) if align == "LEFT" else (1.4, 1),
        align=align,
        text_align=("LEFT", "LEFT") if align == "LEFT" else ("LEFT", "RIGHT"),
        borders_layout="NONE",
        first_row_as_headings=False,
        line_height=5.5,
        padding=(0.8, 0),
    ) as table:
        for number, (label, value) in enumerate(rows, start=1):
            strong = bold_last and number == len(rows)
            face = FontFace(emphasis="BOLD" if strong else None, color=20 if strong else 90)
            row = table.row()
            row.cell(pdf.printable(label), style=face)
            row.cell(pdf.printable(value), style=FontFace(emphasis="BOLD" if strong else None))


def _lines(pdf: _ReceiptPDF, doc: ReceiptDocument) -> None:
    pdf.section_heading("Items")
    pdf.set_draw_color(150)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=(104, 14, 28, 28),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD", fill_color=240),
        line_height=5,
        padding=(1.6, 1.2),
    ) as table:
        heading = table.row()
        for label in ("Item", "Qty", "Unit price", "Amount"):
            heading.cell(label)
        for line in doc.lines:
            row = table.row()
            described = f"{line.name}\n{line.detail}" if line.detail else line.name
            row.cell(pdf.printable(described))
            row.cell(str(line.quantity))
            row.cell(pdf.printable(line.unit))
            row.cell(pdf.printable(line.amount))


def _totals(pdf: _ReceiptPDF, doc: ReceiptDocument) -> None:
    pdf.ln(2)
    rows = [("Subtotal", doc.subtotal)]
    if doc.shipping is not None:
        rows.append(("Shipping", doc.shipping))
    rows.append(("Total", doc.total))
    _pairs(pdf, rows, width=74, align="RIGHT", bold_last=True)


def _refunds(pdf: _ReceiptPDF, doc: ReceiptDocument) -> None:
    pdf.section_heading("Refunds")
    for refund in doc.refunds:
        pdf.text_line(f"{refund.sentence}: {refund.note}" if refund.note else refund.sentence)
    pdf.ln(1)
    pdf.use_font(10, bold=True)
    pdf.text_line(f"Net paid: {doc.net_paid}")


def _payment(pdf: _ReceiptPDF, doc: ReceiptDocument) -> None:
    pdf.section_heading("Payment")
    pdf.text_line(f"Paid by {doc.payment_method}")
    pdf.text_line(f"Billing e-mail: {doc.billing_email}")


def _ship_to(pdf: _ReceiptPDF, address: Sequence[str]) -> None:
    pdf.section_heading("Ship to")
    for line in address:
        pdf.text_line(line)


def _closing(pdf: _ReceiptPDF, doc: ReceiptDocument) -> None:
    pdf.ln(8)
    pdf.use_font(9, grey=True)
    pdf.text_line(f"Amounts in {doc.currency}. Thank you for your order.")
