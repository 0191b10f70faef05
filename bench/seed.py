"""Seed a benchmark database: products sharing a few real image files, and orders.

Run with the benchmark's environment: python bench/seed.py --products 10000 --orders 2000
(adds to what is there, so 100 then 9,900 more makes 10,000)."""

import argparse
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from dalle.imaging import make_sizes, make_thumbnail  # noqa: E402
from dalle.models import GeneratedImage  # noqa: E402
from dalle.providers import OfflineProvider  # noqa: E402
from lib.storages import private_storage  # noqa: E402
from products.models import Format, Product, ShopSettings  # noqa: E402
from products.money import to_minor  # noqa: E402
from purchases.models import Order, OrderItem  # noqa: E402

ADJECTIVES = [
    "quiet",
    "golden",
    "misty",
    "red",
    "blue",
    "ancient",
    "tiny",
    "vast",
    "neon",
    "gentle",
    "stormy",
    "frozen",
]
NOUNS = [
    "lighthouse",
    "harbour",
    "forest",
    "whale",
    "city",
    "garden",
    "mountain",
    "river",
    "cat",
    "fox",
    "castle",
    "tram",
]
STYLES = [
    "watercolour",
    "oil-painting",
    "gouache",
    "ink",
    "pastel",
    "woodcut",
    "poster",
    "photograph",
]
PASSWORD = "bench pass 12345"


def stored_sizes(png: bytes, n: int) -> tuple[list[dict], list[dict]]:
    """The sized previews (private) and their public copies, as the publish service keeps them."""
    private, public = [], []
    for r in make_sizes(png):
        name = f"images/bench/{n}-{r.width}.{r.format}"
        record = {"width": r.width, "height": r.height, "format": r.format}
        private.append({**record, "name": private_storage().save(name, ContentFile(r.data))})
        public.append({**record, "name": default_storage.save(name, ContentFile(r.data))})
    return private, public


def stored_images() -> list[tuple[str, str, list[dict], list[dict]]]:
    """Three real originals and thumbnails in storage, shared by every seeded product."""
    files = []
    for n, prompt in enumerate(
        ["A red lighthouse at dusk", "A blue whale in a night sky", "A golden forest"]
    ):
        png = OfflineProvider().generate(prompt=prompt, size="1024x1024", user_ref="seed").png
        webp, _, _ = make_thumbnail(png)
        original = default_storage.save(f"images/bench/{n}.png", ContentFile(png))
        thumbnail = default_storage.save(f"images/bench/{n}-thumb.webp", ContentFile(webp))
        files.append((original, thumbnail, *stored_sizes(png, n)))
    return files


def seed_products(count: int, rng: random.Random) -> None:
    artist, _ = User.objects.get_or_create(
        username="artist", defaults={"email": "artist@example.com"}
    )
    files = stored_images()
    start = Product.objects.count()
    for offset in range(0, count, 5000):
        batch = min(5000, count - offset)
        with transaction.atomic():
            images = GeneratedImage.objects.bulk_create(
                GeneratedImage(
                    owner=artist,
                    prompt=f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(STYLES)} number {start + offset + n}",
                    provider="offline",
                    model="offline-painter-1",
                    status=GeneratedImage.Status.SUCCEEDED,
                    visibility=GeneratedImage.Visibility.PUBLIC,
                    image=files[n % 3][0],
                    thumbnail=files[n % 3][1],
                    sized_previews=files[n % 3][2],
                    sized_thumbnails=files[n % 3][3],
                    width=1024,
                    height=1024,
                    thumbnail_width=512,
                    thumbnail_height=512,
                )
                for n in range(batch)
            )
            Product.objects.bulk_create(
                Product(
                    image=image,
                    name=image.prompt,
                    slug=Product.slug_from_prompt(image.prompt),
                    is_listed=True,
                )
                for image in images
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE products_product p SET search_vector = to_tsvector('simple', i.prompt) "
                "FROM dalle_generatedimage i WHERE i.id = p.image_id AND p.search_vector IS NULL"
            )
            cursor.execute("ANALYZE")


def seed_orders(count: int, rng: random.Random) -> None:
    ShopSettings.load()
    fmt, _ = Format.objects.get_or_create(
        name="Digital download", defaults={"kind": "digital", "price": Decimal("5.00")}
    )
    customer, created = User.objects.get_or_create(
        username="customer", defaults={"email": "customer@example.com"}
    )
    if created:
        customer.set_password(PASSWORD)
        customer.save()
    manager, created = User.objects.get_or_create(
        username="boss", defaults={"email": "boss@example.com", "is_staff": True}
    )
    if created:
        manager.set_password(PASSWORD)
        manager.save()
    others = User.objects.bulk_create(
        User(username=f"buyer{n}", email=f"buyer{n}@example.com") for n in range(40)
    )
    products = list(Product.objects.order_by("?")[:500])
    unit = to_minor(fmt.price)
    statuses = [
        Order.Status.PAID,
        Order.Status.DELIVERED,
        Order.Status.PENDING,
        Order.Status.SHIPPED,
    ]
    # One download per order, as the cart makes them: an order and its one line.
    orders = Order.objects.bulk_create(
        Order(
            customer=customer if n < 50 else others[n % len(others)],
            currency="usd",
            subtotal_amount=unit,
            total_amount=unit,
            email="customer@example.com",
            status=rng.choice(statuses),
        )
        for n in range(count)
    )
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            product=rng.choice(products),
            format=fmt,
            quantity=1,
            unit_amount=unit,
            line_amount=unit,
        )
        for order in orders
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=0)
    parser.add_argument("--orders", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(42)
    if args.products:
        seed_products(args.products, rng)
    if args.orders:
        seed_orders(args.orders, rng)
    print(f"products={Product.objects.count()} orders={Order.objects.count()}")


if __name__ == "__main__":
    main()
