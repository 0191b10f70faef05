"""The simulated lab: the same contract as Prodigi, and a journey on a timer of tasks."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from printlab.contract import LabError, LabQuoteItem, LabStage, ShipmentStatus, ShippingMethod
from printlab.gateways import lab_enabled, lab_get
from printlab.models import LabEvent, SimulatedLabOrder, SimulatedShipment
from printlab.simulated.gateway import SimulatedLab
from printlab.simulated.tasks import simulated_lab_step
from tests.printlab.conftest import RECIPIENT, order_request, print_item

URL, MD5 = "https://shop.example/masters/1.png?sig=x", "0" * 32
pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(settings):
    settings.LAB_BACKEND = "simulated"
    settings.LAB_SIMULATED_STEP_SECONDS = 0
    settings.SITE_URL = "https://gallery.example.com"
    return lab_get()


@pytest.fixture
def place(lab, django_capture_on_commit_callbacks):
    """Submit as the shop's task does: its transaction commits, so the lab's timer starts."""

    def place(request):
        with django_capture_on_commit_callbacks(execute=True):
            return lab.order_create(request)

    return place


def test_the_simulated_lab_is_the_default_without_a_key(settings):
    assert settings.LAB_BACKEND == "simulated"
    assert isinstance(lab_get(), SimulatedLab)
    assert lab_enabled()


def test_the_same_idempotency_key_twice_makes_one_order(place):
    request = order_request(print_item(URL, MD5), key="paid-order-1")
    first = place(request)
    second = place(request)
    assert (first.outcome, second.outcome) == ("Created", "AlreadyExists")
    assert first.id == second.id
    assert SimulatedLabOrder.objects.count() == 1
    assert DBTaskResult.objects.count() == 1  # one timer, not two


def test_a_sku_the_lab_does_not_make_is_refused_like_prodigi_would(lab):
    with pytest.raises(LabError) as caught:
        lab.order_create(order_request(print_item(URL, MD5, sku="MUG-11OZ")))
    assert caught.value.permanent
    assert caught.value.outcome == "ValidationFailed"
    assert "items[0].sku" in caught.value.message
    assert not SimulatedLabOrder.objects.exists()


def test_a_canvas_needs_its_wrap(lab):
    with pytest.raises(LabError) as caught:
        lab.order_create(order_request(print_item(URL, MD5, sku="GLOBAL-CAN-10X10")))
    assert "items[0].attributes.wrap: one of Black, ImageWrap, MirrorWrap, White" in str(
        caught.value
    )


def test_the_journey_ends_delivered_with_tracking(lab, place, run_tasks, lab_events, client):
    """Download, production, shipping, delivery: one task each, each heard by the shop."""
    order = place(order_request(print_item(URL, MD5, copies=2)))
    assert order.stage == LabStage.IN_PROGRESS and order.shipments == ()

    assert run_tasks() >= 4  # the four steps (and the shop's look-ups, which find no order)
    done = lab.order_get(order.id)
    assert done.stage == LabStage.COMPLETE
    assert done.is_shipped and done.is_delivered
    (parcel,) = done.shipments
    assert parcel.status == ShipmentStatus.DELIVERED
    assert parcel.carrier == "Simulated Post"
    assert parcel.service == "Standard tracked"
    assert parcel.tracking_number.startswith("SIM") and len(parcel.tracking_number) == 13
    assert parcel.tracking_url == (
        f"https://gallery.example.com/lab/track/{parcel.tracking_number}/"
    )
    assert parcel.item_refs == ("AG-1001-1",)
    assert parcel.dispatched_at <= parcel.delivered_at

    assert [(sender, lab_id) for sender, lab_id, _, _ in lab_events] == [
        ("simulated", order.id)
    ] * 4
    assert [event_type.rpartition(".")[2] for *_, event_type in lab_events] == [
        "downloadAssets#Complete",
        "inProduction#InProgress",
        "changed#Complete",
        "shipment#Delivered",
    ]
    assert len({event_id for _, _, event_id, _ in lab_events}) == 4
    assert LabEvent.objects.filter(lab="simulated").count() == 4

    page = client.get(reverse("lab_tracking", kwargs={"number": parcel.tracking_number}))
    assert page.status_code == 200
    text = page.content.decode()
    assert parcel.tracking_number in text
    assert "Delivered" in text
    assert "Seoul, KR" in text
    assert "2 prints" in text
    assert "110 Sejong-daero" not in text  # open to anyone with the number: no street address


def test_each_step_waits_for_its_delay(lab, place, settings, run_tasks):
    """With a delay the next step is queued for later, not run now."""
    settings.LAB_SIMULATED_STEP_SECONDS = 60
    order = place(order_request(print_item(URL, MD5)))
    assert run_tasks() == 0
    assert lab.order_get(order.id).details.download_assets == "NotStarted"
    task = DBTaskResult.objects.get()
    assert task.queue_name == "fulfilment"
    assert (task.run_after - task.enqueued_at).total_seconds() == pytest.approx(60, abs=2)


def test_a_step_run_twice_happens_once(lab, place, lab_events):
    """The worker may run a task twice; the second run finds the step taken."""
    order = place(order_request(print_item(URL, MD5)))
    simulated_lab_step.call(lab_id=order.id, step=1)
    simulated_lab_step.call(lab_id=order.id, step=1)
    simulated_lab_step.call(lab_id=order.id, step=3)  # out of turn: nothing
    assert lab.order_get(order.id).details.download_assets == "Complete"
    assert lab.order_get(order.id).details.in_production == "NotStarted"
    assert len(lab_events) == 1


def test_different_products_ship_in_separate_parcels(lab, place, run_tasks):
    order = place(
        order_request(
            print_item(URL, MD5, ref="AG-1-1"),
            print_item(
                URL, MD5, ref="AG-1-2", sku="GLOBAL-CAN-10X10", attributes={"wrap": "Black"}
            ),
            print_item(URL, MD5, ref="AG-1-3"),
        )
    )
    run_tasks()
    shipments = lab.order_get(order.id).shipments
    assert [s.item_refs for s in shipments] == [("AG-1-1", "AG-1-3"), ("AG-1-2",)]
    assert len({s.tracking_number for s in shipments}) == 2


def test_cancel_while_allowed_then_the_timer_stops(lab, place, run_tasks, lab_events):
    order = place(order_request(print_item(URL, MD5)))
    assert lab.actions_get(order.id).can_cancel
    cancelled = lab.order_cancel(order.id)
    assert cancelled.outcome == "Cancelled"
    assert cancelled.stage == LabStage.CANCELLED
    run_tasks()
    assert lab.order_get(order.id).stage == LabStage.CANCELLED
    assert not SimulatedShipment.objects.exists()
    assert [e[3] for e in lab_events] == ["com.prodigi.order.status.stage.changed#Cancelled"]
    with pytest.raises(LabError) as caught:
        lab.order_cancel(order.id)
    assert caught.value.permanent
    assert "it is cancelled" in caught.value.message


def test_no_cancel_or_new_address_once_in_production(lab, place):
    order = place(order_request(print_item(URL, MD5)))
    simulated_lab_step.call(lab_id=order.id, step=1)
    moved = replace(RECIPIENT, line1="24 Insadong-gil", town="Seoul")
    assert lab.recipient_update(order.id, moved).outcome == "Updated"
    assert SimulatedLabOrder.objects.get().recipient["address"]["line1"] == "24 Insadong-gil"

    simulated_lab_step.call(lab_id=order.id, step=2)
    actions = lab.actions_get(order.id)
    assert not actions.can_cancel and not actions.can_update_recipient
    for attempt in (
        lambda: lab.order_cancel(order.id),
        lambda: lab.recipient_update(order.id, RECIPIENT),
    ):
        with pytest.raises(LabError) as caught:
            attempt()
        assert caught.value.outcome == "ActionNotAvailable"
        assert "in production already" in caught.value.message


def test_an_unknown_order_is_a_permanent_error(lab):
    with pytest.raises(LabError) as caught:
        lab.order_get("ord_sim_nothing")
    assert caught.value.permanent and caught.value.outcome == "EntityNotFound"


def test_quotes_and_print_area_sizes(lab):
    """Pretend but fixed prices; sizes read from the SKU at 300 px per inch for prints."""
    items = [LabQuoteItem(sku="GLOBAL-FAP-12X12", copies=2)]
    quotes = lab.quote(items, country_code="KR", currency="usd")
    assert len(quotes) == 4
    (standard,) = lab.quote(items, country_code="KR", shipping_method=ShippingMethod.STANDARD)
    assert (standard.items_cost, standard.shipping_cost, standard.currency) == (
        Decimal("20.40"),
        Decimal("6.95"),
        "USD",
    )
    (won,) = lab.quote(items, country_code="KR", shipping_method="Standard", currency="krw")
    assert won.shipping_cost == Decimal("9591")
    assert lab.product_get("GLOBAL-FAP-16X24").print_area_size() == (4800, 7200)
    canvas = lab.product_get("GLOBAL-CAN-10X10")
    assert canvas.print_area_size({"wrap": "ImageWrap"}) == (2100, 2100)
    assert canvas.print_area_size({"wrap": "Black"}) == (1500, 1500)
    with pytest.raises(LabError):
        lab.quote(items, country_code="ZZ")


def test_no_lab_means_managers_fulfil_by_hand(settings):
    settings.LAB_BACKEND = "none"
    assert not lab_enabled()
    with pytest.raises(LabError) as caught:
        lab_get()
    assert caught.value.permanent


def test_an_unknown_tracking_number_is_a_404(client):
    assert (
        client.get(reverse("lab_tracking", kwargs={"number": "SIM0000000000"})).status_code == 404
    )
