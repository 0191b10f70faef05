"""The simulated lab: the lab contract kept in our own database."""

import secrets
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from printlab.contract import (
    LabActions,
    LabError,
    LabOrder,
    LabOrderRequest,
    LabProduct,
    LabQuote,
    LabQuoteItem,
    LabRecipient,
    LabShipment,
    LabStage,
    LabStatusDetails,
    ShipmentStatus,
    ShippingMethod,
    Sizing,
    StepState,
)
from printlab.prodigi import order_body, recipient_body
from printlab.simulated.catalogue import (
    catalogue_product,
    catalogue_shipping,
    catalogue_unit_cost,
)
from printlab.simulated.models import SimulatedLabOrder, SimulatedShipment
from printlab.simulated.services import (
    CANCELLED_EVENT,
    simulated_callback,
    simulated_tracking_url,
)
from printlab.simulated.tasks import simulated_schedule

LAB = "The simulated lab"
Step = SimulatedLabOrder.Step
# Until production starts, the order may still be cancelled or re-addressed, as at Prodigi.
CHANGEABLE = (Step.RECEIVED, Step.DOWNLOADED)


class SimulatedLab:
    name = "simulated"

    def order_create(self, request: LabOrderRequest) -> LabOrder:
        _check(request)
        body = order_body(request)  # kept in Prodigi's shape, as the real lab would see it
        items = [{**item, "id": f"ori_sim_{secrets.token_hex(6)}"} for item in body["items"]]
        try:
            with transaction.atomic():
                order, created = SimulatedLabOrder.objects.get_or_create(
                    idempotency_key=request.idempotency_key,
                    defaults={
                        "lab_id": f"ord_sim_{secrets.token_hex(6)}",
                        "merchant_reference": request.merchant_reference,
                        "callback_url": request.callback_url,
                        "shipping_method": str(request.shipping_method),
                        "recipient": body["recipient"],
                        "items": items,
                    },
                )
        except IntegrityError:  # the same key, sent twice at once: the first one won
            order, created = (
                SimulatedLabOrder.objects.get(idempotency_key=request.idempotency_key),
                False,
            )
        if created:
            simulated_schedule(lab_id=order.lab_id, step=Step.DOWNLOADED)
        return order_of(order, outcome="Created" if created else "AlreadyExists")

    def order_get(self, lab_order_id: str) -> LabOrder:
        return order_of(_order(lab_order_id), outcome="Ok")

    def actions_get(self, lab_order_id: str) -> LabActions:
        order = _order(lab_order_id)
        changeable = order.cancelled_at is None and order.step in CHANGEABLE
        return LabActions(
            can_cancel=changeable,
            can_update_recipient=changeable,
            can_update_shipping_method=changeable,
            can_update_metadata=True,
            trace_parent=_trace(),
        )

    @transaction.atomic
    def order_cancel(self, lab_order_id: str) -> LabOrder:
        order = _order(lab_order_id)
        cancelled = SimulatedLabOrder.objects.filter(
            pk=order.pk, step__in=CHANGEABLE, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now())
        if not cancelled:
            raise _not_available(order, "cancel it")
        order.refresh_from_db()
        simulated_callback(order=order, event_type=CANCELLED_EVENT)
        return order_of(order, outcome="Cancelled")

    def recipient_update(self, lab_order_id: str, recipient: LabRecipient) -> LabOrder:
        order = _order(lab_order_id)
        updated = SimulatedLabOrder.objects.filter(
            pk=order.pk, step__in=CHANGEABLE, cancelled_at__isnull=True
        ).update(recipient=recipient_body(recipient), updated_at=timezone.now())
        if not updated:
            raise _not_available(order, "change the address")
        order.refresh_from_db()
        return order_of(order, outcome="Updated")

    def quote(
        self,
        items: Sequence[LabQuoteItem],
        *,
        country_code: str,
        shipping_method: ShippingMethod | None = None,
        currency: str = "",
    ) -> tuple[LabQuote, ...]:
        currency = (currency or settings.SHOP_CURRENCY).upper()
        for index, item in enumerate(items):
            product = _product(item.sku, f"items[{index}].sku")
            if country_code.upper() not in product.variants[0].ships_to:
                raise LabError(
                    f"{LAB} does not ship to {country_code.upper()}.",
                    permanent=True,
                    outcome="ValidationFailed",
                )
        cost = sum(
            (catalogue_unit_cost(item.sku, currency) * item.copies for item in items), Decimal(0)
        )
        parcels = len({item.sku.upper() for item in items})
        methods = [shipping_method] if shipping_method else list(ShippingMethod)
        return tuple(
            LabQuote(
                shipping_method=str(method),
                items_cost=cost,
                shipping_cost=catalogue_shipping(method, parcels, currency),
                currency=currency,
            )
            for method in methods
        )

    def product_get(self, sku: str) -> LabProduct:
        return _product(sku, "sku")


def order_of(order: SimulatedLabOrder, *, outcome: str) -> LabOrder:
    """The stored order as the lab reports it: stage and step states read from `step`."""
    step = order.step
    done, doing, later = StepState.COMPLETE, StepState.IN_PROGRESS, StepState.NOT_STARTED
    prepared = done if step >= Step.DOWNLOADED else later
    if order.cancelled_at:
        stage = LabStage.CANCELLED
    elif step >= Step.SHIPPED:
        stage = LabStage.COMPLETE
    else:
        stage = LabStage.IN_PROGRESS
    references = {item["id"]: item.get("merchantReference") or item["id"] for item in order.items}
    return LabOrder(
        id=order.lab_id,
        merchant_reference=order.merchant_reference,
        stage=stage,
        details=LabStatusDetails(
            download_assets=prepared,
            print_ready_assets_prepared=prepared,
            allocate_production_location=prepared,
            in_production=done
            if step >= Step.SHIPPED
            else doing
            if step >= Step.IN_PRODUCTION
            else later,
            shipping=done if step >= Step.SHIPPED else later,
        ),
        issues=(),
        shipments=tuple(shipment_of(s, references) for s in order.shipments.all()),
        outcome=outcome,
        trace_parent=_trace(),
        shipping_method=order.shipping_method,
        idempotency_key=order.idempotency_key,
    )


def shipment_of(parcel: SimulatedShipment, references: dict[str, str]) -> LabShipment:
    return LabShipment(
        id=parcel.lab_id,
        status=ShipmentStatus.DELIVERED if parcel.delivered_at else ShipmentStatus.SHIPPED,
        carrier=parcel.carrier,
        service=parcel.service,
        tracking_number=parcel.tracking_number,
        tracking_url=simulated_tracking_url(parcel.tracking_number),
        dispatched_at=parcel.dispatched_at,
        item_refs=tuple(references.get(item_id, item_id) for item_id in parcel.item_ids),
        delivered_at=parcel.delivered_at,
    )


def _check(request: LabOrderRequest) -> None:
    """Refuse what Prodigi would refuse (outcome ValidationFailed), naming the field."""
    if not request.items:
        raise _invalid("items: at least one item is needed")
    if len(request.recipient.country_code) != 2 or not request.recipient.line1:
        raise _invalid("recipient.address: a first line and a two-letter country code are needed")
    for index, item in enumerate(request.items):
        product = _product(item.sku, f"items[{index}].sku")
        if item.copies < 1:
            raise _invalid(f"items[{index}].copies: must be at least 1")
        if item.sizing not in tuple(Sizing):
            raise _invalid(f"items[{index}].sizing: {item.sizing!r} is not a sizing")
        for name, values in product.attributes.items():
            if item.attributes.get(name) not in values:
                raise _invalid(f"items[{index}].attributes.{name}: one of {', '.join(values)}")
        if not item.assets or not all(asset.url for asset in item.assets):
            raise _invalid(f"items[{index}].assets: each item needs an asset with a url")


def _product(sku: str, field_name: str) -> LabProduct:
    product = catalogue_product(sku)
    if product is None:
        raise _invalid(f"{field_name}: {sku!r} is not a product of this lab")
    return product


def _invalid(detail: str) -> LabError:
    return LabError(
        f"{LAB} refused it: ValidationFailed; {detail}",
        permanent=True,
        outcome="ValidationFailed",
        trace_parent=_trace(),
    )


def _not_available(order: SimulatedLabOrder, what: str) -> LabError:
    why = "it is cancelled" if order.cancelled_at else "it is in production already"
    return LabError(
        f"{LAB} can no longer {what}: {why}.",
        permanent=True,
        outcome="ActionNotAvailable",
        trace_parent=_trace(),
    )


def _order(lab_order_id: str) -> SimulatedLabOrder:
    order = SimulatedLabOrder.objects.filter(lab_id=lab_order_id).first()
    if order is None:
        raise LabError(
            f"{LAB} has no order {lab_order_id[:60]!r}.", permanent=True, outcome="EntityNotFound"
        )
    return order


def _trace() -> str:
    """A W3C trace parent, as Prodigi gives each request one for its support desk."""
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"
