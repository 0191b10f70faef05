from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from dalle import selectors as dalle_selectors
from gallery import selectors, services
from gallery.cache import gallery_cache_seconds, gallery_state
from gallery.forms import ReportForm
from lib.caching import cache_per_viewer


def _explore_query(request: HttpRequest) -> tuple[str, str, str]:
    """The tab, the prompt words and the page asked for; anything odd means the default."""
    tab = request.GET.get("tab", "")
    return (
        tab if tab in selectors.TABS else selectors.NEWEST,
        request.GET.get("q", "").strip()[:200],
        request.GET.get("page", ""),
    )


@cache_per_viewer(state=gallery_state, seconds=gallery_cache_seconds)
def explore(request: HttpRequest) -> HttpResponse:
    tab, query, number = _explore_query(request)
    page = selectors.explore_page(tab=tab, query=query, number=number, viewer=request.user)
    keep = {"tab": tab} if tab != selectors.NEWEST else {}
    if query:
        keep["q"] = query
    tabs = []
    for key, label in selectors.TABS.items():
        asked = {"tab": key} if key != selectors.NEWEST else {}
        if query:
            asked["q"] = query
        tabs.append((key, label, reverse("explore") + (f"?{urlencode(asked)}" if asked else "")))
    context = {
        "page": page,
        "tab": tab,
        "tabs": tabs,
        "query": query,
        "query_string": urlencode(keep),
        "ranked": tab != selectors.NEWEST,
        "first_rank": (page.number - 1) * selectors.PAGE_SIZE + 1,
        "rank_base": (page.number - 1) * selectors.PAGE_SIZE,
        "window_label": {selectors.TODAY: "today", selectors.WEEK: "this week"}.get(tab, ""),
    }
    if request.htmx:
        return render(request, "gallery/explore.html#cards", context)
    return render(request, "gallery/explore.html", context)


@cache_per_viewer(state=gallery_state, seconds=gallery_cache_seconds)
def creator(request: HttpRequest, username: str) -> HttpResponse:
    found = selectors.creator_of(username=username)
    page = selectors.creator_page(
        creator=found.user, number=request.GET.get("page", ""), viewer=request.user
    )
    context = {"creator": found, "page": page, "query_string": ""}
    if request.htmx:
        return render(request, "gallery/creator.html#cards", context)
    return render(request, "gallery/creator.html", context)


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())
    return next_url if next_url and allowed else ""


@require_POST
def image_like(request: HttpRequest, public_id) -> HttpResponse:
    """Like (like=1) or unlike (like=0) a public image; back where the click was."""
    image = dalle_selectors.public_image(public_id=public_id)
    next_url = _safe_next(request) or image.get_absolute_url()
    if not request.user.is_authenticated:
        login = redirect_to_login(next_url)
        return HttpResponseClientRedirect(login.url) if request.htmx else login
    state = services.like_set(
        user=request.user, image=image, liked=request.POST.get("like", "1") != "0"
    )
    if request.htmx:
        context = {"image": image, "likes": state.likes, "liked": state.liked, "next": next_url}
        return render(request, "gallery/_like.html", context)
    return redirect(next_url)


@login_required
def image_delete(request: HttpRequest, public_id) -> HttpResponse:
    """Asks first (a page of its own, no JavaScript needed), then deletes or hides."""
    image = dalle_selectors.image_owned_by(user=request.user, public_id=public_id)
    if request.method != "POST":
        return render(request, "gallery/delete.html", {"image": image})
    try:
        outcome = services.image_delete_or_hide(image=image)
    except services.DeleteRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(image)
    if outcome == services.HIDDEN:
        messages.success(
            request,
            "Someone has ordered this image, so it is hidden instead of deleted: no one sees it "
            "any more, and their order keeps its files.",
        )
    else:
        messages.success(request, "The image is deleted.")
    return redirect("image_list")


@login_required
def image_report(request: HttpRequest, public_id) -> HttpResponse:
    """Report a public image to the moderators, with a reason."""
    image = dalle_selectors.public_image(public_id=public_id)
    form = ReportForm(request.POST or None)
    if request.method != "POST":
        return render(request, "gallery/report.html", {"image": image, "form": form})
    if not form.is_valid():
        return render(request, "gallery/report.html", {"image": image, "form": form}, status=400)
    try:
        services.report_create(
            reporter=request.user,
            image=image,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except services.ReportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(image)
    messages.success(request, "Thank you. A moderator will look at this image soon.")
    return redirect(image)
