from django.db import models


class SimulatedLabOrder(models.Model):
    """An order the simulated lab accepted (registered with the printlab app: printlab.models
    imports it). `step` only moves forward, one task at a time."""

    class Step(models.IntegerChoices):
        RECEIVED = 0, "Received"
        DOWNLOADED = 1, "Assets downloaded"
        IN_PRODUCTION = 2, "In production"
        SHIPPED = 3, "Shipped"
        DELIVERED = 4, "Delivered"

    lab_id = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    merchant_reference = models.CharField(max_length=100)
    callback_url = models.URLField(max_length=1000, blank=True)
    shipping_method = models.CharField(max_length=16)
    # Prodigi's JSON shapes, as the order was asked for (items gain the lab's "id").
    recipient = models.JSONField()
    items = models.JSONField()
    step = models.PositiveSmallIntegerField(choices=Step, default=Step.RECEIVED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "printlab"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.lab_id


class SimulatedShipment(models.Model):
    """One parcel of a simulated order, with the pretend carrier's tracking number."""

    order = models.ForeignKey(SimulatedLabOrder, on_delete=models.CASCADE, related_name="shipments")
    lab_id = models.CharField(max_length=40, unique=True)
    carrier = models.CharField(max_length=60)
    service = models.CharField(max_length=60)
    tracking_number = models.CharField(max_length=40, unique=True)
    item_ids = models.JSONField()  # the lab's item ids (ori_...) in this parcel
    dispatched_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "printlab"
        ordering = ["lab_id"]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_delivered(self) -> bool:
        return self.delivered_at is not None

    @property
    def destination(self) -> str:
        """Town and country only: a tracking page is open to anyone holding the number."""
        address = (self.order.recipient or {}).get("address") or {}
        return ", ".join(p for p in (address.get("townOrCity"), address.get("countryCode")) if p)

    @property
    def copies(self) -> int:
        return sum(
            int(item.get("copies") or 0) for item in self.order.items if item["id"] in self.item_ids
        )
