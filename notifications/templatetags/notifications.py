"""The header's bell and the profile's e-mail choices, for the pages of other apps."""

from django import template

from notifications import selectors
from notifications.forms import EmailChoiceForm

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context) -> dict:
    request = context["request"]
    # Pages cost no query for it: the cached count, or none until the bell's poll fetches it.
    return {"request": request, "unread": selectors.unread_count_if_cached(user=request.user)}


@register.inclusion_tag("notifications/_emails.html", takes_context=True)
def notification_email_choices(context) -> dict:
    user = context["request"].user
    form = EmailChoiceForm(initial={"kinds": sorted(selectors.email_kinds_of(user=user))})
    return {"form": form, "csrf_token": context.get("csrf_token")}
