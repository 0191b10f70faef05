"""A small local fake of Stripe's HTTP API, and webhook signatures made the real way.

The stripe library is pointed at it through `base_addresses`; it answers the calls the
shop makes (Checkout Sessions, refunds) with Stripe-shaped JSON and honours
Idempotency-Key as Stripe does: the same key returns the same object.
"""

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

WEBHOOK_SECRET = "whsec_test_secret"


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for a payload, computed as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(type_: str, obj: dict, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{secrets.token_hex(8)}",
            "object": "event",
            "api_version": "2025-10-29.clover",
            "created": int(time.time()),
            "type": type_,
            "livemode": False,
            "data": {"object": obj},
        }
    ).encode()


def unflatten(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (a[b][0][c]=v) back into nested dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class FakeStripe:
    def __init__(self) -> None:
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.idempotent: dict[str, tuple[int, dict]] = {}
        self.failures: list[tuple[int, dict]] = []
        # Called with (method, path) as each request arrives, before it is answered.
        self.observers: list[Callable[[str, str], None]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeStripe":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # Test controls: what happens on Stripe's side, out of the shop's sight.

    def fail_next(
        self, status: int = 500, type_: str = "api_error", message: str = "Stripe is down"
    ) -> None:
        self.failures.append((status, {"error": {"type": type_, "message": message}}))

    def complete(self, session_id: str, *, paid: bool = True, shipping: dict | None = None) -> dict:
        session = self.sessions[session_id]
        session.update(
            status="complete",
            payment_status="paid" if paid else "unpaid",
            payment_intent=f"pi_{secrets.token_hex(8)}",
        )
        if shipping:
            session["collected_information"] = {"shipping_details": shipping}
        return session

    def async_result(self, session_id: str, *, paid: bool) -> dict:
        self.sessions[session_id]["payment_status"] = "paid" if paid else "unpaid"
        return self.sessions[session_id]

    def calls(self, method: str, path_prefix: str) -> list[dict]:
        return [
            r for r in self.requests if r["method"] == method and r["path"].startswith(path_prefix)
        ]

    # The API.

    def handle(self, method: str, path: str, params: dict, headers: dict) -> tuple[int, dict]:
        for observer in self.observers:
            observer(method, path)
        with self.lock:
            self.requests.append(
                {"method": method, "path": path, "params": params, "headers": headers}
            )
            if self.failures:
                return self.failures.pop(0)
            key = headers.get("idempotency-key")
            if method == "POST" and key and key in self.idempotent:
                return self.idempotent[key]
            result = self._route(method, path, params)
            if method == "POST" and key:
                self.idempotent[key] = result
            return result

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if parts[:3] == ["v1", "checkout", "sessions"]:
            if method == "POST" and len(parts) == 3:
                return 200, self._create_session(params)
            session = self.sessions.get(parts[3]) if len(parts) > 3 else None
            if session is None:
                return 404, {
                    "error": {"type": "invalid_request_error", "message": "No such session"}
                }
            if method == "POST" and parts[4:] == ["expire"]:
                if session["status"] != "open":
                    return 400, {"error": {"type": "invalid_request_error", "message": "Not open"}}
                session["status"] = "expired"
            if method == "GET" and "payment_intent.latest_charge" in str(params.get("expand")):
                return 200, self._expanded(session)
            return 200, session
        if parts == ["v1", "refunds"] and method == "POST":
            return self._refund(params)
        return 404, {
            "error": {"type": "invalid_request_error", "message": f"Unknown {method} {path}"}
        }

    @staticmethod
    def _expanded(session: dict) -> dict:
        """The session with its payment intent and latest charge expanded, as `expand` asks."""
        intent = session.get("payment_intent")
        if not intent:
            return session
        card = {"brand": "visa", "last4": "4242"}
        charge = {"id": f"ch_{intent}", "payment_method_details": {"type": "card", "card": card}}
        return {**session, "payment_intent": {"id": intent, "latest_charge": charge}}

    def _refund(self, params: dict) -> tuple[int, dict]:
        """A refund of all or part of a payment; together they never exceed what was paid."""
        intent = params["payment_intent"]
        session = next((s for s in self.sessions.values() if s["payment_intent"] == intent), None)
        if session is None:
            return 400, {"error": {"type": "invalid_request_error", "message": "No such payment"}}
        amount = int(params.get("amount") or session["amount_total"])
        done = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent)
        if done + amount > session["amount_total"]:
            message = "Refund amount is greater than unrefunded amount on charge."
            return 400, {"error": {"type": "invalid_request_error", "message": message}}
        refund = {
            "id": f"re_{secrets.token_hex(8)}",
            "object": "refund",
            "amount": amount,
            "payment_intent": intent,
            "status": "succeeded",
            "currency": session["currency"],
            "metadata": params.get("metadata", {}),
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def _create_session(self, params: dict) -> dict:
        session_id = f"cs_test_{secrets.token_hex(12)}"
        lines = params["line_items"]
        line = lines[0]
        amount = sum(int(li["price_data"]["unit_amount"]) * int(li["quantity"]) for li in lines)
        for option in params.get("shipping_options", []):
            amount += int(option["shipping_rate_data"]["fixed_amount"]["amount"])
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "mode": params["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "customer_email": params.get("customer_email"),
            "amount_total": amount,
            "currency": line["price_data"]["currency"],
            "expires_at": int(params["expires_at"]),
            "success_url": params["success_url"],
            "cancel_url": params["cancel_url"],
            "payment_intent": None,
            "payment_method_types": ["card"],
        }
        self.sessions[session_id] = session
        return session

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params = unflatten(parse_qsl(body or url.query, keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, payload = fake.handle(method, url.path, params, headers)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def log_message(self, *args) -> None:
                pass

        return Handler
