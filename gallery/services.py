"""What people do in the gallery: like, unlike, and delete their own images."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import ProtectedError

from dalle import services as dalle_services
from dalle.models import GeneratedImage
from gallery.cache import gallery_viewer_changed
from gallery.models import Like
from products import services as product_services
from products.models import Product


@dataclass(frozen=True)
class LikeState:
    liked: bool
    likes: int


def like_set(*, user, image: GeneratedImage, liked: bool) -> LikeState:
    """Like or unlike a public image. The wanted state is sent, not a toggle, so a double
    click or two requests at once leave exactly one like (the database's unique pair)."""
    if liked:
        Like.objects.get_or_create(user=user, image=image)
    else:
        Like.objects.filter(user=user, image=image).delete()
    gallery_viewer_changed(user_id=user.pk)
    return LikeState(liked=liked, likes=Like.objects.filter(image=image).count())


class DeleteRefused(Exception):
    pass


DELETED, HIDDEN = "deleted", "hidden"


def image_delete_or_hide(*, image: GeneratedImage) -> str:
    """The owner deletes an image: gone with its files, or, when orders need it, hidden.

    The product's orders protect it (PROTECT), so whether it has orders is the database's
    answer to deleting it; this app never reads the orders themselves.
    """
    if image.is_pending:
        raise DeleteRefused(
            "This image is still being painted: cancel it or wait until it is done."
        )
    try:
        with transaction.atomic():
            Product.objects.filter(image=image).delete()
            dalle_services.image_delete(image=image)
        return DELETED
    except ProtectedError:
        pass
    with transaction.atomic():
        if image.is_public:
            product_services.image_publish(image=image, public=False)
        dalle_services.image_remove(image=image)
    return HIDDEN
