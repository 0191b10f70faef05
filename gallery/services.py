"""What people do in the gallery: like, unlike, delete their own images, report others';
and what managers do with reports: hide an image (the owner is told why) or dismiss them."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from dalle import services as dalle_services
from dalle.models import GeneratedImage
from gallery.cache import gallery_viewer_changed
from gallery.models import Like, Report
from notifications.services import Kind, notification_send
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
        _, created = Like.objects.get_or_create(user=user, image=image)
        if created and image.owner_id != user.pk:
            # Once per person and image, however often they unlike and like again.
            notification_send(
                recipient=image.owner,
                kind=Kind.IMAGE_LIKED,
                text=f"{user.public_name} liked your image {_quoted(image.prompt)}.",
                url=image.get_absolute_url(),
                event_key=f"like:{image.pk}:{user.pk}",
            )
    else:
        Like.objects.filter(user=user, image=image).delete()
    gallery_viewer_changed(user_id=user.pk)
    return LikeState(liked=liked, likes=Like.objects.filter(image=image).count())


def _quoted(prompt: str) -> str:
    words = " ".join(prompt.split())
    return f"“{words if len(words) <= 60 else words[:59].rstrip() + '…'}”"


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


class ReportRefused(Exception):
    pass


def report_create(*, reporter, image: GeneratedImage, reason: str, note: str = "") -> Report:
    """Report a public image; reporting it again while the first is open changes nothing."""
    if image.owner_id == reporter.pk:
        raise ReportRefused("This is your own image: make it private or delete it instead.")
    try:
        with transaction.atomic():
            return Report.objects.create(
                image=image, reporter=reporter, reason=reason, note=note[:500]
            )
    except IntegrityError:
        return Report.objects.get(image=image, reporter=reporter, status=Report.Status.OPEN)


@transaction.atomic
def image_hide(*, image: GeneratedImage, reason: str, manager) -> GeneratedImage:
    """A manager hides an image from the gallery and the shop; its open reports are decided,
    and the owner is told why (under the bell and by e-mail)."""
    image = GeneratedImage.objects.select_for_update().get(pk=image.pk)
    if image.is_public:
        product_services.image_publish(image=image, public=False)
    dalle_services.image_moderation_hide(image=image, reason=reason)
    Report.objects.filter(image=image, status=Report.Status.OPEN).update(
        status=Report.Status.HIDDEN,
        decided_at=timezone.now(),
        decided_by=manager,
        decision_note=reason[:300],
    )
    notification_send(
        recipient=image.owner,
        kind=Kind.IMAGE_HIDDEN,
        text=f"A moderator hid your image {_quoted(image.prompt)}: {reason}",
        url=image.get_absolute_url(),
        event_key=f"image:{image.pk}:hidden:{image.hidden_at.timestamp()}",
    )
    return image


def image_restore(*, image: GeneratedImage) -> GeneratedImage:
    """Undo a hide: the owner may share the image again (it stays private until they do)."""
    return dalle_services.image_moderation_restore(image=image)


def reports_dismiss(*, reports, manager) -> int:
    return reports.filter(status=Report.Status.OPEN).update(
        status=Report.Status.DISMISSED, decided_at=timezone.now(), decided_by=manager
    )
