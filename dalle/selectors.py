from django.db.models import Q, QuerySet
from django.http import Http404

from dalle.models import GeneratedImage


def images_of(*, user) -> QuerySet[GeneratedImage]:
    return GeneratedImage.objects.filter(owner=user).order_by("-created_at", "-id")


def image_visible_to(*, user, public_id) -> GeneratedImage:
    """The owner sees their images; others see public ones; anything else is a 404."""
    visible = Q(visibility=GeneratedImage.Visibility.PUBLIC, status=GeneratedImage.Status.SUCCEEDED)
    if user.is_authenticated:
        visible |= Q(owner=user)
    image = GeneratedImage.objects.filter(visible, public_id=public_id).first()
    if image is None:
        raise Http404("No such image")
    return image


def image_owned_by(*, user, public_id) -> GeneratedImage:
    image = GeneratedImage.objects.filter(owner=user, public_id=public_id).first()
    if image is None:
        raise Http404("No such image")
    return image


def image_files_for(*, user, public_id) -> GeneratedImage:
    """The original is the owner's (and managers'); a buyer downloads it from the order."""
    image = GeneratedImage.objects.filter(
        public_id=public_id, status=GeneratedImage.Status.SUCCEEDED
    ).first()
    if image is None or not (
        user.is_authenticated and (user.is_staff or image.owner_id == user.pk)
    ):
        raise Http404("No such image")
    return image
