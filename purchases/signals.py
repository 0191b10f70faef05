from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from printlab.signals import lab_order_changed
from purchases.cache import orders_changed
from purchases.models import Order
from purchases.tasks import order_lab_refresh


@receiver(post_save, sender=Order)
@receiver(post_delete, sender=Order)
def order_changed(sender, instance: Order, **kwargs) -> None:
    orders_changed(customer_id=instance.customer_id)


@receiver(lab_order_changed)
def lab_order_changed_fetch(sender, lab_order_id: str, **kwargs) -> None:
    """A lab callback is a hint: the order is fetched from the lab again, in a task."""
    transaction.on_commit(lambda: order_lab_refresh.enqueue(lab_order_id=lab_order_id))
