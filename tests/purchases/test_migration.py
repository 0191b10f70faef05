"""Orders of one artwork become orders with one item (0003), with nothing lost: amounts, events,
the payment and the refund."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from purchases.models import Order, Refund
from tests.factories import UserFactory
from tests.products.factories import FormatFactory, PrintFormatFactory, ProductFactory

BEFORE = ("purchases", "0002_order_change_indexes")
AFTER = ("purchases", "0005_fit_label")  # 0003 and the migrations after it
PAID_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def migrate_to(target: tuple[str, str]):
    """Migrate purchases to `target`; the apps of that state, for its historical models."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


@pytest.fixture
def at_0002(transactional_db):
    """The database as it was before orders had items; put back to the latest after the test."""
    yield migrate_to(BEFORE)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def old_order(apps, *, customer, product, fmt, quantity, unit, shipping, **fields):
    """An order as 0002 stored it: one artwork, its price and copies on the order row."""
    Order = apps.get_model("purchases", "Order")
    return Order.objects.create(
        customer_id=customer.pk,
        product_id=product.pk,
        format_id=fmt.pk,
        quantity=quantity,
        currency="usd",
        unit_amount=unit,
        shipping_amount=shipping,
        total_amount=unit * quantity + shipping,
        email=customer.email,
        **fields,
    )


def test_one_artwork_orders_become_orders_with_one_item(at_0002):
    """A paid and partly refunded print order and a download order survive 0003 whole."""
    apps = at_0002
    customer = UserFactory()
    product = ProductFactory()
    print_small, digital = PrintFormatFactory(), FormatFactory()
    address = {"full_name": "Kim Min-ji", "line1": "110 Sejong-daero", "country": "KR"}
    printed = old_order(
        apps, customer=customer, product=product, fmt=print_small, quantity=2, unit=2400,
        shipping=600, shipping_address=address, status="paid", checkout_session_id="cs_sim_1",
        payment_status="paid", payment_intent_id="pi_sim_1", paid_at=PAID_AT,
        refunded_amount=1000, refund_id="re_sim_1_1",
    )  # fmt: skip
    download = old_order(
        apps, customer=customer, product=product, fmt=digital, quantity=1, unit=500, shipping=0,
        status="delivered", payment_status="paid", payment_intent_id="pi_sim_2", paid_at=PAID_AT,
    )  # fmt: skip
    OrderEvent = apps.get_model("purchases", "OrderEvent")
    for from_status, to_status, note in [
        ("", "pending", "order placed"),
        ("pending", "paid", "payment received"),
        ("paid", "paid", "refunded $10.00"),
    ]:
        OrderEvent.objects.create(
            order=printed, from_status=from_status, to_status=to_status, note=note
        )
    apps.get_model("purchases", "SimulatedCheckout").objects.create(
        session_id="cs_sim_1", order=printed, idempotency_key="checkout-1", status="complete",
        payment_status="paid", payment_intent_id="pi_sim_1", amount_total=5400, currency="usd",
        expires_at=PAID_AT, success_url="http://x/ok", cancel_url="http://x/no", refunded=False,
    )  # fmt: skip

    migrate_to(AFTER)

    order = Order.objects.get(public_id=printed.public_id)
    (item,) = order.items.all()
    assert (item.product, item.format, item.quantity) == (product, print_small, 2)
    assert (item.unit_amount, item.line_amount, item.refunded_amount) == (2400, 4800, 1000)
    assert (item.fit, item.position) == ("fill", "center")
    assert (order.subtotal_amount, order.shipping_amount, order.total_amount) == (4800, 600, 5400)
    assert (order.refunded_amount, order.refundable_amount) == (1000, 4400)
    assert (order.status, order.payment_status, order.payment_intent_id) == (
        "paid",
        "paid",
        "pi_sim_1",
    )
    assert order.paid_at == PAID_AT
    assert order.checkout_session_id == "cs_sim_1"
    assert order.shipping_address == address
    assert [(e.from_status, e.to_status, e.note) for e in order.events.all()] == [
        ("", "pending", "order placed"),
        ("pending", "paid", "payment received"),
        ("paid", "paid", "refunded $10.00"),
    ]
    (refund,) = order.refunds.all()
    assert (refund.amount, refund.status, refund.provider_refund_id) == (
        1000,
        Refund.Status.SUCCEEDED,
        "re_sim_1_1",
    )
    assert refund.key == f"migrated-{order.public_id}"
    assert order.simulated_checkouts.get().payment_intent_id == "pi_sim_1"

    later = Order.objects.get(public_id=download.public_id)
    (item,) = later.items.all()
    assert (item.format, item.fit, item.position, item.line_amount) == (digital, "", "", 500)
    assert (later.subtotal_amount, later.total_amount, later.refunded_amount) == (500, 500, 0)
    assert not later.refunds.exists()
    assert later.is_paid and item.can_download


def test_an_order_refunded_in_full_stays_refunded(at_0002):
    """A refund of everything, shipping included, is one Refund of the whole amount; the item
    is refunded up to its line."""
    apps = at_0002
    customer = UserFactory()
    old = old_order(
        apps, customer=customer, product=ProductFactory(), fmt=PrintFormatFactory(), quantity=1,
        unit=2400, shipping=600, shipping_address={"country": "KR"}, status="refunded",
        payment_intent_id="pi_sim_3", paid_at=PAID_AT, refunded_amount=3000, refund_id="re_3",
    )  # fmt: skip

    migrate_to(AFTER)

    order = Order.objects.get(public_id=old.public_id)
    assert (order.status, order.refunded_amount, order.refundable_amount) == ("refunded", 3000, 0)
    assert order.items.get().refunded_amount == 2400
    assert list(order.refunds.values_list("amount", "provider_refund_id")) == [(3000, "re_3")]


def test_0003_can_be_undone_with_one_item_orders(at_0002):
    """Rolling back a deploy: a one-item order made after 0003 goes back to 0002's one row."""
    from tests.purchases.factories import make_order

    migrate_to(AFTER)
    customer = UserFactory()
    product, fmt = ProductFactory(), FormatFactory()
    order = make_order(customer=customer, product=product, format=fmt, quantity=3)
    try:
        apps = migrate_to(BEFORE)
    except Exception as error:  # the database refuses; the test says so in its own words
        pytest.fail(f"Migrating back to 0002 failed: {error}")
    old = apps.get_model("purchases", "Order").objects.get(public_id=order.public_id)
    assert (old.product_id, old.format_id, old.quantity, old.unit_amount) == (
        product.pk,
        fmt.pk,
        3,
        500,
    )
