from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from gallery import selectors
from gallery.cache import gallery_cache_seconds, gallery_state
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
