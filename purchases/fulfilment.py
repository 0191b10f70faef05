"""Prints at the lab: the print master, the submission, following the lab, and the parcels.

The payment rule holds here too: the lab is never called while a row lock is held. A paid
print order is submitted once, from a task enqueued on commit, under an idempotency key that
belongs to the order, so a retry after a timeout finds the same lab order. The lab's callbacks
are hints: the order is fetched again from the lab and applied forwards only, so a late or
repeated callback never undoes "delivered" nor erases a tracking number.
"""

import hashlib
import io
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageCms, ImageFilter

from lib.mail import mail_enqueue
from lib.mockups import Fit as PictureFit
from lib.mockups import Position as PicturePosition
from lib.mockups import effective_dpi, print_area
from lib.private_files import signed_storage_url
from lib.storages import random_key
from printlab.contract import (
    LabAsset,
    LabError,
    LabItem,
    LabOrder,
    LabOrderRequest,
    LabRecipient,
    ShipmentStatus,
    ShippingMethod,
    Sizing,
)
from printlab.contract import (
    LabStage as LabOrderStage,
)
from printlab.gateways import lab_callback_url, lab_get
from products.models import MAX_UPSCALE
from purchases.models import Fit, LabStage, Order, OrderItem, Shipment
from purchases.transitions import OrderError, order_note, order_transition

logger = logging.getLogger(__name__)
Status = Order.Status
MASTER_SALT = "purchases.lab-master"


class LabRefused(OrderError):
    """The lab would not do what was asked (cancel, change the address); the message says why."""


def _lab_note(lab_name: str, text: str, trace: str) -> str:
    return f"{lab_name}: {text}" + (f" (trace {trace})" if trace else "")


# The print master.


def master_make(*, item: OrderItem) -> OrderItem:
    """The file the lab prints: the shopper's crop or fit at the lab's pixel size, sRGB.

    Enlarged with Lanczos and a light sharpening when the original is smaller, never more than
    MAX_UPSCALE times (the format is not offered beyond that). Its md5 and effective DPI are kept.
    """
    fmt = item.format
    width, height = fmt.print_pixels()
    if (width > height) != (fmt.width_cm > fmt.height_cm) and width != height:
        width, height = height, width  # the lab names its area the other way round
    with item.product.image.image.open("rb") as stored:
        source = Image.open(stored)
        source.load()
    fit = PictureFit(item.fit or Fit.FILL)
    position = PicturePosition(item.position or "center")
    picture = print_area(
        source,
        width_cm=fmt.width_cm,
        height_cm=fmt.height_cm,
        fit=fit,
        position=position,
        long_side_px=max(width, height),
    )
    if picture.size != (width, height):
        picture = picture.resize((width, height), Image.Resampling.LANCZOS)
    scale = max(width / source.width, height / source.height)
    if scale > MAX_UPSCALE:
        raise OrderError(f"{item}: the original is too small for this print.")
    if scale > 1:
        picture = picture.filter(ImageFilter.UnsharpMask(radius=1.2, percent=60, threshold=2))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=False, icc_profile=_SRGB_ICC)
    data = buffer.getvalue()
    name = item.master.storage.save(random_key("masters", "png"), ContentFile(data))
    OrderItem.objects.filter(pk=item.pk).update(
        master=name,
        master_md5=hashlib.md5(data).hexdigest(),  # noqa: S324 (the lab's checksum, not security)
        master_width=width,
        master_height=height,
        master_dpi=effective_dpi(
            source.width, source.height, width_cm=fmt.width_cm, height_cm=fmt.height_cm, fit=fit
        ),
    )
    item.refresh_from_db()
    return item


# Masters say what they are: sRGB (print_area converts any embedded profile to it).
_SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def master_url(*, item: OrderItem) -> str:
    """Where the lab downloads a master: a signed URL that lives LAB_ASSET_URL_SECONDS."""
    seconds = settings.LAB_ASSET_URL_SECONDS
    url = signed_storage_url(item.master, seconds=seconds)
    if url:
        return url
    token = signing.dumps({"item": item.pk, "md5": item.master_md5}, salt=MASTER_SALT)
    return settings.SITE_URL + reverse("lab_master", args=[token])


def master_for_token(token: str) -> OrderItem | None:
    """The item a lab download URL names, while it is valid; None when forged or expired."""
    try:
        data = signing.loads(token, salt=MASTER_SALT, max_age=settings.LAB_ASSET_URL_SECONDS)
    except signing.BadSignature:
        return None
    item = OrderItem.objects.filter(pk=data.get("item")).first()
    if item is None or not item.master or item.master_md5 != data.get("md5"):
        return None
    return item


# Submitting.


def lab_submit(*, order_id: int, attempt: int) -> datetime | None:
    """Send a paid print order to the lab once; the time to try again after a passing failure."""
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.lab_order_id or order.lab_stage != LabStage.WAITING:
            return None  # sent already, canceled, or never meant for the lab
        items = [i for i in order.items.select_related("format", "product__image") if i.is_physical]
    try:
        request = _lab_request(order, items)
        lab = lab_get()
        lab_order = lab.order_create(request)
    except LabError as error:
        return _submit_failed(order_id=order_id, attempt=attempt, error=error)
    except OrderError as error:
        _submit_failed(
            order_id=order_id, attempt=attempt, error=LabError(str(error), permanent=True)
        )
        return None
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().get(pk=order_id)
        canceled_meanwhile = order.lab_stage == LabStage.CANCELED
        order.lab_order_id = lab_order.id
        order.lab_attempts = attempt
        received = _lab_note(
            lab.name, f"order received ({lab_order.outcome})", lab_order.trace_parent
        )
        order_note(order, received)
        if canceled_meanwhile:
            order.save(update_fields=["lab_order_id", "lab_attempts"])
        else:
            order.lab_stage = LabStage.SUBMITTED
            order.lab_problem = ""
            order.save(update_fields=["lab_order_id", "lab_stage", "lab_problem", "lab_attempts"])
            _lab_apply(order, lab_order, lab_name=lab.name)
    if canceled_meanwhile:
        # The shopper canceled while the lab was taking the order: cancel the lab's copy too.
        try:
            lab_cancel_first(order=order)
        except LabRefused as error:
            with transaction.atomic(durable=True):
                order = Order.objects.select_for_update().get(pk=order_id)
                _lab_problem(order, f"canceled and refunded, but {error}")
    return None


def _lab_request(order: Order, items: list[OrderItem]) -> LabOrderRequest:
    address = order.shipping_address or {}
    lab_items = []
    for item in items:
        if not item.format.lab_sku:
            raise OrderError(f"“{item.format.name}” has no lab SKU: map it in the admin.")
        if not item.master:
            item = master_make(item=item)
        lab_items.append(
            LabItem(
                merchant_reference=str(item.pk),
                sku=item.format.lab_sku,
                copies=item.quantity,
                sizing=Sizing.FIT if item.fit == Fit.FIT else Sizing.FILL,
                assets=(LabAsset(url=master_url(item=item), md5=item.master_md5),),
                attributes=dict(item.format.lab_attributes or {}),
            )
        )
    return LabOrderRequest(
        merchant_reference=str(order.public_id),
        idempotency_key=f"order-{order.public_id}",  # one per paid order, never reused
        callback_url=lab_callback_url(),
        shipping_method=ShippingMethod(settings.LAB_SHIPPING_METHOD),
        recipient=_recipient(order, address),
        items=tuple(lab_items),
    )


def _recipient(order: Order, address: dict) -> LabRecipient:
    return LabRecipient(
        name=address.get("full_name", ""),
        email=order.email,
        phone=address.get("phone", ""),
        line1=address.get("line1", ""),
        line2=address.get("line2", ""),
        town=address.get("city", ""),
        state=address.get("region", ""),
        postal_code=address.get("postal_code", ""),
        country_code=address.get("country", ""),
    )


def _submit_failed(*, order_id: int, attempt: int, error: LabError) -> datetime | None:
    retry = not error.permanent and attempt < settings.LAB_SUBMIT_ATTEMPTS
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().get(pk=order_id)
        order.lab_attempts = attempt
        if retry:
            order.save(update_fields=["lab_attempts"])
            order_note(
                order, f"the lab could not take the order yet (try {attempt}): {error.message}"
            )
            wait = error.retry_after or min(3600, 30 * 2 ** (attempt - 1))
            return timezone.now() + timedelta(seconds=wait)
        _lab_problem(order, error.message, trace=error.trace_parent)
    return None


def _lab_problem(order: Order, message: str, *, trace: str = "") -> None:
    """Show a lab problem on the manager pages and tell managers, once per problem."""
    first = order.lab_stage != LabStage.PROBLEM or order.lab_problem != message[:500]
    order.lab_stage = LabStage.PROBLEM
    order.lab_problem = message[:500]
    order.save(update_fields=["lab_stage", "lab_problem", "lab_attempts", "updated_at"])
    order_note(order, _lab_note("lab problem", message, trace))
    if first:
        managers = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
        mail_enqueue(
            "purchases/lab_problem",
            to=list(managers.values_list("email", flat=True)),
            context={"order": order, "problem": message},
        )


# Following the lab.


def lab_refresh(*, lab_order_id: str) -> Order | None:
    """Fetch an order from the lab and apply what changed; an order that is not ours is left."""
    with transaction.atomic(durable=True):
        known = Order.objects.filter(lab_order_id=lab_order_id).exists()
    if not known:
        logger.info("Lab order %s is not one of ours", lab_order_id)
        return None
    lab = lab_get()
    lab_order = lab.order_get(lab_order_id)  # LabError: the task tries again later
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().get(lab_order_id=lab_order_id)
        _lab_apply(order, lab_order, lab_name=lab.name)
    return order


# Forward only: an order never moves back to a stage it has passed.
RANK = {
    LabStage.WAITING: 0,
    LabStage.SUBMITTED: 1,
    LabStage.PROBLEM: 1,
    LabStage.IN_PRODUCTION: 2,
    LabStage.SHIPPED: 3,
    LabStage.DELIVERED: 4,
    LabStage.CANCELED: 5,
}
STATUS_OF = {
    LabStage.IN_PRODUCTION: Status.IN_PRODUCTION,
    LabStage.SHIPPED: Status.SHIPPED,
    LabStage.DELIVERED: Status.DELIVERED,
}
STEPS = (Status.PAID, Status.IN_PRODUCTION, Status.SHIPPED, Status.DELIVERED)


def _stage_of(lab_order: LabOrder) -> str:
    if lab_order.stage == LabOrderStage.CANCELLED:
        return LabStage.CANCELED
    if lab_order.is_delivered:
        return LabStage.DELIVERED
    shipped = any(
        s.status in (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED) for s in lab_order.shipments
    )
    if lab_order.is_shipped or shipped:
        return LabStage.SHIPPED
    started = (lab_order.details.in_production, lab_order.details.shipping)
    if any(step in ("InProgress", "Complete") for step in started):
        return LabStage.IN_PRODUCTION
    return LabStage.SUBMITTED


def _lab_apply(order: Order, lab_order: LabOrder, *, lab_name: str) -> None:
    """Apply a fetched lab order to our locked order: parcels, stage, status, problems."""
    tracked = _shipments_apply(order, lab_order)
    if lab_order.has_issues:
        issue = lab_order.issues[0]
        message = f"{issue.description} ({issue.error_code})"
        _lab_problem(order, message, trace=lab_order.trace_parent)
        return
    stage = _stage_of(lab_order)
    current = order.lab_stage or LabStage.WAITING
    cleared = current == LabStage.PROBLEM and stage != LabStage.PROBLEM
    if stage != current and (RANK[stage] > RANK.get(current, 0) or cleared):
        order.lab_stage = stage
        order.lab_problem = ""
        order.save(update_fields=["lab_stage", "lab_problem", "updated_at"])
        if stage == LabStage.CANCELED:
            order_note(
                order, _lab_note(lab_name, "the lab canceled the order", lab_order.trace_parent)
            )
            return
        _status_follow(order, STATUS_OF.get(stage), lab_name, lab_order, tracked=bool(tracked))
    if tracked and order.status in (Status.SHIPPED, Status.DELIVERED):
        _shipped_mail(order, tracked)


def _status_follow(order: Order, target, lab_name: str, lab_order: LabOrder, *, tracked: bool):
    """Walk the order's status forward to the lab's, one event per step, never back."""
    if target is None or order.status not in STEPS:
        return
    if STEPS.index(target) <= STEPS.index(order.status):
        return
    for step in STEPS[STEPS.index(order.status) + 1 : STEPS.index(target) + 1]:
        note = _lab_note(lab_name, Status(step).label.lower(), lab_order.trace_parent)
        # The shipped e-mail with its tracking is sent for the parcels instead, when they have it.
        order_transition(order, step, note=note, notify=not (step == Status.SHIPPED and tracked))


def _shipped_mail(order: Order, parcels: list[Shipment]) -> None:
    mail_enqueue(
        "purchases/order_shipped",
        to=[order.email],
        context={"order": order, "parcels": parcels, "all_parcels": list(order.shipments.all())},
    )


def _shipments_apply(order: Order, lab_order: LabOrder) -> list[Shipment]:
    """Keep each parcel the lab reports; a field it no longer sends is never erased. Returns
    the parcels that have just got their tracking number."""
    items = {str(item.pk): item for item in order.items.all()}
    tracked_now = []
    for parcel in lab_order.shipments:
        if parcel.status == ShipmentStatus.CANCELLED:
            continue
        shipment, _ = Shipment.objects.get_or_create(order=order, lab_shipment_id=parcel.id)
        had_tracking = bool(shipment.tracking_number)
        changed = False
        for name, value in (
            ("carrier", parcel.carrier),
            ("service", parcel.service),
            ("tracking_number", parcel.tracking_number),
            ("tracking_url", parcel.tracking_url),
            ("dispatched_at", parcel.dispatched_at),
            ("delivered_at", parcel.delivered_at),
        ):
            if value and getattr(shipment, name) != value:
                setattr(shipment, name, value)
                changed = True
        if changed:
            shipment.save()
        shipment.items.add(*[items[ref] for ref in parcel.item_refs if ref in items])
        if shipment.tracking_number and not had_tracking:
            tracked_now.append(shipment)
    return tracked_now


# Shopper's changes that the lab must agree to.


def lab_cancel_first(*, order: Order) -> None:
    """Before refunding a paid print order, the lab cancels its copy (when it has one).

    Raises LabRefused when the lab has started and no longer allows it.
    """
    if not order.lab_order_id:
        return
    lab = lab_get()
    try:
        actions = lab.actions_get(order.lab_order_id)
        if not actions.can_cancel:
            raise LabRefused(
                f"Order {order.short_id} is already being made at the lab, so it can no longer "
                "be canceled. If something is wrong with it, ask us on the contact page.",
                order=order,
            )
        lab_order = lab.order_cancel(order.lab_order_id)
    except LabError as error:
        raise LabRefused(
            f"The print lab could not cancel order {order.short_id} now: {error.message}",
            order=order,
        ) from error
    with transaction.atomic(durable=True):
        locked = Order.objects.select_for_update().get(pk=order.pk)
        locked.lab_stage = LabStage.CANCELED
        locked.save(update_fields=["lab_stage", "updated_at"])
        order_note(
            locked, _lab_note(lab.name, "canceled at the shopper's request", lab_order.trace_parent)
        )


def order_address_change(*, order: Order, address: dict, actor) -> Order:
    """A paid print order not yet in production gets a new address (asking the lab first)."""
    if not order.can_cancel_paid:
        raise OrderError(
            f"Order {order.short_id} is {order.get_status_display().lower()}: its address can "
            "no longer change.",
            order=order,
        )
    if order.lab_order_id:
        lab = lab_get()
        try:
            if not lab.actions_get(order.lab_order_id).can_update_recipient:
                raise LabRefused(
                    f"The lab has started on order {order.short_id}: its address can no longer "
                    "change.",
                    order=order,
                )
            lab.recipient_update(order.lab_order_id, _recipient(order, address))
        except LabError as error:
            raise LabRefused(
                f"The print lab could not change the address now: {error.message}", order=order
            ) from error
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().get(pk=order.pk)
        order.shipping_address = {**(order.shipping_address or {}), **address}
        order.save(update_fields=["shipping_address", "updated_at"])
        order_note(order, "shipping address changed by the customer", actor=actor)
    return order


# Without a lab: managers ship by hand, with the parcel's tracking.


@transaction.atomic
def order_ship_by_hand(
    *, order: Order, actor, carrier: str, tracking_number: str, tracking_url: str = ""
) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Status.IN_PRODUCTION:
        raise OrderError(
            f"Order {order.short_id} is {order.get_status_display().lower()}: it cannot be "
            "marked shipped."
        )
    shipment = Shipment.objects.create(
        order=order,
        carrier=carrier[:100],
        tracking_number=tracking_number[:100],
        tracking_url=tracking_url[:500],
        dispatched_at=timezone.now(),
    )
    shipment.items.add(*[item for item in order.items.all() if item.is_physical])
    order_transition(
        order,
        Status.SHIPPED,
        actor=actor,
        note=f"shipped with {carrier} {tracking_number}".strip(),
        notify=False,
    )
    _shipped_mail(order, [shipment])
    return order
