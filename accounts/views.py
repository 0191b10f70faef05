from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import (
    ApiTokenForm,
    PublicProfileForm,
    QueuedPasswordResetForm,
    ShippingAddressForm,
    SignUpForm,
)
from accounts.selectors import api_tokens_of, shipping_address_of
from accounts.services import (
    DuplicateSubmission,
    SignUpConflict,
    VerificationFailed,
    email_verification_send,
    email_verification_url,
    email_verify,
    public_profile_save,
    shipping_address_save,
    user_sign_up,
)
from accounts.services import api_token_create as api_token_service_create
from accounts.services import api_token_revoke as api_token_service_revoke
from lib.throttle import throttle


def _safe_next(request: HttpRequest, next_url: str) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        return next_url
    return ""


@throttle("signup", "SIGNUP_RATE")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/signup.html", {"form": form}, status=400)
        try:
            user = user_sign_up(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except SignUpConflict as conflict:
            form.add_error(conflict.field, conflict.message)
            return render(request, "accounts/signup.html", {"form": form}, status=400)
        login(request, user, backend="accounts.backends.CachedModelBackend")
        messages.success(request, f"Welcome, {user.username}! Your account is ready.")
        next_url = _safe_next(request, request.POST.get("next", ""))
        if not user.email_verified:
            request.session["verify_next"] = next_url
            return redirect("email_verify_pending")
        return redirect(next_url or "home")
    return render(
        request, "accounts/signup.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _profile_page(
    request: HttpRequest, form: ShippingAddressForm, status: int = 200, **extra
) -> HttpResponse:
    context = {
        "form": form,
        "public_form": PublicProfileForm(instance=request.user),
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
def public_profile(request: HttpRequest) -> HttpResponse:
    public_form = PublicProfileForm(request.POST, instance=request.user)
    if not public_form.is_valid():
        form = ShippingAddressForm(instance=shipping_address_of(user=request.user))
        # The instance was changed by validation; the page shows what was typed, saved or not.
        return _profile_page(request, form, status=400, public_form=public_form)
    public_profile_save(
        user=request.user,
        display_name=public_form.cleaned_data["display_name"],
        bio=public_form.cleaned_data["bio"],
    )
    messages.success(request, "Your public profile is saved.")
    return redirect("profile")


@require_POST
@login_required
@throttle("api-key-create", "API_KEY_CREATE_RATE")
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Show the new key on this response only: it is never stored, nor put in a cookie."""
    token_form = ApiTokenForm(request.POST)
    form = ShippingAddressForm(instance=shipping_address_of(user=request.user))
    if not token_form.is_valid():
        return _profile_page(request, form, status=400, token_error=token_form.errors["name"][0])
    try:
        token, key = api_token_service_create(
            user=request.user,
            name=token_form.cleaned_data["name"],
            once=token_form.cleaned_data["once"],
        )
    except DuplicateSubmission as duplicate:
        messages.info(request, str(duplicate))
        return redirect("profile")
    return _profile_page(request, form, new_key=key, new_token=token)


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if api_token_service_revoke(user=request.user, token_id=token_id):
        messages.success(request, "The API key is revoked: apps using it are now refused.")
    return redirect("profile")


@login_required
@throttle("verify-resend", "PASSWORD_RESET_RATE")
def email_verify_pending(request: HttpRequest) -> HttpResponse:
    """ "Check your inbox", a button to send the link again, and in development the link."""
    if request.user.email_verified:
        return redirect("image_create")
    if request.method == "POST":
        email_verification_send(user=request.user)
        messages.success(request, f"We sent a new link to {request.user.email}.")
        return redirect("email_verify_pending")
    dev_link = None
    if settings.ACCOUNT_EMAIL_VERIFICATION == "link-shown":
        dev_link = email_verification_url(user=request.user)
    return render(request, "accounts/verify_pending.html", {"dev_link": dev_link})


def email_verify_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = email_verify(token=token)
    except VerificationFailed as failure:
        return render(request, "accounts/verify_failed.html", {"message": str(failure)}, status=400)
    messages.success(request, "Thank you: your e-mail address is confirmed. Create away!")
    next_url = ""
    if request.user.is_authenticated and request.user.pk == user.pk:
        next_url = _safe_next(request, request.session.pop("verify_next", ""))
    return redirect(next_url or "image_create")


@method_decorator(throttle("password-reset", "PASSWORD_RESET_RATE"), name="dispatch")
class ThrottledPasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
