"""The TEST MODE gateway: the payment contract kept in our own database."""

import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from purchases.gateways.contract import (
    CheckoutRequest,
    CheckoutSession,
    InvalidWebhook,
    PaymentError,
    PaymentStatus,
    Refund,
    RefundRequest,
    SessionStatus,
    WebhookEvent,
)
from purchases.models import Order
from purchases.testmode.models import SimulatedCheckout


class TestModeGateway:
    name = "simulated"

    def checkout_create(self, request: CheckoutRequest, *, idempotency_key: str) -> CheckoutSession:
        order = Order.objects.filter(public_id=request.order_ref).first()
        if order is None:
            raise PaymentError("No such order.", permanent=True)
        checkout, _ = SimulatedCheckout.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "session_id": f"cs_sim_{secrets.token_hex(12)}",
                "order": order,
                "amount_total": request.amount_total,
                "currency": request.currency,
                "expires_at": request.expires_at,
                "success_url": request.success_url,
                "cancel_url": request.cancel_url,
            },
        )
        return session_of(checkout)

    def checkout_retrieve(self, session_id: str) -> CheckoutSession:
        checkout = (
            SimulatedCheckout.objects.select_related("order").filter(session_id=session_id).first()
        )
        if checkout is None:
            raise PaymentError("No such checkout session.", permanent=True)
        if checkout.status == SessionStatus.OPEN and checkout.expires_at <= timezone.now():
            checkout.status = SessionStatus.EXPIRED
            checkout.save(update_fields=["status"])
        return session_of(checkout)

    def checkout_expire(self, session_id: str) -> None:
        SimulatedCheckout.objects.filter(session_id=session_id, status=SessionStatus.OPEN).update(
            status=SessionStatus.EXPIRED
        )

    def refund_create(self, request: RefundRequest, *, idempotency_key: str) -> Refund:
        """Refunds are kept per idempotency key; together they never exceed what was paid."""
        with transaction.atomic():
            checkout = (
                SimulatedCheckout.objects.select_for_update()
                .filter(payment_intent_id=request.payment_intent)
                .first()
            )
            if checkout is None or not request.payment_intent:
                raise PaymentError("No simulated payment to refund.", permanent=True)
            refunds = dict(checkout.refunds)
            if idempotency_key not in refunds:
                if sum(refunds.values()) + request.amount > checkout.amount_total:
                    raise PaymentError(
                        "The refund is more than is left of the payment.", permanent=True
                    )
                refunds[idempotency_key] = request.amount
                checkout.refunds = refunds
                checkout.refunded = sum(refunds.values()) >= checkout.amount_total
                checkout.save(update_fields=["refunds", "refunded"])
            number = list(refunds).index(idempotency_key) + 1
        return Refund(id=f"re_sim_{request.payment_intent.removeprefix('pi_sim_')}_{number}")

    def webhook_parse(self, payload: bytes, signature: str) -> WebhookEvent:
        raise InvalidWebhook("The TEST MODE gateway sends no webhooks.")


def session_of(checkout: SimulatedCheckout) -> CheckoutSession:
    return CheckoutSession(
        id=checkout.session_id,
        url=reverse("simulated_checkout", kwargs={"session_id": checkout.session_id}),
        status=SessionStatus(checkout.status),
        payment_status=PaymentStatus(checkout.payment_status),
        order_ref=str(checkout.order.public_id),
        payment_intent=checkout.payment_intent_id,
        amount_total=checkout.amount_total,
        payment_method="Test card (TEST MODE: nothing was charged)"
        if checkout.payment_intent_id
        else "",
    )
