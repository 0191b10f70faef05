"""What the shop asks of a payment provider, and what it gets back.

Every gateway (Stripe Checkout, the TEST MODE checkout) implements `PaymentGateway`. Values go
in and come out as the frozen dataclasses below, never provider objects or our own models, so
the services cannot tell the gateways apart. A gateway raises `PaymentError`, which says whether
trying again later may help; the services turn it into a domain error.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class SessionStatus(StrEnum):
    """A checkout session's life, as Stripe names it."""

    OPEN = "open"
    COMPLETE = "complete"
    EXPIRED = "expired"


class PaymentStatus(StrEnum):
    PAID = "paid"
    UNPAID = "unpaid"
    NO_PAYMENT_REQUIRED = "no_payment_required"


@dataclass(frozen=True)
class CheckoutLine:
    """One line of the provider's page: an artwork in one format, priced by the shop."""

    name: str
    description: str
    quantity: int
    unit_amount: int


@dataclass(frozen=True)
class CheckoutRequest:
    """One order to pay for; amounts in integer minor units, computed by the shop."""

    order_ref: str  # the order's public id, echoed back in `CheckoutSession.order_ref`
    email: str
    lines: tuple[CheckoutLine, ...]
    currency: str
    shipping_amount: int | None  # None: nothing to ship, no address to collect
    allowed_countries: tuple[str, ...]
    success_url: str
    cancel_url: str
    expires_at: datetime

    @property
    def amount_total(self) -> int:
        items = sum(line.unit_amount * line.quantity for line in self.lines)
        return items + (self.shipping_amount or 0)


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: SessionStatus
    payment_status: PaymentStatus
    order_ref: str
    payment_intent: str = ""
    shipping: dict | None = None  # Stripe's shape: {"name": ..., "address": {...}}
    amount_total: int | None = None  # what the session charges, as the provider says
    payment_method: str = ""  # for the receipt, e.g. "Visa ending 4242" or "Card"

    @property
    def is_paid(self) -> bool:
        return self.payment_status in (PaymentStatus.PAID, PaymentStatus.NO_PAYMENT_REQUIRED)


@dataclass(frozen=True)
class RefundRequest:
    payment_intent: str
    amount: int
    reference: str = ""  # our request's key, echoed back in the provider's refund events


@dataclass(frozen=True)
class Refund:
    id: str


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    data: dict  # the event's object, as a plain dict


class PaymentError(Exception):
    """The provider refused or could not be reached.

    `permanent` is True when the same request will fail again (a refused refund, a bad
    parameter); False when a retry later may work (network, rate limit, the provider's 5xx).
    """

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class InvalidWebhook(PaymentError):
    """A webhook whose signature or body does not verify; sending it again will not help."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class PaymentGateway(Protocol):
    """The contract. Calls that create something take an idempotency key: the same key gives
    the same object, so a retried request never makes a second session or refund."""

    name: str

    def checkout_create(
        self, request: CheckoutRequest, *, idempotency_key: str
    ) -> CheckoutSession: ...

    def checkout_retrieve(self, session_id: str) -> CheckoutSession: ...

    def checkout_expire(self, session_id: str) -> None:
        """Close an open session; one already complete or expired is left as it is."""
        ...

    def refund_create(self, request: RefundRequest, *, idempotency_key: str) -> Refund: ...

    def webhook_parse(self, payload: bytes, signature: str) -> WebhookEvent:
        """Verify and decode a webhook; raises InvalidWebhook."""
        ...
