from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import ApiTokenForm, ShippingAddressForm, SignUpForm
from accounts.selectors import api_tokens_of, shipping_address_of
from accounts.services import api_token_create as api_token_service_create
from accounts.services import api_token_revoke as api_token_service_revoke
from accounts.services import shipping_address_save, user_sign_up


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
        login(request, user)
        messages.success(request, f"Welcome, {user.username}! Your account is ready.")
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            return redirect(next_url)
        return redirect("home")
    return render(
        request, "accounts/signup.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _profile_page(
    request: HttpRequest, form: ShippingAddressForm, status: int = 200, **extra
) -> HttpResponse:
    context = {
        "form": form,
        "tokens": api_tokens_of(user=request.user),
        "token_form": ApiTokenForm(),
        **extra,
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    address = shipping_address_of(user=request.user)
    form = ShippingAddressForm(request.POST or None, instance=address)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, "Please correct the errors below.")
            return _profile_page(request, form, status=400)
        shipping_address_save(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your shipping address is saved.")
        return redirect("profile")
    return _profile_page(request, form)


@require_POST
@login_required
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Show the new key on this response only: it is never stored, nor put in a cookie."""
    token_form = ApiTokenForm(request.POST)
    form = ShippingAddressForm(instance=shipping_address_of(user=request.user))
    if not token_form.is_valid():
        return _profile_page(request, form, status=400, token_error=token_form.errors["name"][0])
    token, key = api_token_service_create(user=request.user, name=token_form.cleaned_data["name"])
    return _profile_page(request, form, new_key=key, new_token=token)


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if api_token_service_revoke(user=request.user, token_id=token_id):
        messages.success(request, "The API key is revoked: apps using it are now refused.")
    return redirect("profile")
