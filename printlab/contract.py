"""What the shop asks of a print lab, and what it gets back.

Every lab (Prodigi's Print API v4, the simulated lab) implements `LabGateway`. Values go in and
come out as the frozen dataclasses below, never HTTP bodies or our own models, so the shop
cannot tell the labs apart. The names follow Prodigi's, the lab this contract was written
against. A lab raises `LabError`, which says whether trying again later may help.

Lab order ids, item references and event ids are the lab's strings; our own order and item
references travel as `merchant_reference` and come back unchanged.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class ShippingMethod(StrEnum):
    BUDGET = "Budget"
    STANDARD = "Standard"
    EXPRESS = "Express"
    OVERNIGHT = "Overnight"


class Sizing(StrEnum):
    """How the lab fits the picture to the print area: the shopper's crop or fit choice."""

    FILL = "fillPrintArea"  # centred and cropped to the print area's shape (the lab's default)
    FIT = "fitPrintArea"  # the whole picture, with white margins
    STRETCH = "stretchToPrintArea"  # squashed or stretched to the print area


class LabStage(StrEnum):
    """An order's overall stage, as Prodigi names it. Other values may come: keep them as text."""

    IN_PROGRESS = "InProgress"
    COMPLETE = "Complete"  # every shipment has been sent
    CANCELLED = "Cancelled"
    ON_HOLD = "OnHold"  # in the lab's pause window
    AWAITING_PAYMENT = "AwaitingPayment"


class StepState(StrEnum):
    """The state of each step in `LabStatusDetails`."""

    NOT_STARTED = "NotStarted"
    IN_PROGRESS = "InProgress"
    COMPLETE = "Complete"
    ERROR = "Error"  # see the order's issues


class ShipmentStatus(StrEnum):
    PROCESSING = "Processing"
    SHIPPED = "Shipped"
    CANCELLED = "Cancelled"
    # Prodigi's v4 reference reports no delivery; only the simulated lab says this.
    DELIVERED = "Delivered"


# Requests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabRecipient:
    name: str
    email: str
    phone: str
    line1: str
    line2: str
    town: str
    state: str
    postal_code: str
    country_code: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class LabAsset:
    """One image file of an item: the lab downloads `url` and checks it against `md5`."""

    url: str
    md5: str
    print_area: str = "default"


@dataclass(frozen=True)
class LabItem:
    merchant_reference: str  # our order item's reference, echoed back on shipments
    sku: str
    copies: int
    sizing: Sizing
    assets: tuple[LabAsset, ...]
    attributes: Mapping[str, str] = field(default_factory=dict)  # e.g. {"color": "black"}


@dataclass(frozen=True)
class LabOrderRequest:
    merchant_reference: str  # our order's reference
    idempotency_key: str  # one per paid order, never reused: the same key gives the same order
    callback_url: str  # "" for none
    shipping_method: ShippingMethod
    recipient: LabRecipient
    items: tuple[LabItem, ...]


@dataclass(frozen=True)
class LabQuoteItem:
    sku: str
    copies: int
    attributes: Mapping[str, str] = field(default_factory=dict)
    print_areas: tuple[str, ...] = ("default",)


# Answers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabStatusDetails:
    """The lab's steps, each a `StepState`."""

    download_assets: str = StepState.NOT_STARTED
    print_ready_assets_prepared: str = StepState.NOT_STARTED
    allocate_production_location: str = StepState.NOT_STARTED
    in_production: str = StepState.NOT_STARTED
    shipping: str = StepState.NOT_STARTED


@dataclass(frozen=True)
class LabIssue:
    """A problem the lab reports on an order or an item, e.g. an asset it could not download."""

    object_id: str  # the lab's order (ord_...) or item (ori_...) id
    error_code: str  # e.g. "order.items.assets.FailedToDownloaded"
    description: str


@dataclass(frozen=True)
class LabShipment:
    """One parcel. `item_refs` are our items' merchant references (the lab's ids when missing)."""

    id: str
    status: str  # a ShipmentStatus
    carrier: str
    service: str
    tracking_number: str
    tracking_url: str
    dispatched_at: datetime | None
    item_refs: tuple[str, ...]
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class LabOrder:
    id: str
    merchant_reference: str
    stage: str  # a LabStage
    details: LabStatusDetails
    issues: tuple[LabIssue, ...]
    shipments: tuple[LabShipment, ...]
    outcome: str  # the lab's word for what this request did: Created, AlreadyExists, Ok, ...
    trace_parent: str  # the lab's request id, for its support desk
    shipping_method: str = ""
    idempotency_key: str = ""

    @property
    def has_issues(self) -> bool:
        return bool(self.issues)

    @property
    def is_shipped(self) -> bool:
        """Every parcel has left the lab (Prodigi's stage Complete)."""
        return self.stage == LabStage.COMPLETE

    @property
    def is_delivered(self) -> bool:
        """Every parcel has arrived; only a lab that reports delivery ever says so."""
        return bool(self.shipments) and all(
            s.status == ShipmentStatus.DELIVERED
            for s in self.shipments
            if s.status != ShipmentStatus.CANCELLED
        )


@dataclass(frozen=True)
class LabActions:
    """What the lab still allows on an order; ask before cancelling or changing the address."""

    can_cancel: bool
    can_update_recipient: bool
    can_update_shipping_method: bool
    can_update_metadata: bool
    trace_parent: str = ""


@dataclass(frozen=True)
class LabQuote:
    """The lab's price for a basket with one shipping method, in `currency` (ISO, upper case)."""

    shipping_method: str
    items_cost: Decimal
    shipping_cost: Decimal
    currency: str


@dataclass(frozen=True)
class LabVariant:
    attributes: Mapping[str, str]
    ships_to: tuple[str, ...]
    print_area_sizes: Mapping[str, tuple[int, int]]  # print area -> (width px, height px)


@dataclass(frozen=True)
class LabProduct:
    sku: str
    description: str
    attributes: Mapping[str, tuple[str, ...]]  # attribute -> the values it may take
    variants: tuple[LabVariant, ...]

    def print_area_size(
        self, attributes: Mapping[str, str] | None = None, print_area: str = "default"
    ) -> tuple[int, int] | None:
        """The pixel size the lab wants for a print area of the variant with these attributes
        (the first variant that matches them all); None when no variant knows it."""
        wanted = attributes or {}
        for variant in self.variants:
            if all(variant.attributes.get(k) == v for k, v in wanted.items()):
                size = variant.print_area_sizes.get(print_area)
                if size:
                    return size
        return None


class LabError(Exception):
    """The lab refused or could not be reached.

    `permanent` is True when the same request will fail again (a refused order, an unknown
    SKU, an action the lab no longer allows, a bad key); False when a retry later may work
    (network, timeout, the lab's 5xx or rate limit). `message` is the lab's own words where it
    gave any, fit to show managers. `outcome` is the lab's outcome code when it sent one.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        outcome: str = "",
        trace_parent: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.outcome = outcome
        self.trace_parent = trace_parent
        self.retry_after = retry_after  # seconds the lab asked us to wait, when it said


class LabNotConfigured(LabError):
    """LAB_BACKEND is "none": managers fulfil prints by hand."""

    def __init__(self) -> None:
        super().__init__("No print lab is configured.", permanent=True)


class LabGateway(Protocol):
    """The contract. `order_create` is safe to repeat: the same idempotency key gives the same
    lab order (outcome AlreadyExists), so a retried submission never prints twice."""

    name: str

    def order_create(self, request: LabOrderRequest) -> LabOrder: ...

    def order_get(self, lab_order_id: str) -> LabOrder: ...

    def actions_get(self, lab_order_id: str) -> LabActions: ...

    def order_cancel(self, lab_order_id: str) -> LabOrder:
        """Cancel the whole order; LabError (permanent) when the lab no longer allows it."""
        ...

    def recipient_update(self, lab_order_id: str, recipient: LabRecipient) -> LabOrder:
        """Change the address; LabError (permanent) when the lab no longer allows it."""
        ...

    def quote(
        self,
        items: Sequence[LabQuoteItem],
        *,
        country_code: str,
        shipping_method: ShippingMethod | None = None,
        currency: str = "",
    ) -> tuple[LabQuote, ...]:
        """One quote per shipping method (only the one asked for, when given)."""
        ...

    def product_get(self, sku: str) -> LabProduct: ...
