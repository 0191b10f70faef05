"""Cache drops only: whatever changes a product, a price or shipping shows on cached pages."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from products.cache import shop_cache_invalidate
from products.models import Format, Product, ShopSettings


@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
@receiver(post_save, sender=Format)
@receiver(post_delete, sender=Format)
@receiver(post_save, sender=ShopSettings)
def shop_changed(sender, **kwargs) -> None:
    """Products, prices and shipping all show on cached shop pages."""
    shop_cache_invalidate()
