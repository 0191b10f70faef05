"""Paid prints at the print lab: the master, one submission, following the lab, the parcels."""

import io
from decimal import Decimal

import pytest
from django.core import mail, signing
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from printlab.models import LabEvent
from products.services import format_read_print_size
from purchases import fulfilment, services
from purchases.models import LabStage, Order, Shipment
from tests.dalle.factories import ImageFactory
from tests.factories import ManagerFactory
from tests.printlab.conftest import API_KEY, fake_prodigi_server, prodigi  # noqa: F401
from tests.products.factories import PrintFormatFactory, ProductFactory
from tests.purchases.conftest import ADDRESS, pay

pytestmark = pytest.mark.django_db
Status = Order.Status


@pytest.fixture
def simulated(settings):
    settings.LAB_BACKEND = "simulated"
    settings.LAB_SIMULATED_STEP_SECONDS = 0
    return settings


@pytest.fixture
def landscape_print(db):
    """A 20 × 15 cm print, mapped to the lab's 8 × 6 in fine-art print."""
    return PrintFormatFactory(
        name="Art print 20×15 cm",
        width_cm=20,
        height_cm=15,
        price=Decimal("30.00"),
        min_dpi=100,
        lab_sku="GLOBAL-FAP-8X6",
    )


def two_colour_product(owner):
    """A 1024 px square artwork: red above, blue below, so a crop shows which part it kept."""
    picture = Image.new("RGB", (1024, 1024), (200, 20, 20))
    picture.paste((20, 20, 200), (0, 512, 1024, 1024))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = ImageFactory(owner=owner, visibility="public")
    image.image.save("red-blue.png", io.BytesIO(buffer.getvalue()), save=True)
    return ProductFactory(image=image)


def drain(run_tasks, rounds: int = 10) -> None:
    for _ in range(rounds):
        if not run_tasks():
            return


def buy(user_client, checkout, product, fmt, **crop) -> Order:
    checkout(product, fmt, address=ADDRESS, **crop)
    order = Order.objects.latest("created_at")
    pay(user_client, order)
    order.refresh_from_db()
    return order


def test_the_print_master_has_the_labs_pixels_and_the_shoppers_crop(
    simulated, user_client, checkout, other_user, landscape_print, shop, run_tasks
):
    """The lab's 8 × 6 in at 300 px/in: 2400 × 1800, cropped to keep the top (all red)."""
    assert format_read_print_size(format=landscape_print) == (2400, 1800)
    landscape_print.refresh_from_db()
    product = two_colour_product(other_user)
    order = buy(user_client, checkout, product, landscape_print, fit="fill", position="top")
    assert order.lab_stage == LabStage.WAITING

    run_tasks()
    item = order.items.get()
    item.refresh_from_db()
    assert (item.master_width, item.master_height) == (2400, 1800)
    with item.master.open("rb") as stored:
        data = stored.read()
    master = Image.open(io.BytesIO(data)).convert("RGB")
    assert master.size == (2400, 1800)

    def near(point, colour) -> bool:
        return max(abs(a - b) for a, b in zip(master.getpixel(point), colour, strict=True)) < 30

    # The top 768 of 1024 rows fill the print: red down to 512/768 of its height, then blue.
    red, blue = (200, 20, 20), (20, 20, 200)
    assert near((10, 10), red) and near((2390, 1150), red)
    assert near((10, 1250), blue) and near((2390, 1790), blue)
    assert item.master_dpi == 130  # 1024 px over 20 cm (7.87 in), cropped to fill
    import hashlib

    assert item.master_md5 == hashlib.md5(data).hexdigest()  # noqa: S324
    order.refresh_from_db()
    assert order.lab_order_id and order.lab_stage != LabStage.PROBLEM


def test_the_simulated_lab_ships_and_delivers_with_tracking(
    simulated, user_client, checkout, product, print_small, run_tasks
):
    """A paid print reaches the simulated lab, ships with a tracking link, then is delivered."""
    order = buy(user_client, checkout, product, print_small)
    drain(run_tasks)
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    assert order.lab_stage == LabStage.DELIVERED
    parcel = order.shipments.get()
    assert parcel.tracking_number and parcel.tracking_url and parcel.delivered_at
    assert list(parcel.items.all()) == list(order.items.all())
    notes = [event.note for event in order.events.all()]
    assert any(note.startswith("simulated: in production") for note in notes)
    page = user_client.get(order.get_absolute_url()).content.decode()
    assert parcel.tracking_number in page and parcel.tracking_url in page
    shipped = [m for m in mail.outbox if m.subject == f"Your order {order.short_id} has shipped"]
    assert len(shipped) == 1
    assert parcel.tracking_number in shipped[0].body and parcel.tracking_url in shipped[0].body
    assert order.events.filter(to_status=Status.SHIPPED).count() == 1


def test_a_format_without_a_lab_sku_is_a_lab_problem_for_managers_once(
    simulated, user_client, client, checkout, product, print_small, run_tasks
):
    """No SKU: the order shows 'lab problem' with the reason; managers get one e-mail."""
    print_small.lab_sku = ""
    print_small.save()
    manager = ManagerFactory(email="desk@aigallery.test")
    order = buy(user_client, checkout, product, print_small)
    drain(run_tasks)
    order.refresh_from_db()
    assert order.lab_stage == LabStage.PROBLEM
    assert "has no lab SKU" in order.lab_problem
    alerts = [m for m in mail.outbox if m.subject == f"Lab problem with order {order.short_id}"]
    assert [m.to for m in alerts] == [[manager.email]]
    client.force_login(manager)
    page = client.get(reverse("manager_order_detail", args=[order.public_id])).content.decode()
    assert "Lab problem" in page and "has no lab SKU" in page
    listing = client.get(reverse("manager_orders")).content.decode()
    assert "Lab problem" in listing

    print_small.lab_sku = "GLOBAL-FAP-6X6"
    print_small.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("manager_order_lab_retry", args=[order.public_id]))
    drain(run_tasks)
    order.refresh_from_db()
    assert order.lab_order_id and order.status == Status.DELIVERED


def test_cancel_before_production_cancels_at_the_lab_then_refunds(
    simulated, settings, user_client, checkout, product, print_small, run_tasks
):
    """The shopper cancels while the lab has not started: the lab cancels, then the refund."""
    settings.LAB_SIMULATED_STEP_SECONDS = 3600  # the lab takes its time
    order = buy(user_client, checkout, product, print_small)
    run_tasks()  # the submission only: the lab's first step is an hour away
    order.refresh_from_db()
    assert order.lab_order_id and order.lab_stage == LabStage.SUBMITTED
    with TestCase.captureOnCommitCallbacks(execute=True):
        user_client.post(reverse("order_cancel", args=[order.public_id]))
    order.refresh_from_db()
    assert (order.status, order.lab_stage) == (Status.REFUNDED, LabStage.CANCELED)
    assert fulfilment.lab_get().order_get(order.lab_order_id).stage == "Cancelled"


# Prodigi, through its local fake.


@pytest.fixture
def prodigi_shop(prodigi, settings, live_server):  # noqa: F811
    """The shop on Prodigi's fake: callbacks to a token URL, masters downloaded from the shop."""
    settings.SITE_URL = live_server.url
    settings.LAB_CALLBACK_TOKEN = "t0ken-for-the-lab-callbacks"
    return prodigi


@pytest.fixture
def paid_prodigi_order(prodigi_shop, user_client, checkout, product, print_small, run_tasks):
    print_small.lab_sku = "GLOBAL-FAP-8X8"  # one of the fake Prodigi's products
    print_small.save()
    order = buy(user_client, checkout, product, print_small)
    run_tasks()
    order.refresh_from_db()
    return order


@pytest.mark.django_db(transaction=True)
def test_prodigi_gets_one_order_with_a_master_it_can_download(paid_prodigi_order, prodigi_shop):
    """The lab downloads the master by its signed link, checks its md5, and makes one order."""
    order = paid_prodigi_order
    assert order.lab_order_id.startswith("ord_"), order.lab_problem
    assert order.lab_stage == LabStage.SUBMITTED
    [created] = prodigi_shop.calls("POST", "/v4.0/orders")
    body = created["body"]
    assert body["idempotencyKey"] == f"order-{order.public_id}"
    assert body["merchantReference"] == str(order.public_id)
    assert body["callbackUrl"].endswith("/lab/callbacks/t0ken-for-the-lab-callbacks/")
    assert body["recipient"]["address"]["countryCode"] == "KR"
    assert body["items"][0]["sku"] == "GLOBAL-FAP-8X8"
    assert order.events.filter(note__startswith="prodigi: order received").exists()


@pytest.mark.django_db(transaction=True)
def test_a_timed_out_submission_is_sent_again_and_makes_one_lab_order(
    prodigi_shop, settings, user_client, checkout, product, print_small, run_tasks
):
    """Prodigi answers too late twice: the retry under the same key finds the same order."""
    settings.PRODIGI_RETRIES = 0
    print_small.lab_sku = "GLOBAL-FAP-8X8"
    print_small.save()
    order = buy(user_client, checkout, product, print_small)
    prodigi_shop.stall_next(2.5)
    run_tasks()
    order.refresh_from_db()
    assert not order.lab_order_id and order.lab_attempts == 1
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_tasks()
    order.refresh_from_db()
    assert order.lab_order_id
    assert len(prodigi_shop.orders) == 1


@pytest.mark.django_db(transaction=True)
def test_a_lab_refusal_shows_on_the_manager_page(
    prodigi_shop, client, user_client, checkout, product, print_small, run_tasks
):
    """Prodigi refuses the order: no retries, the lab's words on the manager page."""
    manager = ManagerFactory(email="desk@aigallery.test")
    print_small.lab_sku = "GLOBAL-FAP-8X8"
    print_small.save()
    order = buy(user_client, checkout, product, print_small)
    prodigi_shop.refuse_next({"recipient.address.postalOrZipCode": [{"code": "Invalid"}]})
    run_tasks()
    order.refresh_from_db()
    assert order.lab_stage == LabStage.PROBLEM and order.lab_attempts == 1
    client.force_login(manager)
    page = client.get(reverse("manager_order_detail", args=[order.public_id])).content.decode()
    assert "The lab said:" in page and "postalOrZipCode" in page


@pytest.mark.django_db(transaction=True)
def test_callbacks_are_hints_replayed_out_of_order_and_late(
    paid_prodigi_order, prodigi_shop, run_tasks
):
    """Two parcels; callbacks replayed, reordered and late never move the order back."""
    order = paid_prodigi_order
    lab_id = order.lab_order_id
    items = list(order.items.all())
    prodigi_shop.produce(lab_id)
    assert prodigi_shop.callback(lab_id, "com.prodigi.order.status.stage.changed#InProgress",
                                 event_id="evt_1") == 202  # fmt: skip
    run_tasks()
    order.refresh_from_db()
    assert order.status == Status.IN_PRODUCTION

    ref = str(items[0].pk)
    prodigi_shop.ship(lab_id, [ref], tracking="JD000000000001")
    prodigi_shop.callback(lab_id, "com.prodigi.order.shipments.shipment#Shipped", event_id="e2")
    assert (
        prodigi_shop.callback(lab_id, "com.prodigi.order.shipments.shipment#Shipped", event_id="e2")
        == 202
    )  # a replay: fmt: skip
    run_tasks()
    order.refresh_from_db()
    assert order.status == Status.SHIPPED
    assert LabEvent.objects.filter(event_id="e2").count() == 1
    assert Shipment.objects.get(order=order).tracking_number == "JD000000000001"

    # A late callback for the old stage, and a lab answer without the tracking number.
    prodigi_shop.orders[lab_id]["shipments"][0]["tracking"] = {"number": "", "url": ""}
    prodigi_shop.callback(
        lab_id, "com.prodigi.order.status.stage.changed#InProgress", event_id="e3"
    )
    run_tasks()
    order.refresh_from_db()
    assert order.status == Status.SHIPPED
    assert Shipment.objects.get(order=order).tracking_number == "JD000000000001"
    assert order.events.filter(to_status=Status.IN_PRODUCTION).count() == 1


@pytest.mark.django_db(transaction=True)
def test_several_parcels_each_with_tracking(
    prodigi_shop, user_client, checkout, product, print_small, run_tasks
):
    """An order of two prints shipped in two parcels lists both, each with its items."""
    other = PrintFormatFactory(
        name="Art print 30×30 cm", width_cm=30, height_cm=30, min_dpi=60, lab_sku="GLOBAL-FAP-12X12"
    )
    print_small.lab_sku = "GLOBAL-FAP-8X8"
    print_small.save()
    user_client.post(reverse("cart_add", args=[product.slug]), {"format": other.pk})
    order = buy(user_client, checkout, product, print_small)
    assert order.items.count() == 2
    run_tasks()
    order.refresh_from_db()
    first, second = order.items.all()
    prodigi_shop.ship(order.lab_order_id, [str(first.pk)], tracking="JD1")
    prodigi_shop.ship(order.lab_order_id, [str(second.pk)], tracking="JD2", carrier="Royal Mail")
    prodigi_shop.callback(order.lab_order_id, "com.prodigi.order.status.stage.changed#Complete")
    run_tasks()
    order.refresh_from_db()
    assert order.status == Status.SHIPPED
    parcels = {s.tracking_number: list(s.items.all()) for s in order.shipments.all()}
    assert parcels == {"JD1": [first], "JD2": [second]}
    page = user_client.get(order.get_absolute_url()).content.decode()
    assert "Your 2 parcels" in page and "Royal Mail" in page


def test_an_expired_or_forged_master_link_is_refused(
    simulated, settings, client, user_client, checkout, product, print_small, run_tasks
):
    """The lab's download link works while fresh; expired or forged it gets a 403."""
    order = buy(user_client, checkout, product, print_small)
    run_tasks()
    item = order.items.get()
    item.refresh_from_db()
    url = fulfilment.master_url(item=item)
    path = url.removeprefix(settings.SITE_URL)
    fresh = client.get(path)
    assert fresh.status_code == 200
    assert b"".join(fresh.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    settings.LAB_ASSET_URL_SECONDS = -1
    assert client.get(path).status_code == 403
    forged = signing.dumps({"item": item.pk, "md5": "0" * 32}, salt=fulfilment.MASTER_SALT)
    assert client.get(reverse("lab_master", args=[forged])).status_code == 403


def test_without_a_lab_managers_ship_by_hand_with_tracking(
    settings, client, user_client, checkout, product, print_small, run_tasks
):
    """LAB_BACKEND=none: a manager marks a print shipped with carrier and tracking."""
    settings.LAB_BACKEND = "none"
    order = buy(user_client, checkout, product, print_small)
    assert order.lab_stage == ""
    manager = ManagerFactory()
    client.force_login(manager)
    services.order_advance(order=order, to=Status.IN_PRODUCTION, actor=manager)
    refused = client.post(reverse("manager_order_ship", args=[order.public_id]), {"carrier": "CJ"})
    assert refused.status_code == 400
    assert "tracking number" in refused.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("manager_order_ship", args=[order.public_id]),
            {"carrier": "CJ Logistics", "tracking_number": "CJ123", "tracking_url": "cj.example/t"},
        )
    order.refresh_from_db()
    assert order.status == Status.SHIPPED
    run_tasks()
    shipped = [m for m in mail.outbox if m.subject == f"Your order {order.short_id} has shipped"]
    assert "CJ Logistics" in shipped[0].body and "CJ123" in shipped[0].body
    assert "API_KEY" not in shipped[0].body and API_KEY


def test_shipping_is_the_labs_quote_for_the_address_when_a_lab_is_on(
    simulated, settings, user_client, checkout, product, print_small
):
    """The simulated lab quotes $6.95 Standard shipping to Korea; without a lab, the flat rate."""
    checkout(product, print_small, address=ADDRESS)
    assert Order.objects.get().shipping_amount == 695
    settings.LAB_BACKEND = "none"
    Order.objects.all().delete()
    checkout(product, print_small, address={**ADDRESS, "ship-postal_code": "04525"})
    assert Order.objects.get().shipping_amount == 600


def test_a_late_answer_after_delivery_changes_nothing(
    simulated, user_client, checkout, product, print_small, run_tasks
):
    """The lab answers late with an older state (in production, no tracking): the delivered
    order stays delivered, and its parcel keeps its tracking number."""
    from printlab.models import SimulatedLabOrder, SimulatedShipment

    order = buy(user_client, checkout, product, print_small)
    drain(run_tasks)
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    tracking = order.shipments.get().tracking_number
    SimulatedLabOrder.objects.filter(lab_id=order.lab_order_id).update(
        step=SimulatedLabOrder.Step.IN_PRODUCTION
    )
    SimulatedShipment.objects.all().delete()
    fulfilment.lab_refresh(lab_order_id=order.lab_order_id)
    order.refresh_from_db()
    assert (order.status, order.lab_stage) == (Status.DELIVERED, LabStage.DELIVERED)
    assert order.shipments.get().tracking_number == tracking
    assert order.events.filter(to_status=Status.IN_PRODUCTION).count() == 1
