from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dalle.models import GeneratedImage
from products.cache import shop_cache_invalidate
from products.models import Format, Product, ShopSettings


@receiver(post_save, sender=GeneratedImage)
def keep_listing_in_step(sender, instance: GeneratedImage, update_fields=None, **kwargs) -> None:
    """Whoever changes an image's visibility (owner, manager in the admin), the shop follows."""
    if update_fields is not None and "visibility" not in update_fields:
        return  # the worker's status saves never touch the listing
    listed = instance.is_public and instance.status == GeneratedImage.Status.SUCCEEDED
    if Product.objects.filter(image=instance).exclude(is_listed=listed).update(is_listed=listed):
        shop_cache_invalidate()


@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
@receiver(post_save, sender=Format)
@receiver(post_delete, sender=Format)
@receiver(post_save, sender=ShopSettings)
def shop_changed(sender, **kwargs) -> None:
    """Products, prices and shipping all show on cached shop pages."""
    shop_cache_invalidate()
