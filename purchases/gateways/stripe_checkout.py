"""Stripe Checkout behind the payment contract."""

import logging

import stripe
from django.conf import settings

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

logger = logging.getLogger(__name__)
UNREACHABLE = "We could not reach the payment provider."


def _error(error: stripe.StripeError, message: str = UNREACHABLE) -> PaymentError:
    """Network trouble, rate limits and Stripe's own 5xx may pass; anything else will not."""
    temporary = (
        isinstance(error, stripe.APIConnectionError | stripe.RateLimitError)
        or (error.http_status or 500) >= 500
    )
    return PaymentError(message, permanent=not temporary)


class StripeGateway:
    name = "stripe"

    def __init__(self) -> None:
        base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2
        )

    def checkout_create(self, request: CheckoutRequest, *, idempotency_key: str) -> CheckoutSession:
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": line.quantity,
                    "price_data": {
                        "currency": request.currency,
                        "unit_amount": line.unit_amount,
                        "product_data": {
                            "name": line.name[:250],
                            "description": line.description[:500],
                        },
                    },
                }
                for line in request.lines
            ],
            "client_reference_id": request.order_ref,
            "metadata": {"order_id": request.order_ref},
            "payment_intent_data": {"metadata": {"order_id": request.order_ref}},
            "customer_email": request.email,
            "success_url": f"{request.success_url}?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": request.cancel_url,
            "expires_at": int(request.expires_at.timestamp()),
        }
        if request.shipping_amount is not None:
            params["shipping_address_collection"] = {
                "allowed_countries": sorted(request.allowed_countries)
            }
            params["shipping_options"] = [
                {
                    "shipping_rate_data": {
                        "type": "fixed_amount",
                        "display_name": "Flat-rate shipping",
                        "fixed_amount": {
                            "amount": request.shipping_amount,
                            "currency": request.currency,
                        },
                    }
                }
            ]
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as error:
            logger.warning("Stripe refused a checkout session for %s: %s", request.order_ref, error)
            raise _error(error) from error
        return self._session(session)

    def checkout_retrieve(self, session_id: str) -> CheckoutSession:
        try:
            # The charge tells the receipt how the shopper paid (card brand and last digits).
            session = self.client.v1.checkout.sessions.retrieve(
                session_id, params={"expand": ["payment_intent.latest_charge"]}
            )
        except stripe.StripeError as error:
            raise _error(error) from error
        return self._session(session)

    def checkout_expire(self, session_id: str) -> None:
        try:
            self.client.v1.checkout.sessions.expire(session_id)
        except stripe.InvalidRequestError:
            pass  # already complete or expired
        except stripe.StripeError as error:
            raise _error(error) from error

    def refund_create(self, request: RefundRequest, *, idempotency_key: str) -> Refund:
        try:
            refund = self.client.v1.refunds.create(
                params={
                    "payment_intent": request.payment_intent,
                    "amount": request.amount,
                    "metadata": {"refund_key": request.reference},
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise _error(
                error, f"Stripe refused the refund: {error.user_message or error}"
            ) from error
        return Refund(id=refund.id)

    def webhook_parse(self, payload: bytes, signature: str) -> WebhookEvent:
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
            status=SessionStatus(data.get("status") or "open"),
            payment_status=PaymentStatus(data.get("payment_status") or "unpaid"),
            order_ref=data.get("client_reference_id")
            or (data.get("metadata") or {}).get("order_id", ""),
            payment_intent=intent if isinstance(intent, str) else intent.get("id", ""),
            shipping=shipping,
            amount_total=data.get("amount_total"),
            payment_method=_payment_method(intent, data.get("payment_method_types") or []),
        )


def _payment_method(intent, types: list[str]) -> str:
    """ "Visa ending 4242" from an expanded charge, else the method's kind ('Card')."""
    charge = intent.get("latest_charge") if isinstance(intent, dict) else None
    details = (charge or {}).get("payment_method_details") if isinstance(charge, dict) else None
    card = (details or {}).get("card") or {}
    if card.get("brand") and card.get("last4"):
        return f"{card['brand'].title()} ending {card['last4']}"
    return types[0].replace("_", " ").capitalize() if types else ""
