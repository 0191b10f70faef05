"""One signed-in customer's orders as the support bot sees them: descriptions and offers.

Every look-up starts from purchases.selectors.orders_list(user=...), so nothing a prompt says
can reach another customer's orders. `propose` only records an offer (a Proposal) that the
chat shows as a button; pressing it does the action (chatbot.services.proposal_confirm),
which checks everything again.
"""

from chatbot.llm import Proposal
from chatbot.models import ProposedAction
from purchases import selectors as order_selectors
from purchases.models import LabStage, Order, OrderItem

Kind = ProposedAction.Kind
Status = Order.Status
# A print is on its way from payment until it is delivered.
ON_ITS_WAY = (Status.PAID, Status.IN_PRODUCTION, Status.SHIPPED)
RECENT = 5
ADDRESS_KEYS = ("full_name", "line1", "line2", "city", "region", "postal_code", "country", "phone")
NOT_FOUND = "No order with that id among this customer's orders."


def is_on_its_way(order: Order) -> bool:
    return order.is_physical and order.status in ON_ITS_WAY


def downloadable_items(order: Order) -> list[OrderItem]:
    return [item for item in order.items.all() if item.can_download]


def refusal(kind: str, order: Order) -> str:
    """Why `kind` cannot be done to `order` now, for people; "" when it can."""
    state = order.get_status_display().lower()
    if kind == Kind.CANCEL:
        if order.can_pay or order.can_cancel_paid:
            return ""
        if order.status == Status.PAID and order.lab_stage == LabStage.IN_PRODUCTION:
            state = "in production at the lab"
        return f"Order {order.short_id} is {state}: it can no longer be canceled."
    if kind == Kind.ADDRESS:
        if not order.is_physical:
            return f"Order {order.short_id} holds downloads only: nothing is shipped."
        if order.can_cancel_paid:
            return ""
        if order.can_pay:
            return f"Order {order.short_id} is not paid yet: the address is entered at checkout."
        return f"Order {order.short_id} is {state}: its address can no longer change."
    if kind == Kind.DOWNLOADS:
        if downloadable_items(order):
            return ""
        if not order.has_downloads:
            return f"Order {order.short_id} has no downloads: its prints come by post."
        return f"Order {order.short_id} is {state}: its downloads are not open."
    return f"Unknown action {kind}."


def allowed(order: Order) -> list[str]:
    return [kind for kind in Kind.values if not refusal(kind, order)]


def button_label(kind: str, order: Order, lang: str) -> str:
    short, total = order.short_id, order.money(order.refundable_amount)
    if kind == Kind.CANCEL and order.is_paid:
        return (
            f"주문 {short} 취소하고 {total} 환불받기"
            if lang == "ko"
            else (f"Cancel order {short} and refund {total}")
        )
    labels = {
        Kind.CANCEL: (f"Cancel order {short}", f"주문 {short} 취소하기"),
        Kind.ADDRESS: (f"Use this address for order {short}", f"주문 {short}을 이 주소로 받기"),
        Kind.DOWNLOADS: (
            f"E-mail me the download links of order {short}",
            f"주문 {short} 다운로드 링크 이메일로 받기",
        ),
    }
    english, korean = labels[kind]
    return korean if lang == "ko" else english


def describe(order: Order) -> dict:
    """What the assistant may say about one of the customer's own orders."""
    return {
        "id": order.short_id,
        "item": "; ".join(
            f"{item.format.name} of “{item.product.name[:60]}”"
            + (f" × {item.quantity}" if item.quantity > 1 else "")
            for item in order.items.all()
        ),
        "status": order.get_status_display(),
        "status_code": order.status,
        "lab_stage": order.get_lab_stage_display() if order.lab_stage else "",
        "lab_stage_code": order.lab_stage,
        "on_its_way": is_on_its_way(order),
        "parcels": [
            {
                "carrier": parcel.carrier,
                "tracking_number": parcel.tracking_number,
                "tracking_url": parcel.tracking_url,
                "delivered": bool(parcel.delivered_at),
            }
            for parcel in order.shipments.all()
        ],
        "ships_to": ", ".join(order.address_lines[:5]),
        "total": order.total_display,
        "refundable": order.money(order.refundable_amount) if order.is_paid else "",
        "ordered": f"{order.created_at:%d %b %Y}",
        "updated": f"{order.updated_at:%d %b %Y}",
        "updated_on": f"{order.updated_at:%Y-%m-%d}",
        # What the shopper can ask the assistant to propose for this order right now.
        "actions": allowed(order),
    }


class CustomerOrders:
    """The order tools bound to one customer; a fresh one for each reply.

    It collects the proposals made while answering, which the reply saves with its buttons.
    """

    def __init__(self, user) -> None:
        self.user = user
        self._proposed: list[Proposal] = []

    @property
    def proposed(self) -> tuple[Proposal, ...]:
        return tuple(self._proposed)

    def _orders(self):
        return order_selectors.orders_list(user=self.user).prefetch_related("shipments")

    def _find(self, order_id: str) -> Order | None:
        short = "".join(c for c in str(order_id).lower() if c in "0123456789abcdef-")[:8]
        if len(short) < 8:
            return None
        return self._orders().filter(public_id__startswith=short).first()

    def recent_orders(self) -> list[dict]:
        """Prints still on their way first (oldest first), then the latest of the others."""
        on_its_way = list(
            self._orders()
            .filter(status__in=ON_ITS_WAY, shipping_address__isnull=False)
            .order_by("created_at", "id")[:RECENT]
        )
        shown = {order.pk for order in on_its_way}
        rest = [order for order in self._orders()[: RECENT + len(shown)] if order.pk not in shown]
        return [describe(order) for order in [*on_its_way, *rest[:RECENT]]]

    def order_status(self, order_id: str) -> dict | None:
        order = self._find(order_id)
        if order is None:
            return None
        found = describe(order)
        found["timeline"] = [f"{e.created_at:%d %b %Y}: {e.to_label}" for e in order.events.all()]
        return found

    def propose(self, kind: str, order_id: str, *, lang: str, address: dict | None = None) -> dict:
        """Offer an action with a button under the reply; nothing is done here."""
        order = self._find(order_id)
        if order is None:
            return {"error": NOT_FOUND}
        if kind not in Kind.values:
            return {"error": f"Unknown action {kind}."}
        if why := refusal(kind, order):
            return {"error": why}
        payload: dict = {"lang": lang}
        if kind == Kind.CANCEL:
            payload["paid"] = order.is_paid
        if kind == Kind.ADDRESS and address:
            payload["address"] = {
                key: str(address.get(key) or "")[:200] for key in ADDRESS_KEYS if key in address
            }
        proposal = Proposal(
            kind=kind,
            order_public_id=str(order.public_id),
            label=button_label(kind, order, lang),
            payload=payload,
        )
        if not any(
            (p.kind, p.order_public_id) == (kind, proposal.order_public_id) for p in self._proposed
        ):
            self._proposed.append(proposal)
        return {
            "proposed": True,
            "button": proposal.label,
            "note": "A confirmation button is shown under your reply. Nothing is done unless "
            "the customer presses it; do not say it is done.",
        }
