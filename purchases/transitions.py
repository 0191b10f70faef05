"""The order state machine's one door: a status change with its event row and its e-mail.

Below the services (purchases.services, purchases.fulfilment), which both move orders.
"""

from lib.mail import mail_enqueue
from notifications.models import Notification
from notifications.services import notification_send
from purchases.models import Order, OrderEvent

Status = Order.Status
# The changes a shopper sees in the notification bell too.
NOTIFIED = {
    Status.PAID, Status.IN_PRODUCTION, Status.SHIPPED, Status.DELIVERED, Status.REFUNDED,
    Status.PAYMENT_FAILED,
}  # fmt: skip


class OrderError(Exception):
    """A request about an order that cannot be honoured; the message is for people.

    `order` is the order concerned when it exists (a checkout that would not open).
    """

    def __init__(self, message: str, *, order: Order | None = None) -> None:
        super().__init__(message)
        self.order = order


def order_transition(
    order: Order, to: str, /, *, actor=None, note: str = "", notify: bool = True, **fields
) -> None:
    """Move a locked order to another status, with its event row and its e-mail."""
    if to not in Order.TRANSITIONS[order.status]:
        raise OrderError(
            f"An order that is {order.get_status_display().lower()} cannot become {Status(to).label.lower()}."
        )
    OrderEvent.objects.create(
        order=order, actor=actor, from_status=order.status, to_status=to, note=note[:500]
    )
    order.status = to
    for name, value in fields.items():
        setattr(order, name, value)
    order.save(update_fields=["status", "updated_at", *fields])
    if notify:
        _email_on_commit(order)
    if to in NOTIFIED:
        notification_send(
            recipient=order.customer,
            kind=Notification.Kind.ORDER_STATUS,
            text=f"Order {order.short_id} is {Status(to).label.lower()}.",
            event_key=f"order-{order.public_id}-{to}",
            url=order.get_absolute_url(),
        )


def _email_on_commit(order: Order) -> None:
    mail_enqueue("purchases/order_status", to=[order.email], context={"order": order})


def order_note(order: Order, note: str, *, actor=None) -> None:
    """An event that records something about the order without changing its status."""
    OrderEvent.objects.create(
        order=order, actor=actor, from_status=order.status, to_status=order.status, note=note[:500]
    )
