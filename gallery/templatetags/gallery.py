"""The gallery's part of an image's page (dalle/detail.html): likes, remixes, delete."""

from django import template

from gallery import selectors

register = template.Library()


@register.inclusion_tag("gallery/_image_social.html", takes_context=True)
def image_social(context, image) -> dict:
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "image": image,
        "is_owner": image.owner_id == request.user.pk,
        "social": selectors.image_social(image=image, viewer=request.user),
    }
