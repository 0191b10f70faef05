"""The Prodigi client against a local fake of Prodigi's HTTP API (and respx for odd answers)."""

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import httpx
import pytest
import respx

from printlab.contract import LabError, LabQuoteItem, LabStage, ShippingMethod, Sizing
from printlab.gateways import lab_get
from printlab.prodigi import LIVE_URL, SANDBOX_URL, ProdigiLab
from tests.printlab.conftest import RECIPIENT, order_request, png_bytes, print_item
from tests.printlab.fake_prodigi import API_KEY, md5


def test_an_order_is_sent_as_prodigi_documents_it(prodigi, master):
    """POST /orders carries the key header, JSON, our references and the asset with its md5."""
    url, digest = master
    request = order_request(
        print_item(url, digest, sizing=Sizing.FIT, copies=2),
        key="paid-order-7",
        callback_url="https://shop.example/lab/callbacks/s3cret/",
    )
    order = lab_get().order_create(request)

    assert order.outcome == "Created"
    assert order.id.startswith("ord_")
    assert order.stage == LabStage.IN_PROGRESS
    assert order.merchant_reference == "AG-1001"
    assert order.trace_parent.startswith("00-")
    (call,) = prodigi.calls("POST", "/v4.0/orders")
    assert call["headers"]["x-api-key"] == API_KEY
    assert call["headers"]["content-type"] == "application/json"
    body = call["body"]
    assert body["idempotencyKey"] == "paid-order-7"
    assert body["callbackUrl"] == "https://shop.example/lab/callbacks/s3cret/"
    assert body["shippingMethod"] == "Standard"
    assert body["recipient"]["address"] == {
        "line1": "110 Sejong-daero",
        "line2": None,
        "postalOrZipCode": "04524",
        "countryCode": "KR",
        "townOrCity": "Seoul",
        "stateOrCounty": "Jung-gu",
    }
    assert body["recipient"]["phoneNumber"] == "+82 2 120"
    (item,) = body["items"]
    assert item["sizing"] == "fitPrintArea"
    assert item["copies"] == 2
    assert item["assets"] == [{"printArea": "default", "url": url, "md5Hash": digest}]


def test_the_same_idempotency_key_twice_makes_one_lab_order(prodigi, master):
    """A repeated submission gets the first order back (AlreadyExists), never a second print."""
    request = order_request(print_item(*master), key="paid-order-8")
    lab = lab_get()
    first = lab.order_create(request)
    second = lab.order_create(request)

    assert second.outcome == "AlreadyExists"
    assert second.id == first.id
    assert len(prodigi.orders) == 1


def test_a_timeout_then_the_retry_with_the_same_key_makes_one_order(prodigi, master):
    """Prodigi takes the order but answers too late; the client's retry finds that order."""
    prodigi.stall_next(2.5)  # past the 1 s timeout
    order = lab_get().order_create(order_request(print_item(*master), key="paid-order-9"))

    assert len(prodigi.calls("POST", "/v4.0/orders")) == 2
    assert len(prodigi.orders) == 1
    assert order.id in prodigi.orders
    assert order.outcome == "AlreadyExists"


def test_a_timeout_without_retries_is_temporary_and_the_next_submission_finds_the_order(
    prodigi, master
):
    """With no quick retry left the task sees a temporary error; its own retry makes no twin."""
    lab = ProdigiLab(retries=0)
    request = order_request(print_item(*master), key="paid-order-10")
    prodigi.stall_next(2.5)
    with pytest.raises(LabError) as caught:
        lab.order_create(request)
    assert not caught.value.permanent
    assert "did not answer in time" in caught.value.message

    order = lab.order_create(request)
    assert order.outcome == "AlreadyExists"
    assert len(prodigi.orders) == 1


def test_a_refusal_is_permanent_and_carries_the_labs_words(prodigi, master):
    """An unknown SKU: Prodigi's ValidationFailed, its field and description, no retry."""
    request = order_request(print_item(*master, sku="GLOBAL-NOPE-1X1"))
    with pytest.raises(LabError) as caught:
        lab_get().order_create(request)

    error = caught.value
    assert error.permanent
    assert error.outcome == "ValidationFailed"
    assert error.message == (
        "Prodigi refused it: ValidationFailed; items[0].sku: Sku 'GLOBAL-NOPE-1X1' is not available"
    )
    assert error.trace_parent.startswith("00-")
    assert len(prodigi.calls("POST", "/v4.0/orders")) == 1
    assert prodigi.orders == {}


def test_field_failures_name_the_field_but_never_echo_the_shoppers_data(prodigi, master):
    """Prodigi's `providedValue` (an address, an e-mail) stays out of the message."""
    prodigi.refuse_next(
        {
            "recipient.address.postalOrZipCode": [
                {"code": "MustBeAValidUSZipCodeFormat", "providedValue": "90210-secret"}
            ]
        }
    )
    with pytest.raises(LabError) as caught:
        lab_get().order_create(order_request(print_item(*master)))
    assert caught.value.permanent
    assert "recipient.address.postalOrZipCode: MustBeAValidUSZipCodeFormat" in caught.value.message
    assert "90210-secret" not in caught.value.message


def test_an_expired_asset_url_is_refused(prodigi, asset_host):
    """The lab downloads the master; a signed URL that has expired gets the order refused."""
    data = png_bytes("orange")
    url = asset_host.put(data, expires_in=-1)
    with pytest.raises(LabError) as caught:
        lab_get().order_create(order_request(print_item(url, md5(data))))

    assert caught.value.permanent
    assert "items[0].assets[0].url" in caught.value.message
    assert "HTTP 403" in caught.value.message
    assert prodigi.orders == {}


def test_a_master_that_does_not_match_its_md5_is_refused(prodigi, asset_host):
    """The lab checks what it downloaded against md5Hash."""
    url = asset_host.put(png_bytes("red"))
    with pytest.raises(LabError) as caught:
        lab_get().order_create(order_request(print_item(url, md5(b"another file"))))
    assert caught.value.permanent
    assert "does not match its md5Hash" in caught.value.message


def test_a_failed_download_reported_later_arrives_as_an_issue(prodigi, asset_host):
    """As Prodigi really does: the order is created, and the asset failure is an issue on it."""
    prodigi.asset_failures = "issues"
    url = asset_host.put(png_bytes(), expires_in=-1)
    order = lab_get().order_create(order_request(print_item(url, "0" * 32)))

    assert order.outcome == "CreatedWithIssues"
    assert order.has_issues
    (issue,) = order.issues
    assert issue.error_code == "order.items.assets.FailedToDownloaded"
    assert "HTTP 403" in issue.description
    assert order.details.download_assets == "Error"


def test_an_order_shipped_in_two_parcels_reads_back_with_tracking(prodigi, asset_host):
    """GET /orders/{id}: each parcel with carrier, tracking and our items' references."""
    data = png_bytes()
    urls = [asset_host.put(data) for _ in range(3)]
    request = order_request(
        print_item(urls[0], md5(data), ref="AG-1001-1"),
        print_item(urls[1], md5(data), ref="AG-1001-2", sku="GLOBAL-FAP-8X8"),
        print_item(
            urls[2],
            md5(data),
            ref="AG-1001-3",
            sku="GLOBAL-CAN-10X10",
            attributes={"wrap": "Black"},
        ),
    )
    lab = lab_get()
    created = lab.order_create(request)
    prodigi.produce(created.id)
    prodigi.ship(created.id, ["AG-1001-1", "AG-1001-2"], carrier="DHL", tracking="JD0001")

    partly = lab.order_get(created.id)
    assert partly.stage == LabStage.IN_PROGRESS
    assert partly.details.shipping == "InProgress"
    (first,) = partly.shipments
    assert (first.carrier, first.service, first.tracking_number) == ("DHL", "DHL Express", "JD0001")
    assert first.tracking_url == "https://track.example/JD0001"
    assert first.item_refs == ("AG-1001-1", "AG-1001-2")
    assert isinstance(first.dispatched_at, datetime)

    prodigi.ship(created.id, ["AG-1001-3"], carrier="Royal Mail", tracking="RM0002")
    done = lab.order_get(created.id)
    assert done.stage == LabStage.COMPLETE
    assert done.is_shipped
    assert not done.is_delivered  # Prodigi does not report delivery
    assert [s.tracking_number for s in done.shipments] == ["JD0001", "RM0002"]
    assert done.shipments[1].item_refs == ("AG-1001-3",)


def test_cancel_is_asked_first_and_refused_once_printing_started(prodigi, master):
    """actions says what is allowed; a cancel the lab no longer allows is a permanent error."""
    lab = lab_get()
    order = lab.order_create(order_request(print_item(*master)))
    actions = lab.actions_get(order.id)
    assert actions.can_cancel and actions.can_update_recipient

    prodigi.produce(order.id)
    actions = lab.actions_get(order.id)
    assert not actions.can_cancel
    assert not actions.can_update_recipient
    assert actions.can_update_metadata
    with pytest.raises(LabError) as caught:
        lab.order_cancel(order.id)
    assert caught.value.permanent
    assert caught.value.outcome == "ActionNotAvailable"
    assert prodigi.orders[order.id]["status"]["stage"] == "InProgress"


def test_cancel_before_production(prodigi, master):
    """While the lab allows it, the whole order is cancelled."""
    lab = lab_get()
    order = lab.order_create(order_request(print_item(*master)))
    cancelled = lab.order_cancel(order.id)
    assert cancelled.outcome == "Cancelled"
    assert cancelled.stage == LabStage.CANCELLED
    assert len(prodigi.calls("POST", f"/v4.0/orders/{order.id}/actions/cancel")) == 1


def test_an_action_is_not_repeated_after_a_server_error(prodigi, master):
    """A cancel whose answer was lost may have worked: it is tried once, the error is temporary."""
    lab = lab_get()
    order = lab.order_create(order_request(print_item(*master)))
    prodigi.fail_next(500)
    with pytest.raises(LabError) as caught:
        lab.order_cancel(order.id)
    assert not caught.value.permanent
    assert len(prodigi.calls("POST", f"/v4.0/orders/{order.id}/actions")) == 1


def test_the_address_is_changed_while_the_lab_allows_it(prodigi, master):
    lab = lab_get()
    order = lab.order_create(order_request(print_item(*master)))
    moved = replace(RECIPIENT, line1="24 Insadong-gil")
    updated = lab.recipient_update(order.id, moved)
    assert updated.outcome == "Updated"
    assert prodigi.orders[order.id]["recipient"]["address"]["line1"] == "24 Insadong-gil"

    prodigi.produce(order.id)
    with pytest.raises(LabError) as caught:
        lab.recipient_update(order.id, RECIPIENT)
    assert caught.value.permanent
    assert caught.value.outcome == "ActionNotAvailable"


def test_a_quote_per_shipping_method(prodigi):
    """POST /quotes: item and shipping costs for each method, or for the one asked for."""
    items = [LabQuoteItem(sku="GLOBAL-FAP-12X12", copies=2)]
    quotes = lab_get().quote(items, country_code="kr", currency="usd")
    assert [q.shipping_method for q in quotes] == ["Budget", "Standard", "Express", "Overnight"]
    standard = quotes[1]
    assert (standard.items_cost, standard.shipping_cost, standard.currency) == (
        Decimal("22.80"),
        Decimal("6.95"),
        "USD",
    )
    body = prodigi.calls("POST", "/v4.0/quotes")[0]["body"]
    assert body["destinationCountryCode"] == "KR"
    assert body["currencyCode"] == "USD"
    assert body["items"] == [
        {
            "sku": "GLOBAL-FAP-12X12",
            "copies": 2,
            "attributes": {},
            "assets": [{"printArea": "default"}],
        }
    ]

    (express,) = lab_get().quote(items, country_code="KR", shipping_method=ShippingMethod.EXPRESS)
    assert express.shipping_cost == Decimal("14.95")


def test_a_products_print_area_size_per_variant(prodigi):
    """GET /products/{sku}: the pixel size the lab wants, per variant."""
    product = lab_get().product_get("GLOBAL-CAN-10X10")
    assert product.attributes["wrap"] == ("Black", "ImageWrap", "MirrorWrap", "White")
    assert product.print_area_size({"wrap": "ImageWrap"}) == (2137, 2137)
    assert product.print_area_size({"wrap": "Black"}) == (1522, 1522)
    assert product.print_area_size({"wrap": "Gold"}) is None
    assert lab_get().product_get("GLOBAL-FAP-8X8").print_area_size() == (2400, 2400)


def test_an_unknown_product_or_order_is_a_permanent_error(prodigi):
    with pytest.raises(LabError) as caught:
        lab_get().product_get("GLOBAL-NOPE-1X1")
    assert caught.value.permanent and caught.value.outcome == "EntityNotFound"
    with pytest.raises(LabError) as caught:
        lab_get().order_get("ord_404")
    assert caught.value.permanent
    assert "Order ord_404 not found" in caught.value.message


def test_a_wrong_key_is_permanent_and_says_which_setting(prodigi, settings):
    settings.PRODIGI_API_KEY = "wrong"
    with pytest.raises(LabError) as caught:
        lab_get().order_get("ord_1")
    assert caught.value.permanent
    assert "PRODIGI_API_KEY" in caught.value.message
    assert len(prodigi.requests) == 1


def test_a_server_error_on_a_read_is_retried(prodigi, master):
    """Reads are safe to repeat: one 500 and the second try answers."""
    order = lab_get().order_create(order_request(print_item(*master)))
    prodigi.fail_next(500)
    assert lab_get().order_get(order.id).id == order.id
    assert len(prodigi.calls("GET", f"/v4.0/orders/{order.id}")) == 2


def test_the_lab_down_for_every_try_is_a_temporary_error(prodigi):
    prodigi.fail_next(503, outcome="TimedOut", times=3)
    with pytest.raises(LabError) as caught:
        lab_get().product_get("GLOBAL-FAP-8X8")
    assert not caught.value.permanent
    assert caught.value.message == "Prodigi is unavailable (HTTP 503, TimedOut)."
    assert len(prodigi.requests) == 3  # one try and PRODIGI_RETRIES=2 more


def test_sandbox_and_live_addresses(settings):
    settings.PRODIGI_API_BASE = ""
    settings.PRODIGI_SANDBOX = True
    assert ProdigiLab().base_url == SANDBOX_URL == "https://api.sandbox.prodigi.com/v4.0/"
    settings.PRODIGI_SANDBOX = False
    assert ProdigiLab().base_url == LIVE_URL == "https://api.prodigi.com/v4.0/"


# Answers the fake never gives, at the HTTP boundary with respx.


@pytest.fixture
def prodigi_api(settings):
    settings.PRODIGI_API_KEY = "k"
    settings.PRODIGI_API_BASE = "https://prodigi.test/v4.0/"
    settings.PRODIGI_RETRIES = 1
    settings.PRODIGI_RETRY_SECONDS = 0
    with respx.mock(using="httpx", base_url="https://prodigi.test/v4.0/") as mock:
        yield mock


def test_a_connection_refused_is_retried_then_temporary(prodigi_api):
    route = prodigi_api.get("/orders/ord_1").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(LabError) as caught:
        ProdigiLab().order_get("ord_1")
    assert not caught.value.permanent
    assert caught.value.message == "We could not reach Prodigi."
    assert route.call_count == 2


def test_an_action_is_retried_when_the_connection_never_opened(prodigi_api):
    """Nothing reached the lab, so a second try cannot cancel twice."""
    answer = {"outcome": "Cancelled", "order": {"id": "ord_1", "status": {"stage": "Cancelled"}}}
    route = prodigi_api.post("/orders/ord_1/actions/cancel").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=answer)]
    )
    assert ProdigiLab().order_cancel("ord_1").stage == LabStage.CANCELLED
    assert route.call_count == 2


def test_a_gateway_page_instead_of_json_is_temporary(prodigi_api):
    prodigi_api.get("/orders/ord_1").mock(
        return_value=httpx.Response(502, text="<html>Bad gateway</html>")
    )
    with pytest.raises(LabError) as caught:
        ProdigiLab().order_get("ord_1")
    assert not caught.value.permanent
    assert "HTTP 502" in caught.value.message


def test_an_answer_we_cannot_read_is_temporary_and_keeps_the_trace(prodigi_api):
    prodigi_api.get("/orders/ord_1").mock(
        return_value=httpx.Response(
            200, json={"outcome": "Ok", "order": None}, headers={"traceParent": "00-abc-def-00"}
        )
    )
    with pytest.raises(LabError) as caught:
        ProdigiLab().order_get("ord_1")
    assert not caught.value.permanent
    assert caught.value.trace_parent == "00-abc-def-00"


def test_rate_limited_waits_as_told_then_succeeds(prodigi_api):
    answer = {"outcome": "Ok", "order": {"id": "ord_1", "status": {"stage": "InProgress"}}}
    route = prodigi_api.get("/orders/ord_1").mock(
        side_effect=[
            httpx.Response(429, json={"outcome": "TooManyRequests"}, headers={"Retry-After": "0"}),
            httpx.Response(200, json=answer),
        ]
    )
    assert ProdigiLab().order_get("ord_1").stage == LabStage.IN_PROGRESS
    assert route.call_count == 2
