"""The gateway to payments: Stripe Checkout, or a simulated checkout for offline use.

`get_gateway()` returns the one the settings choose. Both hand back `CheckoutSession`
values, so fulfilment code cannot tell them apart.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.countries import COUNTRIES
from purchases.models import Order, SimulatedCheckout

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str  # open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required
    order_ref: str
    payment_intent: str = ""
    shipping: dict | None = None

    @property
    def is_paid(self) -> bool:
        return self.payment_status in ("paid", "no_payment_required")


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    data: dict


class PaymentError(Exception):
    """The payment provider refused or could not be reached; the message is for people."""


class InvalidWebhook(Exception):
    pass


class StripeGateway:
    name = "stripe"

    def __init__(self) -> None:
        base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2
        )

    def checkout_create(
        self,
        *,
        order: Order,
        success_url: str,
        cancel_url: str,
        expires_at: datetime,
        idempotency_key: str,
    ) -> CheckoutSession:
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": order.quantity,
                    "price_data": {
                        "currency": order.currency,
                        "unit_amount": order.unit_amount,
                        "product_data": {
                            "name": order.product.name[:250],
                            "description": order.format.name,
                        },
                    },
                }
            ],
            "client_reference_id": str(order.public_id),
            "metadata": {"order_id": str(order.public_id)},
            "payment_intent_data": {"metadata": {"order_id": str(order.public_id)}},
            "customer_email": order.email,
            "success_url": f"{success_url}?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": cancel_url,
            "expires_at": int(expires_at.timestamp()),
        }
        if order.is_physical:
            params["shipping_address_collection"] = {"allowed_countries": sorted(COUNTRIES)}
            params["shipping_options"] = [
                {
                    "shipping_rate_data": {
                        "type": "fixed_amount",
                        "display_name": "Flat-rate shipping",
                        "fixed_amount": {
                            "amount": order.shipping_amount,
                            "currency": order.currency,
                        },
                    }
                }
            ]
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as error:
            logger.warning("Stripe refused a checkout session for %s: %s", order.public_id, error)
            raise PaymentError("We could not reach the payment provider.") from error
        return self._session(session)

    def checkout_retrieve(self, session_id: str) -> CheckoutSession:
        try:
            session = self.client.v1.checkout.sessions.retrieve(session_id)
        except stripe.StripeError as error:
            raise PaymentError("We could not reach the payment provider.") from error
        return self._session(session)

    def checkout_expire(self, session_id: str) -> None:
        try:
            self.client.v1.checkout.sessions.expire(session_id)
        except stripe.InvalidRequestError:
            pass  # already complete or expired
        except stripe.StripeError as error:
            raise PaymentError("We could not reach the payment provider.") from error

    def refund(self, *, payment_intent: str, amount: int, idempotency_key: str) -> str:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": payment_intent, "amount": amount},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise PaymentError(
                f"Stripe refused the refund: {error.user_message or error}"
            ) from error
        return refund.id

    def webhook_event(self, payload: bytes, signature: str) -> WebhookEvent:
        try:
            event = self.client.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise InvalidWebhook(str(error)) from error
        return WebhookEvent(id=event.id, type=event.type, data=event.data.object.to_dict())

    @staticmethod
    def _session(session) -> CheckoutSession:
        data = session.to_dict()
        collected = data.get("collected_information") or {}
        shipping = collected.get("shipping_details") or data.get("shipping_details")
        intent = data.get("payment_intent") or ""
        return CheckoutSession(
            id=data["id"],
            url=data.get("url") or "",
            status=data.get("status") or "open",
            payment_status=data.get("payment_status") or "unpaid",
            order_ref=data.get("client_reference_id")
            or (data.get("metadata") or {}).get("order_id", ""),
            payment_intent=intent if isinstance(intent, str) else intent.get("id", ""),
            shipping=shipping,
        )


class SimulatedGateway:
    """Checkout on our own TEST MODE page, for newcomers and tests; nothing is charged."""

    name = "simulated"

    def checkout_create(
        self,
        *,
        order: Order,
        success_url: str,
        cancel_url: str,
        expires_at: datetime,
        idempotency_key: str,
    ) -> CheckoutSession:
        checkout, _ = SimulatedCheckout.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "session_id": f"cs_sim_{secrets.token_hex(12)}",
                "order": order,
                "amount_total": order.total_amount,
                "currency": order.currency,
                "expires_at": expires_at,
                "success_url": success_url,
                "cancel_url": cancel_url,
            },
        )
        return self._session(checkout)

    def checkout_retrieve(self, session_id: str) -> CheckoutSession:
        checkout = (
            SimulatedCheckout.objects.select_related("order").filter(session_id=session_id).first()
        )
        if checkout is None:
            raise PaymentError("No such checkout session.")
        if checkout.status == "open" and checkout.expires_at <= timezone.now():
            checkout.status = "expired"
            checkout.save(update_fields=["status"])
        return self._session(checkout)

    def checkout_expire(self, session_id: str) -> None:
        SimulatedCheckout.objects.filter(session_id=session_id, status="open").update(
            status="expired"
        )

    def refund(self, *, payment_intent: str, amount: int, idempotency_key: str) -> str:
        updated = SimulatedCheckout.objects.filter(payment_intent_id=payment_intent).update(
            refunded=True
        )
        if not updated:
            raise PaymentError("No simulated payment to refund.")
        return f"re_sim_{payment_intent.removeprefix('pi_sim_')}"

    def webhook_event(self, payload: bytes, signature: str) -> WebhookEvent:
        raise InvalidWebhook("The simulated gateway sends no webhooks.")

    # The TEST MODE page's buttons.

    def simulate_payment(self, session_id: str, *, succeed: bool) -> None:
        checkout = SimulatedCheckout.objects.get(session_id=session_id, status="open")
        checkout.status = "complete"
        checkout.payment_status = "paid" if succeed else "unpaid"
        checkout.payment_intent_id = f"pi_sim_{secrets.token_hex(10)}"
        checkout.save(update_fields=["status", "payment_status", "payment_intent_id"])

    @staticmethod
    def _session(checkout: SimulatedCheckout) -> CheckoutSession:
        return CheckoutSession(
            id=checkout.session_id,
            url=reverse("simulated_checkout", kwargs={"session_id": checkout.session_id}),
            status=checkout.status,
            payment_status=checkout.payment_status,
            order_ref=str(checkout.order.public_id),
            payment_intent=checkout.payment_intent_id,
        )


def get_gateway() -> StripeGateway | SimulatedGateway:
    if settings.PAYMENT_GATEWAY == "stripe":
        return StripeGateway()
    return SimulatedGateway()
