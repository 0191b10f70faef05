import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from products.models import Format, Product
from products.money import format_minor

MAX_QUANTITY = 10


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
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders")
    format = models.ForeignKey(Format, on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    # Prices copied at order time, in integer minor units (cents; won for KRW).
    currency = models.CharField(max_length=3)
    unit_amount = models.PositiveIntegerField()
    shipping_amount = models.PositiveIntegerField(default=0)
    total_amount = models.PositiveIntegerField()
    shipping_address = models.JSONField(null=True, blank=True)
    email = models.EmailField()

    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=1000, blank=True)
    checkout_attempt = models.PositiveSmallIntegerField(default=0)
    payment_status = models.CharField(max_length=32, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_amount = models.PositiveIntegerField(default=0)
    refund_id = models.CharField(max_length=255, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="order_customer_recent"),
            models.Index(fields=["status", "-created_at"], name="order_status_recent"),
            models.Index(fields=["-updated_at"], name="order_recently_changed"),
            models.Index(fields=["customer", "-updated_at"], name="order_customer_changed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY),
                name="order_quantity_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total_amount=models.F("unit_amount") * models.F("quantity")
                    + models.F("shipping_amount")
                ),
                name="order_total_adds_up",
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
        return self.is_paid and not self.is_physical

    def money(self, minor: int) -> str:
        return format_minor(minor, self.currency)

    @property
    def total_display(self) -> str:
        return self.money(self.total_amount)

    @property
    def unit_display(self) -> str:
        return self.money(self.unit_amount)

    @property
    def shipping_display(self) -> str:
        return self.money(self.shipping_amount)


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


class StripeEvent(models.Model):
    """Webhook events already handled, so that a redelivery changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


# The TEST MODE gateway's model lives beside its gateway; importing it here registers it.
from purchases.testmode.models import SimulatedCheckout  # noqa: E402

__all__ = ["MAX_QUANTITY", "Order", "OrderEvent", "SimulatedCheckout", "StripeEvent"]
