from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

# Name, kind, medium, price in the shop currency, print size in cm, minimum DPI. A 1024 px
# image prints the small print and the canvas well; the larger prints need a larger image.
DEMO_FORMATS = [
    ("Digital download", "digital", "", "5.00", None, 150),
    ("Art print 15×15 cm", "physical", "paper", "24.00", ("15", "15"), 150),
    ("Art print 20×20 cm", "physical", "paper", "32.00", ("20", "20"), 150),
    ("Art print 15×22 cm", "physical", "paper", "29.00", ("15", "22"), 150),
    ("Canvas 40×40 cm", "physical", "canvas", "79.00", ("40", "40"), 60),
]
# The simulated lab's SKUs for the demo prints (Prodigi's names: sizes in inches).
DEMO_LAB_SKUS = {
    "Art print 15×15 cm": ("GLOBAL-FAP-6X6", {}),
    "Art print 20×20 cm": ("GLOBAL-FAP-8X8", {}),
    "Art print 15×22 cm": ("GLOBAL-FAP-6X9", {}),
    "Canvas 40×40 cm": ("GLOBAL-CAN-16X16", {"wrap": "ImageWrap"}),
}
# Added to a shop that has formats but no canvas yet (installs from before formats had a medium).
DEMO_CANVAS = DEMO_FORMATS[-1]


DEMO_FAQ = [
    (
        "How long does shipping take?",
        "Prints are made to order within 2 working days and usually arrive 3 to 7 working days later. You get an e-mail when your print ships.",
        "delivery arrive days ship 배송",
    ),
    (
        "Can I get a refund?",
        "Yes. Downloads and prints not yet in production are refunded in full on request; for a damaged print, send us a photo and we replace or refund it.",
        "refund money back return cancel 환불",
    ),
    (
        "How do I download my image?",
        "Once the payment is through, open the order under My orders and press Download: you get the full-resolution PNG.",
        "download file png resolution",
    ),
    (
        "How long does painting an image take?",
        "From a few seconds to about two minutes. You can leave the page: the image appears under My images when it is ready.",
        "generate generation wait slow painting create",
    ),
    (
        "Why is a print size greyed out?",
        "Each print needs enough pixels to look sharp (about 150 dots per inch). Larger sizes need a larger image; choose a smaller print or a canvas.",
        "print size disabled unavailable dpi sharp quality",
    ),
    (
        "Which payment methods do you accept?",
        "Cards and the local payment methods Stripe offers in your country, shown at checkout.",
        "pay payment card visa mastercard",
    ),
    (
        "Who can see my images?",
        "Only you, unless you share an image in the shop. You can make it private again at any time.",
        "private public privacy share visible",
    ),
]


class Command(BaseCommand):
    help = (
        "Create the demo data a fresh install needs: a manager account, shop formats, the "
        "support bot's FAQ and (with DEMO_GALLERY on) a demo gallery. Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        self.ensure_manager()
        self.ensure_formats()
        self.ensure_faq()
        if settings.DEMO_GALLERY:
            self.ensure_gallery()

    def ensure_gallery(self) -> None:
        from core.demo_gallery import demo_gallery_ensure

        made = demo_gallery_ensure(log=self.stdout.write)
        if any(made.values()):
            self.stdout.write(
                f"Demo gallery: {made['creators']} creators, {made['artworks']} artworks painted, "
                f"{made['likes']} likes (DEMO_GALLERY=false turns this off)."
            )

    def ensure_faq(self) -> None:
        from chatbot.models import FAQ

        if FAQ.objects.exists():
            return
        for order, (question, answer, keywords) in enumerate(DEMO_FAQ):
            FAQ.objects.create(
                question=question, answer=answer, keywords=keywords, sort_order=order
            )
        self.stdout.write(f"Created {len(DEMO_FAQ)} FAQ entries for the support bot.")

    def ensure_formats(self) -> None:
        from products.models import Format, ShopSettings

        ShopSettings.load()
        if not Format.objects.exists():
            for order, spec in enumerate(DEMO_FORMATS):
                self.create_format(spec, sort_order=order)
            self.stdout.write(
                f"Created {len(DEMO_FORMATS)} demo formats; edit their prices in the admin."
            )
        elif not Format.objects.filter(medium=Format.Medium.CANVAS).exists():
            last = Format.objects.order_by("-sort_order").first()
            self.create_format(DEMO_CANVAS, sort_order=last.sort_order + 1)
            self.stdout.write(f"Added a demo canvas format: {DEMO_CANVAS[0]}.")
        self.ensure_lab_skus()

    def ensure_lab_skus(self) -> None:
        """Demo prints map to the simulated lab's products, with the pixel sizes it prints at."""
        from products.models import Format
        from products.services import FormatLabError, format_read_print_size

        if settings.LAB_BACKEND != "simulated":
            return
        for fmt in Format.objects.filter(name__in=DEMO_LAB_SKUS, lab_sku=""):
            fmt.lab_sku, fmt.lab_attributes = DEMO_LAB_SKUS[fmt.name]
            fmt.save(update_fields=["lab_sku", "lab_attributes"])
            try:
                format_read_print_size(format=fmt)
            except FormatLabError as error:
                self.stdout.write(f"{fmt.name}: {error}")

    def create_format(self, spec: tuple, *, sort_order: int) -> None:
        from products.models import Format
        from products.money import exponent

        name, kind, medium, price, size, dpi = spec
        # The demo prices are in dollars; a currency without cents gets round thousands.
        scale = 1 if exponent() else 1000
        Format.objects.create(
            name=name,
            kind=kind,
            medium=medium,
            price=Decimal(price) * scale,
            width_cm=size and Decimal(size[0]),
            height_cm=size and Decimal(size[1]),
            min_dpi=dpi,
            sort_order=sort_order,
        )

    def ensure_manager(self) -> None:
        User = get_user_model()
        username = settings.DEMO_MANAGER_USERNAME
        password = settings.DEMO_MANAGER_PASSWORD
        manager = User.objects.filter(username=username).first()
        if manager is None:
            # Never a fixed password: a generated one is printed once, at creation.
            password = password or get_random_string(16)
            User.objects.create_superuser(
                username=username, email=f"{username}@aigallery.local", password=password
            )
            self.stdout.write(self.style.SUCCESS(f"Manager account: {username} / {password}"))
        elif password:
            manager.set_password(password)
            manager.save(update_fields=["password"])
            self.stdout.write(f"Manager account: {username} (password from DEMO_MANAGER_PASSWORD)")
        else:
            self.stdout.write(
                f"Manager account: {username} exists. Its password was printed when it was created; "
                f"set DEMO_MANAGER_PASSWORD or run `manage.py changepassword {username}` to reset it."
            )
