from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.forms import ShippingAddressForm, SignUpForm
from accounts.services import shipping_address_get, shipping_address_save, user_sign_up


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/signup.html", {"form": form}, status=400)
        user = user_sign_up(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Your account is ready.")
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            return redirect(next_url)
        return redirect("home")
    return render(
        request, "accounts/signup.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    address = shipping_address_get(user=request.user)
    form = ShippingAddressForm(request.POST or None, instance=address)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, "Please correct the errors below.")
            return render(request, "accounts/profile.html", {"form": form}, status=400)
        shipping_address_save(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your shipping address is saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})
