from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.views.decorators.http import require_POST

from dalle import selectors, services
from dalle.forms import AgainForm, PromptForm
from dalle.models import GeneratedImage
from lib.client_ip import client_ip
from lib.private_files import private_file_response

PAGE_SIZE = 24


def _refusal_text(refusal: services.GenerationRefused) -> str:
    if refusal.retry_at is None:
        return refusal.message
    when = timezone.localtime(refusal.retry_at)
    return (
        f"{refusal.message} You can create again at {when:%H:%M} {when:%Z} "
        f"(in {timeuntil(refusal.retry_at)})."
    )


# What the page answers when a request is refused, by the refusal's code.
REFUSAL_STATUS = {"remix_not_public": 400, "prompt_blocked": 400, "bad_count": 400}


def _remix_source(public_id) -> GeneratedImage | None:
    """The public image a "Use this prompt" link names; None when it is not public."""
    try:
        return selectors.public_image(public_id=public_id) if public_id else None
    except Http404:
        return None


@login_required
def image_create(request: HttpRequest) -> HttpResponse:
    """Create: a prompt, a style preset and a size; "Use this prompt" fills it from a public
    image (`?remix=<id>`), and the new image records that remix."""
    asked = request.POST.get("remix_of") or request.GET.get("remix")
    remix = _remix_source(asked)
    if asked and remix is None and request.method != "POST":
        raise Http404("This image is not public, so it cannot be remixed.")
    initial = {}
    if remix is not None:
        initial = {"prompt": remix.prompt, "style": remix.style, "size": remix.size}
        initial["remix_of"] = remix.public_id
    form = PromptForm(request.POST or None, initial=initial)
    # Counted only when a page is rendered, not on the successful POST.
    context = {
        "form": form,
        "remix": remix,
        "allowance": lambda: selectors.allowance_of(user=request.user),
    }
    if request.method != "POST":
        return render(request, "dalle/create.html", context)
    if not form.is_valid():
        return render(request, "dalle/create.html", context, status=400)
    if form.cleaned_data["remix_of"] and remix is None:
        form.add_error(None, services.REMIX_NOT_PUBLIC)
        return render(request, "dalle/create.html", context, status=400)
    try:
        images = services.generations_request(
            user=request.user,
            prompt=form.cleaned_data["prompt"],
            size=form.cleaned_data["size"],
            style=form.cleaned_data["style"],
            count=form.cleaned_data["count"],
            remix_of=remix,
            client_ip=client_ip(request),
        )
    except services.GenerationRefused as refusal:
        if refusal.code == "email_unverified":
            messages.info(request, refusal.message)
            return redirect("email_verify_pending")
        form.add_error(None, _refusal_text(refusal))
        status = REFUSAL_STATUS.get(refusal.code, 429)
        return render(request, "dalle/create.html", context, status=status)
    return redirect(images[0])


@login_required
def image_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.images_of(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "dalle/list.html", {"page": page})


def image_detail(request: HttpRequest, public_id) -> HttpResponse:
    image = selectors.image_visible_to(user=request.user, public_id=public_id)
    # A reload picks up a job whose worker died.
    running = image.status == GeneratedImage.Status.RUNNING
    if running and services.generation_recover_stale(image_id=image.pk):
        image = selectors.image_visible_to(user=request.user, public_id=public_id)
    context = {
        "image": image,
        "is_owner": image.owner_id == request.user.pk,
        "variation_counts": range(1, services.MAX_VARIATIONS + 1),
    }
    if request.htmx:
        return render(request, "dalle/detail.html#status", context)
    is_owner = context["is_owner"]
    context["batch"] = selectors.batch_of(image=image) if is_owner else []
    return render(request, "dalle/detail.html", context)


@require_POST
@login_required
def image_again(request: HttpRequest, public_id) -> HttpResponse:
    """ "Regenerate" (one) and "Variations of this" (one to four) on one's own image."""
    image = selectors.image_owned_by(user=request.user, public_id=public_id)
    form = AgainForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["count"][0])
        return redirect(image)
    original = image.remix_of if image.remix_of_id and image.remix_of.is_public else None
    try:
        images = services.generations_request(
            user=request.user,
            prompt=image.prompt,
            size=image.size,
            style=image.style,
            count=form.cleaned_data["count"],
            remix_of=original,
            again=True,
            client_ip=client_ip(request),
        )
    except services.GenerationRefused as refusal:
        if refusal.code == "email_unverified":
            messages.info(request, refusal.message)
            return redirect("email_verify_pending")
        messages.error(request, _refusal_text(refusal))
        return redirect(image)
    return redirect(images[0])


@require_POST
@login_required
def image_cancel(request: HttpRequest, public_id) -> HttpResponse:
    image = selectors.image_owned_by(user=request.user, public_id=public_id)
    try:
        services.generation_cancel(image=image)
        messages.success(request, "Canceled. It does not count against your daily images.")
    except services.TransitionNotAllowed:
        messages.warning(request, "Too late to cancel: the painting has already started or ended.")
    return redirect(image)


def image_original(request: HttpRequest, public_id) -> HttpResponse:
    """The full-resolution original, after the permission check: owner or manager."""
    image = selectors.image_files_for(user=request.user, public_id=public_id)
    return private_file_response(image.image, filename=f"aigallery-{image.public_id}.png")


def image_preview(request: HttpRequest, public_id) -> HttpResponse:
    """The preview of an image that has no public thumbnail (private): for its owner and
    managers (the manager pages show every order's artwork)."""
    image = selectors.image_preview_for(user=request.user, public_id=public_id)
    if not image.preview:
        raise Http404("No preview")
    return private_file_response(image.preview)


def image_preview_sized(request: HttpRequest, public_id, width: int, fmt: str) -> HttpResponse:
    """One sized preview (`srcset`) of an image that has no public copies: the same check as
    the preview above, so another shopper gets a 404 for a private image's sizes."""
    image = selectors.image_preview_for(user=request.user, public_id=public_id)
    stored = image.sized_preview_file(width=width, fmt=fmt)
    if stored is None:
        raise Http404("No such size")
    return private_file_response(stored)
