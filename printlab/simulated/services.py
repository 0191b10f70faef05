"""The simulated lab's steps: each taken once, and the shop told, as the real lab would."""

import secrets

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from printlab.callbacks import LabCallback
from printlab.services import lab_event_receive
from printlab.simulated.models import SimulatedLabOrder, SimulatedShipment

LAB = "simulated"
CARRIER = "Simulated Post"
SOURCE = "urn:aigallery:simulated-lab"
Step = SimulatedLabOrder.Step
# The callback each step sends, in Prodigi's naming: the changed part of the order, "#", its value.
STEP_EVENTS = {
    Step.DOWNLOADED: "com.prodigi.order.status.details.downloadAssets#Complete",
    Step.IN_PRODUCTION: "com.prodigi.order.status.details.inProduction#InProgress",
    Step.SHIPPED: "com.prodigi.order.status.stage.changed#Complete",
    Step.DELIVERED: "com.prodigi.order.shipments.shipment#Delivered",
}
CANCELLED_EVENT = "com.prodigi.order.status.stage.changed#Cancelled"


@transaction.atomic
def simulated_step(*, lab_id: str, step: int) -> bool:
    """Take one step from the one before it; False when it was taken already or cancelled."""
    moved = SimulatedLabOrder.objects.filter(
        lab_id=lab_id, step=step - 1, cancelled_at__isnull=True
    ).update(step=step, updated_at=timezone.now())
    if not moved:
        return False
    order = SimulatedLabOrder.objects.get(lab_id=lab_id)
    if step == Step.SHIPPED:
        _ship(order)
    elif step == Step.DELIVERED:
        order.shipments.update(delivered_at=timezone.now())
    simulated_callback(order=order, event_type=STEP_EVENTS[step])
    return True


def simulated_callback(*, order: SimulatedLabOrder, event_type: str) -> None:
    """What Prodigi's callback would carry, through the same door its callbacks take."""
    callback = LabCallback(
        id=f"evt_sim_{secrets.token_hex(8)}",
        type=event_type,
        subject=order.lab_id,
        source=SOURCE,
        time=timezone.now(),
        data={"order": {"id": order.lab_id}},
    )
    lab_event_receive(callback=callback, lab=LAB)


def _ship(order: SimulatedLabOrder) -> None:
    """One parcel per SKU, as different products leave from different labs."""
    parcels: dict[str, list[str]] = {}
    for item in order.items:
        parcels.setdefault(item["sku"], []).append(item["id"])
    now = timezone.now()
    for number, item_ids in enumerate(parcels.values(), start=1):
        SimulatedShipment.objects.create(
            order=order,
            lab_id=f"shp_sim_{order.lab_id.removeprefix('ord_sim_')}_{number}",
            carrier=CARRIER,
            service=f"{order.shipping_method} tracked",
            tracking_number=f"SIM{secrets.randbelow(10**10):010d}",
            item_ids=item_ids,
            dispatched_at=now,
        )


def simulated_tracking_url(tracking_number: str) -> str:
    return settings.SITE_URL + reverse("lab_tracking", kwargs={"number": tracking_number})


def simulated_parcel_get(*, tracking_number: str) -> SimulatedShipment:
    """A parcel by its tracking number, as anyone holding the number may look it up."""
    parcel = (
        SimulatedShipment.objects.select_related("order")
        .filter(tracking_number=tracking_number)
        .first()
    )
    if parcel is None:
        raise Http404("No parcel has this tracking number")
    return parcel
