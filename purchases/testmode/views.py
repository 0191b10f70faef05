from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from purchases import selectors
from purchases.testmode import services


@login_required
def checkout_page(request: HttpRequest, session_id: str) -> HttpResponse:
    """The TEST MODE checkout page: Pay, Decline or Cancel, as on Stripe's own page."""
    checkout = services.testmode_checkout_get(user=request.user, session_id=session_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            return redirect(checkout.cancel_url)
        if action == "pay":
            session = services.testmode_checkout_pay(checkout=checkout)
        elif action == "decline":
            session = services.testmode_checkout_decline(checkout=checkout)
        else:
            return HttpResponseBadRequest("Unknown action")
        if action == "pay" and session.is_paid:
            return redirect(f"{checkout.success_url}?session_id={session_id}")
        messages.error(request, "The test card was declined. Nothing was charged.")
        return redirect(checkout.order)
    session = services.testmode_checkout_open(checkout=checkout)
    order = checkout.order
    items = selectors.order_items_list(order=order)
    context = {"checkout": checkout, "session": session, "order": order, "items": items}
    return render(request, "purchases/testmode/checkout.html", context)
