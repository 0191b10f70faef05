from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from console.dashboard import dashboard_get
from console.forms import PeriodForm
from console.selectors import switch_state
from dalle.services import generation_resume


@require_safe
@staff_member_required
def console_home(request: HttpRequest) -> HttpResponse:
    """How the shop is doing over a period; the figures may be up to a minute old."""
    form = PeriodForm(request.GET)
    dashboard = dashboard_get(period=form.chosen_period())
    context = {"form": form, "dashboard": dashboard, "switch": switch_state()}
    return render(request, "console/home.html", context)


@require_POST
@staff_member_required
def console_generation_resume(request: HttpRequest) -> HttpResponse:
    sent = generation_resume()
    messages.success(
        request,
        "Image generation is on again."
        + (f" {sent} held job{'s' if sent != 1 else ''} sent to the painter." if sent else ""),
    )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("console_home")
