"""A small local fake of Prodigi's Print API v4, and a host for the files it downloads.

`FakeProdigi` answers the calls the lab client makes (orders, actions, quotes, products) under
/v4.0/ with Prodigi-shaped JSON: an `outcome` and a `traceParent` on every answer, X-API-Key
checked, JSON only. It honours `idempotencyKey` (the same key answers AlreadyExists with the
first order) and, like the real lab, DOWNLOADS each asset URL it is given and checks the file
against its `md5Hash`. Where Prodigi downloads later and reports the failure as an order issue
(`order.items.assets.FailedToDownloaded`), this fake by default refuses the order at once
(ValidationFailed, naming the asset), so a test sees the lab's refusal; `asset_failures =
"issues"` makes it behave as Prodigi does. It can be told to fail, to refuse, to stall past the
client's timeout, to move an order on and ship it in parcels, and to POST CloudEvents callbacks.

It downloads and calls back with urllib, never httpx: respx, when a test uses it, must not
catch the fake's own traffic.

`AssetHost` stands for our storage: it serves files under signed-looking URLs that expire,
answering 403 "Request has expired" afterwards, as S3 does.
"""

import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

API_KEY = "test-prodigi-key"
METHODS = ("Budget", "Standard", "Express", "Overnight")
SHIPPING = {"Budget": "4.50", "Standard": "6.95", "Express": "14.95", "Overnight": "24.95"}
SIZINGS = ("fillPrintArea", "fitPrintArea", "stretchToPrintArea")
# A few real SKUs with the print area sizes Prodigi's reference shows for them.
PRODUCTS = {
    "GLOBAL-FAP-8X8": {
        "description": "Fine art print, 8x8in",
        "price": "7.20",
        "attributes": {},
        "sizes": {(): (2400, 2400)},
    },
    "GLOBAL-FAP-12X12": {
        "description": "Fine art print, 12x12in",
        "price": "11.40",
        "attributes": {},
        "sizes": {(): (3600, 3600)},
    },
    "GLOBAL-CAN-10X10": {
        "description": "Standard canvas on quality stretcher bar, 25x25cm",
        "price": "14.37",
        "attributes": {"wrap": ["Black", "ImageWrap", "MirrorWrap", "White"]},
        "sizes": {
            ("Black",): (1522, 1522),
            ("ImageWrap",): (2137, 2137),
            ("MirrorWrap",): (1522, 1522),
            ("White",): (1522, 1522),
        },
    },
}


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # noqa: S324  (Prodigi's checksum, not security)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _Server:
    """A threaded HTTP server on loopback that hands each request to `handle`."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, method: str, path: str, query: dict, body: bytes, headers: dict):
        raise NotImplementedError  # -> (status, headers, bytes, delay seconds)

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, data, delay = owner.handle(
                    method, unquote(url.path), parse_qs(url.query), body, headers
                )
                if delay:
                    time.sleep(delay)  # the work is done; only the answer is late
                try:
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def log_message(self, *args) -> None:
                pass

        return Handler


class AssetHost(_Server):
    """Our storage, as the lab sees it: files behind URLs that stop working when they expire."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []

    def put(self, data: bytes, *, expires_in: float = 3600, name: str | None = None) -> str:
        """The signed URL of a new file; after `expires_in` seconds it answers 403."""
        name = name or f"masters/{secrets.token_hex(6)}.png"
        self.files[name] = data
        expires = time.time() + expires_in
        return f"{self.url}/{name}?Expires={expires:.3f}&Signature={secrets.token_hex(8)}"

    def handle(self, method, path, query, body, headers):
        name = path.lstrip("/")
        self.downloads.append(name)
        expires = float((query.get("Expires") or ["0"])[0])
        if time.time() > expires:
            return (
                403,
                {"Content-Type": "application/xml"},
                b"<Error>Request has expired</Error>",
                0,
            )
        if name not in self.files:
            return 404, {"Content-Type": "application/xml"}, b"<Error>NoSuchKey</Error>", 0
        return 200, {"Content-Type": "image/png"}, self.files[name], 0


class FakeProdigi(_Server):
    def __init__(self) -> None:
        super().__init__()
        self.api_url = f"{self.url}/v4.0/"
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.orders: dict[str, dict] = {}
        self.by_key: dict[str, str] = {}
        self.actions: dict[str, dict[str, str]] = {}
        self.requests: list[dict] = []
        self.failures: list[tuple[int, dict]] = []
        self.stalls: list[float] = []
        self.asset_failures = "refuse"  # or "issues", as Prodigi itself reports them
        self.callbacks_sent: list[tuple[str, int]] = []
        self.counter = 840_000

    # Test controls: what happens on Prodigi's side, out of the shop's sight. ----------------

    def fail_next(self, status: int = 500, outcome: str = "InternalServerError", times: int = 1):
        for _ in range(times):
            self.failures.append(
                (status, {"outcome": outcome, "statusText": "Something went wrong"})
            )

    def refuse_next(self, failures: dict[str, list[dict]]) -> None:
        self.failures.append((400, {"outcome": "ValidationFailed", "failures": failures}))

    def stall_next(self, seconds: float) -> None:
        """The next request is handled, but its answer comes `seconds` late."""
        self.stalls.append(seconds)

    def calls(self, method: str, path_prefix: str = "") -> list[dict]:
        return [
            r
            for r in self.requests
            if r["method"] == method and r["path"].lower().startswith(path_prefix.lower())
        ]

    def produce(self, order_id: str) -> dict:
        """The lab starts printing: no more cancelling or changing the address."""
        with self.lock:
            order = self.orders[order_id]
            order["status"]["details"].update(
                downloadAssets="Complete",
                allocateProductionLocation="Complete",
                printReadyAssetsPrepared="Complete",
                inProduction="InProgress",
            )
            self.actions[order_id].update(
                cancel="No", changeRecipientDetails="No", changeShippingMethod="No"
            )
            return order

    def ship(
        self, order_id: str, item_refs: list[str], *, carrier: str = "DHL", tracking: str = ""
    ) -> dict:
        """One parcel with the items named by merchant reference; when every item has left,
        the order's stage is Complete."""
        with self.lock:
            order = self.orders[order_id]
            ids = [i["id"] for i in order["items"] if i["merchantReference"] in item_refs]
            number = tracking or f"JD{secrets.randbelow(10**12):012d}"
            self.counter += 1
            order["shipments"].append(
                {
                    "id": f"shp_{self.counter}",
                    "status": "Shipped",
                    "carrier": {"name": carrier, "service": f"{carrier} Express"},
                    "tracking": {"number": number, "url": f"https://track.example/{number}"},
                    "dispatchDate": now_iso(),
                    "items": [{"itemId": i} for i in ids],
                    "fulfillmentLocation": {"countryCode": "GB", "labCode": "uk6"},
                }
            )
            shipped = {i["itemId"] for s in order["shipments"] for i in s["items"]}
            done = shipped >= {i["id"] for i in order["items"]}
            order["status"]["details"].update(
                inProduction="Complete" if done else "InProgress",
                shipping="Complete" if done else "InProgress",
            )
            if done:
                order["status"]["stage"] = "Complete"
            order["lastUpdated"] = now_iso()
            return order

    def callback(
        self, order_id: str, type_: str, *, url: str | None = None, event_id: str | None = None
    ) -> int:
        """POST a CloudEvents 1.0 callback for the order, as Prodigi does; the answer's status."""
        order = self.orders[order_id]
        event = {
            "specversion": "1.0",
            "type": type_,
            "source": f"{self.api_url}Orders/",
            "id": event_id or f"evt_{secrets.randbelow(10**6)}",
            "time": now_iso(),
            "datacontenttype": "application/json",
            "data": {"order": order},
            "subject": order_id,
        }
        target = url or order["callbackUrl"]
        request = urllib.request.Request(
            target,
            data=json.dumps(event).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
            error.close()
        self.callbacks_sent.append((event["id"], status))
        return status

    # The API. ---------------------------------------------------------------------------------

    def handle(self, method, path, query, body, headers):
        trace = f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"
        with self.lock:
            delay = self.stalls.pop(0) if self.stalls else 0
            try:
                payload = json.loads(body) if body else None
            except ValueError:
                payload = "not json"
            self.requests.append(
                {"method": method, "path": path, "body": payload, "headers": headers}
            )
            failure = self.failures.pop(0) if self.failures else None
        if headers.get("x-api-key") != API_KEY:
            status, answer = 401, {"statusText": "Unauthorised", "statusCode": 401, "data": {}}
        elif failure:
            status, answer = failure
        elif method == "POST" and not headers.get("content-type", "").startswith(
            "application/json"
        ):
            status, answer = 415, {"outcome": "InvalidContentType"}
        elif payload == "not json":
            status, answer = (
                400,
                {"outcome": "ValidationFailed", "failures": {"body": [{"code": "NotJson"}]}},
            )
        else:
            status, answer = self._route(method, path, payload or {})
        answer = {**answer, "traceParent": trace}
        extra = {"Content-Type": "application/json", "traceParent": trace}
        return status, extra, json.dumps(answer).encode(), delay

    def _route(self, method: str, path: str, body: dict) -> tuple[int, dict]:
        parts = [p for p in path.split("/") if p]
        if parts[:1] != ["v4.0"]:
            return 404, {"outcome": "EndpointDoesNotExist"}
        parts = parts[1:]
        head = [p.lower() for p in parts]
        if head == ["orders"] and method == "POST":
            return self._create(body)
        if head[:1] == ["orders"] and len(parts) >= 2:
            order = self.orders.get(parts[1])
            if order is None:
                return 404, {
                    "outcome": "EntityNotFound",
                    "statusText": f"Order {parts[1]} not found",
                }
            if len(parts) == 2 and method == "GET":
                return 200, {"outcome": "Ok", "order": order}
            if head[2:] == ["actions"] and method == "GET":
                return 200, {
                    "outcome": "Ok",
                    **{k: {"isAvailable": v} for k, v in self.actions[order["id"]].items()},
                }
            if head[2:] == ["actions", "cancel"] and method == "POST":
                return self._cancel(order)
            if head[2:] == ["actions", "updaterecipient"] and method == "POST":
                return self._update_recipient(order, body)
        if head == ["quotes"] and method == "POST":
            return self._quote(body)
        if head[:1] == ["products"] and len(parts) == 2 and method == "GET":
            return self._product(parts[1])
        return 404, {"outcome": "EndpointDoesNotExist"}

    def _create(self, body: dict) -> tuple[int, dict]:
        failures = _order_failures(body)
        if failures:
            return 400, {"outcome": "ValidationFailed", "failures": failures}
        key = body.get("idempotencyKey")
        with self.lock:
            if key and key in self.by_key:
                return 200, {"outcome": "AlreadyExists", "order": self.orders[self.by_key[key]]}
        problems = self._download_assets(body["items"])
        if problems and self.asset_failures == "refuse":
            return 400, {
                "outcome": "ValidationFailed",
                "failures": {f: [{"code": c, "description": d}] for f, c, d in problems},
            }
        with self.lock:
            if key and key in self.by_key:  # the same key arrived meanwhile
                return 200, {"outcome": "AlreadyExists", "order": self.orders[self.by_key[key]]}
            self.counter += 1
            order = _new_order(f"ord_{self.counter}", body)
            for field, _code, description in problems:
                index = int(field.split("[")[1].split("]")[0])
                item = order["items"][index]
                item["status"] = "Invalid"
                order["status"]["details"]["downloadAssets"] = "Error"
                order["status"]["issues"].append(
                    {
                        "objectId": item["id"],
                        "errorCode": "order.items.assets.FailedToDownloaded",
                        "description": description,
                    }
                )
            self.orders[order["id"]] = order
            self.actions[order["id"]] = {
                "cancel": "Yes",
                "changeRecipientDetails": "Yes",
                "changeShippingMethod": "Yes",
                "changeMetaData": "Yes",
            }
            if key:
                self.by_key[key] = order["id"]
        return 200, {"outcome": "CreatedWithIssues" if problems else "Created", "order": order}

    def _download_assets(self, items: list[dict]) -> list[tuple[str, str, str]]:
        """Fetch every asset as the lab does; (field, code, description) for each that fails."""
        problems = []
        for i, item in enumerate(items):
            for a, asset in enumerate(item["assets"]):
                field = f"items[{i}].assets[{a}].url"
                try:
                    with urllib.request.urlopen(asset["url"], timeout=10) as response:  # noqa: S310
                        data = response.read()
                except urllib.error.HTTPError as error:
                    error.close()
                    problems.append(
                        (
                            field,
                            "AssetNotDownloadable",
                            f"Download of the '{asset['printArea']}' asset failed: HTTP {error.code}",
                        )
                    )
                    continue
                except (urllib.error.URLError, OSError) as error:
                    problems.append(
                        (
                            field,
                            "AssetNotDownloadable",
                            f"Download of the '{asset['printArea']}' asset failed: {error}",
                        )
                    )
                    continue
                if asset.get("md5Hash") and md5(data) != asset["md5Hash"].lower():
                    problems.append(
                        (
                            field,
                            "Md5HashMismatch",
                            f"The '{asset['printArea']}' asset does not match its md5Hash",
                        )
                    )
        return problems

    def _cancel(self, order: dict) -> tuple[int, dict]:
        with self.lock:
            if self.actions[order["id"]]["cancel"] != "Yes":
                return 200, {"outcome": "ActionNotAvailable", "order": order}
            order["status"]["stage"] = "Cancelled"
            self.actions[order["id"]] = dict.fromkeys(self.actions[order["id"]], "No")
            return 200, {"outcome": "Cancelled", "order": order}

    def _update_recipient(self, order: dict, body: dict) -> tuple[int, dict]:
        failures = _recipient_failures(body, "")
        if failures:
            return 400, {"outcome": "ValidationFailed", "failures": failures}
        with self.lock:
            if self.actions[order["id"]]["changeRecipientDetails"] != "Yes":
                return 200, {"outcome": "ActionNotAvailable", "order": order}
            order["recipient"] = body
            return 200, {"outcome": "Updated", "shipmentUpdateResults": [], "order": order}

    def _quote(self, body: dict) -> tuple[int, dict]:
        items = body.get("items") or []
        unknown = {
            f"items[{i}].sku": [{"code": "NotAvailable"}]
            for i, it in enumerate(items)
            if it.get("sku", "").upper() not in PRODUCTS
        }
        if not body.get("destinationCountryCode") or not items or unknown:
            return 400, {
                "outcome": "ValidationFailed",
                "failures": unknown or {"items": [{"code": "Required"}]},
            }
        currency = body.get("currencyCode") or "GBP"
        total = sum(float(PRODUCTS[it["sku"].upper()]["price"]) * int(it["copies"]) for it in items)
        methods = [body["shippingMethod"]] if body.get("shippingMethod") else list(METHODS)
        quotes = [
            {
                "shipmentMethod": method,
                "costSummary": {
                    "items": {"amount": f"{total:.2f}", "currency": currency},
                    "shipping": {"amount": SHIPPING[method], "currency": currency},
                },
                "shipments": [],
                "items": [],
            }
            for method in methods
        ]
        return 200, {"outcome": "Created", "quotes": quotes}

    def _product(self, sku: str) -> tuple[int, dict]:
        product = PRODUCTS.get(sku.upper())
        if product is None:
            return 404, {"outcome": "EntityNotFound", "statusText": f"Product {sku} not found"}
        names = list(product["attributes"])
        variants = [
            {
                "attributes": dict(zip(names, values, strict=True)),
                "shipsTo": ["GB", "US", "KR", "DE"],
                "printAreaSizes": {"default": {"horizontalResolution": w, "verticalResolution": h}},
            }
            for values, (w, h) in product["sizes"].items()
        ]
        return 200, {
            "outcome": "Ok",
            "product": {
                "sku": sku.upper(),
                "description": product["description"],
                "attributes": product["attributes"],
                "printAreas": {"default": {"required": True}},
                "variants": variants,
            },
        }


def _recipient_failures(recipient: dict, prefix: str) -> dict:
    failures = {}
    if not (recipient or {}).get("name"):
        failures[f"{prefix}name"] = [{"code": "MustNotBeEmptyOrWhitespace"}]
    address = (recipient or {}).get("address") or {}
    for field in ("line1", "postalOrZipCode", "countryCode", "townOrCity"):
        if not address.get(field):
            failures[f"{prefix}address.{field}"] = [{"code": "MustNotBeEmptyOrWhitespace"}]
    return failures


def _order_failures(body: dict) -> dict:
    failures = _recipient_failures(body.get("recipient"), "recipient.")
    if body.get("shippingMethod") not in METHODS:
        failures["shippingMethod"] = [{"code": "NotAValidShippingMethod"}]
    items = body.get("items") or []
    if not items:
        failures["items"] = [{"code": "MustNotBeEmpty"}]
    for i, item in enumerate(items):
        product = PRODUCTS.get(str(item.get("sku", "")).upper())
        if product is None:
            failures[f"items[{i}].sku"] = [
                {"code": "NotAvailable", "description": f"Sku '{item.get('sku')}' is not available"}
            ]
        elif any(
            item.get("attributes", {}).get(n) not in v for n, v in product["attributes"].items()
        ):
            failures[f"items[{i}].attributes"] = [{"code": "InvalidAttributes"}]
        if item.get("sizing") not in SIZINGS:
            failures[f"items[{i}].sizing"] = [{"code": "NotAValidSizing"}]
        if not isinstance(item.get("copies"), int) or item["copies"] < 1:
            failures[f"items[{i}].copies"] = [{"code": "MustBeGreaterThanZero"}]
        if not item.get("assets") or not all(a.get("url") for a in item["assets"]):
            failures[f"items[{i}].assets"] = [{"code": "MustNotBeEmpty"}]
    return failures


def _new_order(order_id: str, body: dict) -> dict:
    created = now_iso()
    items = [
        {
            "id": f"ori_{order_id.removeprefix('ord_')}{n}",
            "status": "NotYetDownloaded",
            "merchantReference": item.get("merchantReference"),
            "sku": item["sku"].upper(),
            "copies": item["copies"],
            "sizing": item["sizing"],
            "attributes": item.get("attributes") or {},
            "assets": [
                {
                    "id": f"ast_{secrets.randbelow(10**6)}",
                    "printArea": a["printArea"],
                    "md5Hash": a.get("md5Hash"),
                    "url": a["url"],
                    "status": "InProgress",
                }
                for a in item["assets"]
            ],
        }
        for n, item in enumerate(body["items"], start=1)
    ]
    return {
        "id": order_id,
        "created": created,
        "lastUpdated": created,
        "callbackUrl": body.get("callbackUrl"),
        "merchantReference": body.get("merchantReference"),
        "shippingMethod": body["shippingMethod"],
        "idempotencyKey": body.get("idempotencyKey"),
        "status": {
            "stage": "InProgress",
            "issues": [],
            "details": dict.fromkeys(
                [
                    "downloadAssets",
                    "printReadyAssetsPrepared",
                    "allocateProductionLocation",
                    "inProduction",
                    "shipping",
                ],
                "NotStarted",
            ),
        },
        "charges": [],
        "shipments": [],
        "recipient": body["recipient"],
        "items": items,
        "packingSlip": None,
        "metadata": body.get("metadata"),
    }
