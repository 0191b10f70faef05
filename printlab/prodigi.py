"""Prodigi's Print API v4 behind the lab contract.

Written against Prodigi's v4 reference (https://www.prodigi.com/print-api/docs/reference/):
JSON over HTTPS with an `X-API-Key` header, a sandbox and a live base URL with separate keys,
an `outcome` on every answer and a `traceParent` request id (also sent as a response header).

Retries stay small and only where a repeat cannot do harm: reads, quotes, and order creation,
which carries our idempotency key (Prodigi answers a repeat with outcome AlreadyExists and the
first order). Actions (cancel, update recipient) are retried only when the connection never
opened, because a lost answer would turn a done cancellation into "not available". Longer
back-off belongs to the task that called us.
"""

import logging
import time
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from urllib.parse import quote as url_quote

import httpx2
from django.conf import settings
from django.utils.dateparse import parse_datetime

from printlab.contract import (
    LabActions,
    LabError,
    LabIssue,
    LabOrder,
    LabOrderRequest,
    LabProduct,
    LabQuote,
    LabQuoteItem,
    LabRecipient,
    LabShipment,
    LabStatusDetails,
    LabVariant,
    ShippingMethod,
)

logger = logging.getLogger(__name__)

SANDBOX_URL = "https://api.sandbox.prodigi.com/v4.0/"
LIVE_URL = "https://api.prodigi.com/v4.0/"
LAB = "Prodigi"
# Outcomes that come with HTTP 200 yet mean the request did nothing.
REFUSED_OUTCOMES = {"FailedToCancel", "ActionNotAvailable", "FailedToUpdate"}


class ProdigiLab:
    name = "prodigi"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        retry_seconds: float | None = None,
    ) -> None:
        self.api_key = api_key if api_key is not None else settings.PRODIGI_API_KEY
        default = SANDBOX_URL if settings.PRODIGI_SANDBOX else LIVE_URL
        self.base_url = (base_url or settings.PRODIGI_API_BASE or default).rstrip("/") + "/"
        self.timeout = timeout if timeout is not None else settings.PRODIGI_TIMEOUT
        self.retries = retries if retries is not None else settings.PRODIGI_RETRIES
        self.retry_seconds = (
            retry_seconds if retry_seconds is not None else settings.PRODIGI_RETRY_SECONDS
        )

    # The contract ---------------------------------------------------------------------------

    def order_create(self, request: LabOrderRequest) -> LabOrder:
        body = self._call("POST", "orders", json=order_body(request), repeatable=True)
        return self._order(body)

    def order_get(self, lab_order_id: str) -> LabOrder:
        return self._order(self._call("GET", f"orders/{_segment(lab_order_id)}"))

    def actions_get(self, lab_order_id: str) -> LabActions:
        body = self._call("GET", f"orders/{_segment(lab_order_id)}/actions")

        def available(name: str) -> bool:
            return str((body.get(name) or {}).get("isAvailable", "")).lower() == "yes"

        return LabActions(
            can_cancel=available("cancel"),
            can_update_recipient=available("changeRecipientDetails"),
            can_update_shipping_method=available("changeShippingMethod"),
            can_update_metadata=available("changeMetaData"),
            trace_parent=body["traceParent"],
        )

    def order_cancel(self, lab_order_id: str) -> LabOrder:
        path = f"orders/{_segment(lab_order_id)}/actions/cancel"
        return self._order(self._call("POST", path, json={}, repeatable=False))

    def recipient_update(self, lab_order_id: str, recipient: LabRecipient) -> LabOrder:
        path = f"orders/{_segment(lab_order_id)}/actions/updateRecipient"
        body = self._call("POST", path, json=recipient_body(recipient), repeatable=False)
        return self._order(body)

    def quote(
        self,
        items: Sequence[LabQuoteItem],
        *,
        country_code: str,
        shipping_method: ShippingMethod | None = None,
        currency: str = "",
    ) -> tuple[LabQuote, ...]:
        payload: dict = {
            "destinationCountryCode": country_code.upper(),
            "items": [
                {
                    "sku": item.sku,
                    "copies": item.copies,
                    "attributes": dict(item.attributes),
                    "assets": [{"printArea": area} for area in item.print_areas],
                }
                for item in items
            ],
        }
        if shipping_method:
            payload["shippingMethod"] = str(shipping_method)
        if currency:
            payload["currencyCode"] = currency.upper()
        body = self._call("POST", "quotes", json=payload, repeatable=True)  # it changes nothing
        try:
            return tuple(
                LabQuote(
                    shipping_method=quote["shipmentMethod"],
                    items_cost=_amount(quote["costSummary"]["items"]),
                    shipping_cost=_amount(quote["costSummary"]["shipping"]),
                    currency=str(quote["costSummary"]["items"]["currency"]).upper(),
                )
                for quote in body.get("quotes") or []
            )
        except (KeyError, TypeError, InvalidOperation) as error:
            raise _unreadable(body, error) from error

    def product_get(self, sku: str) -> LabProduct:
        body = self._call("GET", f"products/{_segment(sku)}")
        try:
            product = body["product"]
            return LabProduct(
                sku=product["sku"],
                description=product.get("description") or "",
                attributes={k: tuple(v) for k, v in (product.get("attributes") or {}).items()},
                variants=tuple(
                    LabVariant(
                        attributes=dict(variant.get("attributes") or {}),
                        ships_to=tuple(variant.get("shipsTo") or ()),
                        print_area_sizes={
                            area: (
                                int(size["horizontalResolution"]),
                                int(size["verticalResolution"]),
                            )
                            for area, size in (variant.get("printAreaSizes") or {}).items()
                        },
                    )
                    for variant in product.get("variants") or []
                ),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise _unreadable(body, error) from error

    # HTTP ---------------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, *, json: dict | None = None, repeatable: bool = True
    ) -> dict:
        """One request with its quick retries; the decoded body, its `traceParent` always set.

        A request that is not `repeatable` is tried again only when it never left us.
        """
        attempts = 1 + max(0, self.retries)
        headers = {"X-API-Key": self.api_key, "Accept": "application/json"}
        timeout = httpx2.Timeout(self.timeout, connect=min(self.timeout, 10.0))
        with httpx2.Client(base_url=self.base_url, headers=headers, timeout=timeout) as client:
            for attempt in range(1, attempts + 1):
                try:
                    return _attempt(client, method, path, json)
                except LabError as error:
                    again = not error.permanent and (repeatable or isinstance(error, _NotSent))
                    if not again or attempt == attempts:
                        raise
                    logger.warning("%s %s %s, try %d: %s", LAB, method, path, attempt, error)
                    wait = error.retry_after or self.retry_seconds * 2 ** (attempt - 1)
                    time.sleep(min(wait, 30))
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _order(self, body: dict) -> LabOrder:
        try:
            return order_of(
                body["order"], outcome=body.get("outcome") or "", trace=body["traceParent"]
            )
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise _unreadable(body, error) from error


class _NotSent(LabError):
    """The connection never opened: nothing reached the lab, so any request may be repeated."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=False)


def _attempt(client: httpx2.Client, method: str, path: str, json: dict | None) -> dict:
    try:
        response = client.request(method, path, json=json)
    except (httpx2.ConnectError, httpx2.ConnectTimeout) as error:
        raise _NotSent(f"We could not reach {LAB}.") from error
    except httpx2.TimeoutException as error:
        raise LabError(f"{LAB} did not answer in time.", permanent=False) from error
    except httpx2.TransportError as error:
        raise LabError(f"The connection to {LAB} failed.", permanent=False) from error
    return _answer(response)


def _answer(response: httpx2.Response) -> dict:
    """The body of a successful answer; a LabError that says whether a retry may help."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    readable = isinstance(body, dict)
    if not readable:
        body = {}
    trace = str(body.get("traceParent") or response.headers.get("traceparent") or "")
    body["traceParent"] = trace
    outcome = str(body.get("outcome") or "")
    if status == 429 or status >= 500:
        raise LabError(
            f"{LAB} is unavailable (HTTP {status}{', ' + outcome if outcome else ''}).",
            permanent=False,
            outcome=outcome,
            trace_parent=trace,
            retry_after=_retry_after(response),
        )
    if status in (401, 403):
        raise LabError(
            f"{LAB} refused our API key (HTTP {status}): check PRODIGI_API_KEY and "
            "PRODIGI_SANDBOX (sandbox and live keys differ).",
            permanent=True,
            outcome=outcome,
            trace_parent=trace,
        )
    if status >= 400 or outcome in REFUSED_OUTCOMES:
        raise LabError(
            f"{LAB} refused it: {lab_message(body, status)}",
            permanent=True,
            outcome=outcome,
            trace_parent=trace,
        )
    if not readable:
        raise LabError(
            f"{LAB} sent an answer we cannot read (HTTP {status}).",
            permanent=False,
            trace_parent=trace,
        )
    return body


def lab_message(body: dict, status: int) -> str:
    """Prodigi's own words: its outcome, then each failing field with its code.

    `providedValue` is left out on purpose: it echoes the shopper's address or e-mail.
    """
    parts = [str(body.get("outcome") or body.get("statusText") or f"HTTP {status}")]
    failures = body.get("failures")
    if isinstance(failures, dict):
        for field_name, problems in failures.items():
            for problem in problems if isinstance(problems, list) else [problems]:
                if isinstance(problem, dict):
                    words = problem.get("description") or problem.get("code") or ""
                else:
                    words = str(problem)
                parts.append(f"{field_name}: {words}".strip(": "))
    elif body.get("statusText") and body.get("outcome"):
        parts.append(str(body["statusText"]))
    return "; ".join(parts)[:1000]


def _retry_after(response: httpx2.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.replace(".", "", 1).isdigit() else None


def _unreadable(body: dict, error: Exception) -> LabError:
    logger.warning("Unreadable answer from %s: %r", LAB, error)
    return LabError(
        f"{LAB} sent an answer we cannot read.",
        permanent=False,
        trace_parent=str(body.get("traceParent") or ""),
    )


def _segment(value: str) -> str:
    return url_quote(value, safe="")


def _amount(cost: dict) -> Decimal:
    return Decimal(str(cost["amount"]))


# Our values to Prodigi's JSON and back ---------------------------------------------------


def recipient_body(recipient: LabRecipient) -> dict:
    return {
        "name": recipient.name,
        "email": recipient.email or None,
        "phoneNumber": recipient.phone or None,
        "address": {
            "line1": recipient.line1,
            "line2": recipient.line2 or None,
            "postalOrZipCode": recipient.postal_code,
            "countryCode": recipient.country_code.upper(),
            "townOrCity": recipient.town,
            "stateOrCounty": recipient.state or None,
        },
    }


def order_body(request: LabOrderRequest) -> dict:
    body = {
        "merchantReference": request.merchant_reference,
        "idempotencyKey": request.idempotency_key,
        "shippingMethod": str(request.shipping_method),
        "recipient": recipient_body(request.recipient),
        "items": [
            {
                "merchantReference": item.merchant_reference,
                "sku": item.sku,
                "copies": item.copies,
                "sizing": str(item.sizing),
                "attributes": dict(item.attributes),
                "assets": [
                    {"printArea": asset.print_area, "url": asset.url, "md5Hash": asset.md5}
                    for asset in item.assets
                ],
            }
            for item in request.items
        ],
    }
    if request.callback_url:
        body["callbackUrl"] = request.callback_url
    return body


def order_of(order: dict, *, outcome: str, trace: str) -> LabOrder:
    """A Prodigi order object as a LabOrder; shipments name our items' references."""
    status = order.get("status") or {}
    details = status.get("details") or {}
    references = {
        item["id"]: item.get("merchantReference") or item["id"] for item in order.get("items") or []
    }
    return LabOrder(
        id=order["id"],
        merchant_reference=order.get("merchantReference") or "",
        stage=status.get("stage") or "",
        details=LabStatusDetails(
            download_assets=details.get("downloadAssets") or "NotStarted",
            print_ready_assets_prepared=details.get("printReadyAssetsPrepared") or "NotStarted",
            allocate_production_location=details.get("allocateProductionLocation") or "NotStarted",
            in_production=details.get("inProduction") or "NotStarted",
            shipping=details.get("shipping") or "NotStarted",
        ),
        issues=tuple(
            LabIssue(
                object_id=issue.get("objectId") or "",
                error_code=issue.get("errorCode") or "",
                description=issue.get("description") or "",
            )
            for issue in status.get("issues") or []
        ),
        shipments=tuple(shipment_of(s, references) for s in order.get("shipments") or []),
        outcome=outcome,
        trace_parent=trace,
        shipping_method=order.get("shippingMethod") or "",
        idempotency_key=order.get("idempotencyKey") or "",
    )


def shipment_of(shipment: dict, references: dict[str, str]) -> LabShipment:
    carrier = shipment.get("carrier") or {}
    tracking = shipment.get("tracking") or {}
    dispatched = shipment.get("dispatchDate")
    return LabShipment(
        id=shipment.get("id") or "",
        status=shipment.get("status") or "",
        carrier=carrier.get("name") or "",
        service=carrier.get("service") or "",
        tracking_number=tracking.get("number") or "",
        tracking_url=tracking.get("url") or "",
        dispatched_at=parse_datetime(dispatched) if dispatched else None,
        item_refs=tuple(
            references.get(item.get("itemId"), item.get("itemId") or "")
            for item in shipment.get("items") or []
        ),
    )
