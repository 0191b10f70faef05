import re
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from accounts.countries import COUNTRIES
from lib.storages import private_storage
from products.models import Format, Product
from products.money import format_minor

MAX_QUANTITY = 10
TRACE = re.compile(r" \(trace [^)]*\)")


class LabStage(models.TextChoices):
    """A paid print order's place at the lab, beside the order's own status."""

    WAITING = "waiting", "Waiting for the lab"
    SUBMITTED = "submitted", "At the lab"
    IN_PRODUCTION = "in_production", "In production"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    PROBLEM = "problem", "Lab problem"
    CANCELED = "canceled", "Canceled at the lab"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        IN_PRODUCTION = "in_production", "In production"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELED = "canceled", "Canceled"
        EXPIRED = "expired", "Expired"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        REFUNDED = "refunded", "Refunded"

    # The order state machine: every status change goes through purchases.services.order_transition.
    # A payment that arrives after an order expired, was canceled or failed is still recorded.
    TRANSITIONS = {
        Status.PENDING: {Status.PAID, Status.CANCELED, Status.EXPIRED, Status.PAYMENT_FAILED},
        Status.PAYMENT_FAILED: {Status.PAID, Status.CANCELED},
        Status.EXPIRED: {Status.PAID},
        Status.CANCELED: {Status.PAID},
        Status.PAID: {Status.IN_PRODUCTION, Status.DELIVERED, Status.REFUNDED},
        Status.IN_PRODUCTION: {Status.SHIPPED, Status.REFUNDED},
        Status.SHIPPED: {Status.DELIVERED, Status.REFUNDED},
        Status.DELIVERED: {Status.REFUNDED},
        Status.REFUNDED: set(),
    }
    # What managers move a paid print order to next.
    NEXT_STEP = {
        Status.PAID: Status.IN_PRODUCTION,
        Status.IN_PRODUCTION: Status.SHIPPED,
        Status.SHIPPED: Status.DELIVERED,
    }
    PAID_STATUSES = (Status.PAID, Status.IN_PRODUCTION, Status.SHIPPED, Status.DELIVERED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    # The cart this order was checked out from, and the cart's version at that moment: two tabs
    # checking out one unchanged cart share one order; a cart changed since gets a new one.
    cart = models.ForeignKey(
        "purchases.Cart", on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    cart_version = models.PositiveIntegerField(default=0)
    # Amounts copied at order time, in integer minor units (cents; won for KRW).
    currency = models.CharField(max_length=3)
    subtotal_amount = models.PositiveIntegerField()
    shipping_amount = models.PositiveIntegerField(default=0)
    total_amount = models.PositiveIntegerField()
    # Set when the order holds a print: where the parcel goes.
    shipping_address = models.JSONField(null=True, blank=True)
    email = models.EmailField()

    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=1000, blank=True)
    checkout_attempt = models.PositiveSmallIntegerField(default=0)
    payment_status = models.CharField(max_length=32, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_method = models.CharField(max_length=100, blank=True)
    refunded_amount = models.PositiveIntegerField(default=0)

    # The print lab (printlab/): where a paid order's prints are in its hands.
    lab_stage = models.CharField(max_length=16, choices=LabStage, blank=True, db_index=True)
    lab_order_id = models.CharField(max_length=100, blank=True, db_index=True)
    lab_problem = models.CharField(max_length=500, blank=True)
    lab_attempts = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="order_customer_recent"),
            models.Index(fields=["status", "-created_at"], name="order_status_recent"),
            models.Index(fields=["-updated_at"], name="order_recently_changed"),
            models.Index(fields=["customer", "-updated_at"], name="order_customer_changed"),
            # Revenue per day on the managers' console.
            models.Index(fields=["paid_at"], name="order_paid_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total_amount=models.F("subtotal_amount") + models.F("shipping_amount")
                ),
                name="order_total_is_subtotal_and_shipping",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("total_amount")),
                name="order_refunds_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.short_id}"

    def get_absolute_url(self) -> str:
        return reverse("order_detail", kwargs={"public_id": self.public_id})

    @property
    def short_id(self) -> str:
        return str(self.public_id)[:8].upper()

    @property
    def is_physical(self) -> bool:
        return self.shipping_address is not None

    @property
    def address_lines(self) -> list[str]:
        """The ship-to address as it goes on a parcel: name, street, town, country, phone."""
        a = self.shipping_address
        if not a:
            return []
        town = " ".join(part for part in (a.get("postal_code"), a.get("city")) if part)
        if a.get("region"):
            town = f"{town}, {a['region']}" if town else a["region"]
        country = COUNTRIES.get(a.get("country", ""), a.get("country", ""))
        lines = [a.get("full_name"), a.get("line1"), a.get("line2"), town, country]
        if a.get("phone"):
            lines.append(f"Phone {a['phone']}")
        return [line for line in lines if line]

    @property
    def is_paid(self) -> bool:
        return self.status in self.PAID_STATUSES

    @property
    def can_pay(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.PAYMENT_FAILED)

    @property
    def next_step(self) -> "Order.Status | None":
        return self.NEXT_STEP.get(self.status) if self.is_physical else None

    @property
    def can_download(self) -> bool:
        """Downloads open on payment, whatever else the order holds."""
        return self.is_paid

    @property
    def has_downloads(self) -> bool:
        return any(not item.format.is_physical for item in self.items.all())

    @property
    def can_cancel_paid(self) -> bool:
        """A paid print order the shopper may still cancel: nothing is in production yet."""
        return (
            self.status == self.Status.PAID
            and self.is_physical
            and self.lab_stage not in (LabStage.IN_PRODUCTION, LabStage.SHIPPED)
        )

    @property
    def refundable_amount(self) -> int:
        return self.total_amount - self.refunded_amount

    def money(self, minor: int) -> str:
        return format_minor(minor, self.currency)

    @property
    def total_display(self) -> str:
        return self.money(self.total_amount)

    @property
    def subtotal_display(self) -> str:
        return self.money(self.subtotal_amount)

    @property
    def refunded_display(self) -> str:
        return self.money(self.refunded_amount)

    @property
    def shipping_display(self) -> str:
        return self.money(self.shipping_amount)


class Fit(models.TextChoices):
    """How a print's picture meets a print area of another shape (lib.mockups.Fit)."""

    FILL = "fill", "Crop to fill"
    FIT = "fit", "Fit the whole picture"


class Position(models.TextChoices):
    """Which part of the picture a crop to fill keeps (lib.mockups.Position)."""

    CENTER = "center", "Centre"
    TOP = "top", "Top"
    BOTTOM = "bottom", "Bottom"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class LineChoice(models.Model):
    """What a cart line and an order line share besides their artwork and format: copies and
    the crop."""

    quantity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    # Prints only; blank for downloads.
    fit = models.CharField(max_length=8, choices=Fit, blank=True)
    position = models.CharField(max_length=8, choices=Position, blank=True)

    class Meta:
        abstract = True

    @property
    def crop_label(self) -> str:
        if not self.fit:
            return ""
        if self.fit == Fit.FIT:
            return Fit.FIT.label
        return f"{Fit.FILL.label}, keeping the {Position(self.position or 'center').label.lower()}"


class OrderItem(LineChoice):
    """One line of an order, priced when the order was placed."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_items")
    format = models.ForeignKey(Format, on_delete=models.PROTECT, related_name="order_items")
    unit_amount = models.PositiveIntegerField()
    line_amount = models.PositiveIntegerField()
    refunded_amount = models.PositiveIntegerField(default=0)
    # The print master the lab prints from (private storage), made after payment.
    master = models.FileField(max_length=255, blank=True, storage=private_storage)
    master_md5 = models.CharField(max_length=32, blank=True)
    master_width = models.PositiveIntegerField(null=True, blank=True)
    master_height = models.PositiveIntegerField(null=True, blank=True)
    master_dpi = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY),
                name="order_item_quantity_range",
            ),
            models.CheckConstraint(
                condition=models.Q(line_amount=models.F("unit_amount") * models.F("quantity")),
                name="order_item_line_adds_up",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("line_amount")),
                name="order_item_refund_within_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} — {self.format.name} × {self.quantity}"

    @property
    def is_physical(self) -> bool:
        return self.format.is_physical

    @property
    def can_download(self) -> bool:
        return (
            not self.is_physical
            and self.order.can_download
            and self.refunded_amount < self.line_amount
        )

    @property
    def refundable_amount(self) -> int:
        return self.line_amount - self.refunded_amount

    @property
    def unit_display(self) -> str:
        return self.order.money(self.unit_amount)

    @property
    def line_display(self) -> str:
        return self.order.money(self.line_amount)


class Shipment(models.Model):
    """One parcel of an order: its carrier, tracking and the items inside."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    lab_shipment_id = models.CharField(max_length=100, blank=True)
    carrier = models.CharField(max_length=100, blank=True)
    service = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    items = models.ManyToManyField(OrderItem, blank=True, related_name="shipments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "lab_shipment_id"],
                condition=~models.Q(lab_shipment_id=""),
                name="shipment_once_per_lab_parcel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}".strip() or f"Parcel {self.pk}"


class Refund(models.Model):
    """Money given back on an order, all or part; one row per refund request.

    The row is written (pending) before the provider is called, under the request's own key, so
    the same request twice refunds once and two requests cannot together refund more than was
    paid.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Refunded"
        FAILED = "failed", "Failed"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    item = models.ForeignKey(
        OrderItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="refunds"
    )
    amount = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    provider_refund_id = models.CharField(max_length=255, blank=True, db_index=True)
    reason = models.CharField(max_length=200, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        # Refunds per day on the managers' console.
        indexes = [models.Index(fields=["created_at"], name="refund_created")]

    def __str__(self) -> str:
        return f"{self.order.money(self.amount)} on order {self.order.short_id}"

    @property
    def amount_display(self) -> str:
        return self.order.money(self.amount)

    @property
    def confirmation(self) -> str:
        """What the manager reads after asking for it; `repeated` is set by the service when
        the same request came again and nothing more was refunded."""
        if getattr(self, "repeated", False):
            return (
                f"That refund of {self.amount_display} was already made on order "
                f"{self.order.short_id}; nothing more was refunded."
            )
        return f"Refunded {self.amount_display} on order {self.order.short_id}."


MAX_CART_ITEMS = 20


class Cart(models.Model):
    """A shopper's cart: a signed-in customer's, or a visitor's kept by a token in the session."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
    )
    # Bumped by every change, so a checkout knows whether the cart moved under it.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart {self.pk}"


class CartItem(LineChoice):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="cart_items")
    format = models.ForeignKey(Format, on_delete=models.CASCADE, related_name="cart_items")
    # The unit price the shopper last saw, so a change is told before payment.
    seen_unit_amount = models.PositiveIntegerField()
    seen_currency = models.CharField(max_length=3)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "product", "format", "fit", "position"], name="cart_line_once"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY),
                name="cart_item_quantity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.format} × {self.quantity}"


class OrderEvent(models.Model):
    """One status change of an order: who, when, from, to, and a note."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def to_label(self) -> str:
        return Order.Status(self.to_status).label

    @property
    def shopper_note(self) -> str:
        """The note as the shopper reads it: without the lab's trace id (for its support desk)."""
        return TRACE.sub("", self.note)


class StripeEvent(models.Model):
    """Webhook events already handled, so that a redelivery changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


# The TEST MODE gateway's model lives beside its gateway; importing it here registers it.
from purchases.testmode.models import SimulatedCheckout  # noqa: E402

__all__ = [
    "MAX_CART_ITEMS",
    "MAX_QUANTITY",
    "Cart",
    "CartItem",
    "Fit",
    "LabStage",
    "Order",
    "OrderEvent",
    "OrderItem",
    "Position",
    "Refund",
    "Shipment",
    "SimulatedCheckout",
    "StripeEvent",
]
