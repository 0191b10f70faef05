"""The payment gateways: Stripe Checkout, or the TEST MODE checkout for offline use.

Only `purchases.services` imports this package; views, the API and the admin go through the
services, which turn a `PaymentError` into a domain error.
"""

from django.conf import settings

from purchases.gateways.contract import (
    CheckoutLine,
    CheckoutRequest,
    CheckoutSession,
    InvalidWebhook,
    PaymentError,
    PaymentGateway,
    PaymentStatus,
    Refund,
    RefundRequest,
    SessionStatus,
    WebhookEvent,
)

__all__ = [
    "CheckoutLine",
    "CheckoutRequest",
    "CheckoutSession",
    "InvalidWebhook",
    "PaymentError",
    "PaymentGateway",
    "PaymentStatus",
    "Refund",
    "RefundRequest",
    "SessionStatus",
    "WebhookEvent",
    "gateway_get",
]


def gateway_get() -> PaymentGateway:
    """The gateway the settings choose (PAYMENT_GATEWAY)."""
    # Imported here: each implementation imports the contract from this package.
    if settings.PAYMENT_GATEWAY == "stripe":
        from purchases.gateways.stripe_checkout import StripeGateway

        return StripeGateway()
    from purchases.testmode.gateway import TestModeGateway

    return TestModeGateway()
