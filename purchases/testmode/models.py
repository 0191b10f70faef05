from django.db import models

from purchases.gateways.contract import PaymentStatus, SessionStatus


class SimulatedCheckout(models.Model):
    """The TEST MODE gateway's checkout sessions (no Stripe account needed).

    Registered with the purchases app (purchases.models imports it), table and migrations
    unchanged since it lived there.
    """

    session_id = models.CharField(max_length=64, unique=True)
    order = models.ForeignKey(
        "purchases.Order", on_delete=models.CASCADE, related_name="simulated_checkouts"
    )
    idempotency_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=16, default=SessionStatus.OPEN.value)
    payment_status = models.CharField(max_length=32, default=PaymentStatus.UNPAID.value)
    payment_intent_id = models.CharField(max_length=64, blank=True)
    amount_total = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    expires_at = models.DateTimeField()
    success_url = models.URLField(max_length=1000)
    cancel_url = models.URLField(max_length=1000)
    refunded = models.BooleanField(default=False)
    # Refunds made, by idempotency key: {key: amount in minor units}.
    refunds = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "purchases"

    def __str__(self) -> str:
        return self.session_id
