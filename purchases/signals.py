from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from purchases.cache import orders_changed
from purchases.models import Order


@receiver(post_save, sender=Order)
@receiver(post_delete, sender=Order)
def order_changed(sender, instance: Order, **kwargs) -> None:
    orders_changed(customer_id=instance.customer_id)
