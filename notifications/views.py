from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.forms import EmailChoiceForm


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = selectors.notifications_page(user=request.user, number=request.GET.get("page"))
    context = {"page": page, "unread": selectors.unread_count(user=request.user)}
    return render(request, "notifications/list.html", context)


@login_required
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The header's bell alone, which pages poll (htmx) to stay current."""
    return render(
        request, "notifications/_bell.html", {"unread": selectors.unread_count(user=request.user)}
    )


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    services.notification_read(user=request.user, notification_id=notification_id)
    return redirect("notifications")


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    if services.notifications_read_all(user=request.user):
        messages.success(request, "All your notifications are marked as read.")
    return redirect("notifications")


@require_POST
@login_required
def notification_emails(request: HttpRequest) -> HttpResponse:
    """The profile's e-mail choices (the form is on the profile page)."""
    form = EmailChoiceForm(request.POST)
    if not form.is_valid():
        raise Http404("No such choice")  # only a forged form sends an unknown kind
    services.email_kinds_save(user=request.user, kinds=set(form.cleaned_data["kinds"]))
    messages.success(request, "Your e-mail choices are saved.")
    return redirect("/accounts/profile/#notifications")
