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
