import io
import secrets

import pytest
from PIL import Image

from printlab.contract import (
    LabAsset,
    LabItem,
    LabOrderRequest,
    LabRecipient,
    ShippingMethod,
    Sizing,
)
from printlab.signals import lab_order_changed
from tests.printlab.fake_prodigi import API_KEY, AssetHost, FakeProdigi, md5

RECIPIENT = LabRecipient(
    name="Kim Min-ji",
    email="minji@example.com",
    phone="+82 2 120",
    line1="110 Sejong-daero",
    line2="",
    town="Seoul",
    state="Jung-gu",
    postal_code="04524",
    country_code="KR",
)


def png_bytes(colour: str = "teal", size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def fake_prodigi_server():
    fake = FakeProdigi().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def asset_host():
    host = AssetHost().start()
    yield host
    host.stop()


@pytest.fixture
def prodigi(settings, fake_prodigi_server):
    """The Prodigi lab pointed at the local fake, with quick retries; fresh state per test."""
    fake = fake_prodigi_server
    fake.reset()
    settings.LAB_BACKEND = "prodigi"
    settings.PRODIGI_API_KEY = API_KEY
    settings.PRODIGI_API_BASE = fake.api_url
    settings.PRODIGI_TIMEOUT = 1.0
    settings.PRODIGI_RETRIES = 2
    settings.PRODIGI_RETRY_SECONDS = 0
    return fake


@pytest.fixture
def master(asset_host):
    """A print master on our storage: its signed URL and its md5."""
    data = png_bytes()
    return asset_host.put(data), md5(data)


def order_request(
    *items: LabItem, key: str | None = None, callback_url: str = "", reference: str = "AG-1001"
) -> LabOrderRequest:
    return LabOrderRequest(
        merchant_reference=reference,
        idempotency_key=key or f"order-{secrets.token_hex(8)}",
        callback_url=callback_url,
        shipping_method=ShippingMethod.STANDARD,
        recipient=RECIPIENT,
        items=items,
    )


def print_item(
    url: str, md5_hash: str, *, ref: str = "AG-1001-1", sku: str = "GLOBAL-FAP-12X12", **kw
) -> LabItem:
    return LabItem(
        merchant_reference=ref,
        sku=sku,
        copies=kw.pop("copies", 1),
        sizing=kw.pop("sizing", Sizing.FILL),
        assets=(LabAsset(url=url, md5=md5_hash),),
        attributes=kw.pop("attributes", {}),
    )


@pytest.fixture
def lab_events():
    """Every lab_order_changed the shop would hear, as (sender, lab order id, event id, type)."""
    heard = []

    def receiver(sender, lab_order_id, event_id, event_type, **kwargs):
        heard.append((sender, lab_order_id, event_id, event_type))

    lab_order_changed.connect(receiver, dispatch_uid="tests.printlab.lab_events")
    yield heard
    lab_order_changed.disconnect(dispatch_uid="tests.printlab.lab_events")
