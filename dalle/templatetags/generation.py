from django import template

from dalle.models import GenerationSwitch

register = template.Library()


@register.inclusion_tag("admin/_generation_notice.html")
def generation_notice() -> dict:
    switch = GenerationSwitch.objects.filter(pk=1, enabled=False).first()
    return {"switch": switch}
