import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import INFO
from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from lib.caching import bump, cache_per_viewer, public_for_visitors

pytestmark = pytest.mark.django_db


class Page:
    """A view that counts its renders and answers what the test asks for."""

    def __init__(self, status: int = 200, cookie: bool = False, token: bool = False) -> None:
        self.renders = 0
        self.status, self.cookie, self.token = status, cookie, token

    def render(self, request, *args, **kwargs) -> HttpResponse:
        self.renders += 1
        body = f"render {self.renders}" + (f" {get_token(request)}" if self.token else "")
        response = HttpResponse(body, status=self.status)
        if self.cookie:
            response.set_cookie("seen", "1")
        return response


class PendingMessages(BaseStorage):
    def _get(self, *args, **kwargs):
        return [], True

    def _store(self, messages, response, *args, **kwargs):
        return []


def get(path: str = "/page/", user=None, method: str = "get", csrf: str | None = None):
    request = getattr(RequestFactory(), method)(path)
    request.user = user or AnonymousUser()
    if csrf:
        request.META["CSRF_COOKIE"] = csrf
    return request


def test_a_page_is_rendered_once_then_served_from_the_cache(any_cache):
    """The second visit gets the first render, content type included."""
    page = Page()
    view = cache_per_viewer(scope="test", seconds=60)(page.render)
    assert view(get()).content == b"render 1"
    again = view(get())
    assert again.content == b"render 1"
    assert again["Content-Type"] == "text/html; charset=utf-8"
    assert page.renders == 1


def test_a_bump_or_another_path_or_viewer_renders_again(user, other_user, any_cache):
    """Each path and each viewer has its own entry; a bump makes them all stale."""
    page = Page()
    view = cache_per_viewer(scope="test", seconds=60)(page.render)
    view(get("/page/?q=a"))
    view(get("/page/?q=b"))
    view(get(user=user, csrf="s" * 32))
    view(get(user=other_user, csrf="s" * 32))
    assert page.renders == 4
    bump("test")
    assert view(get("/page/?q=a")).content == b"render 5"


def test_state_function_keys_the_page(any_cache):
    """With a state function, a new state is a new entry; the same state is a hit."""
    page, states = Page(), iter(["one", "one", "two"])
    view = cache_per_viewer(state=lambda request: next(states), seconds=60)(page.render)
    for _ in range(3):
        view(get())
    assert page.renders == 2


@pytest.mark.parametrize(
    "answer", [{"status": 400}, {"status": 302}, {"cookie": True}], ids=["400", "302", "cookie"]
)
def test_errors_redirects_and_cookies_are_never_cached(answer, any_cache):
    """A non-200 response, or one that sets a cookie, is rendered on every request."""
    page = Page(**answer)
    view = cache_per_viewer(scope="test", seconds=60)(page.render)
    view(get())
    view(get())
    assert page.renders == 2


def test_visitors_never_share_a_csrf_token():
    """A visitor's page with a CSRF token in it is not served to other visitors."""
    page = Page(token=True)
    view = cache_per_viewer(scope="test", seconds=60)(page.render)
    first = view(get(csrf="a" * 32)).content
    assert view(get(csrf="b" * 32)).content != first
    assert page.renders == 2


def test_a_new_csrf_secret_is_not_cached_under_the_old_key(user):
    """A signed-in page that minted a CSRF secret goes out once, with its cookie."""
    page = Page(token=True)
    view = cache_per_viewer(scope="test", seconds=60)(page.render)
    view(get(user=user))
    view(get(user=user))
    assert page.renders == 2


def test_pending_messages_and_posts_skip_the_cache():
    """Messages waiting to be shown, or a POST, always get a fresh render."""
    page = Page()
    view = cache_per_viewer(scope="test", seconds=60)(page.render)
    view(get())
    with_messages = get()
    with_messages._messages = PendingMessages(with_messages)
    with_messages._messages.add(INFO, "Saved.")
    view(with_messages)
    view(get(method="post"))
    assert page.renders == 3
    assert view(get()).content == b"render 1"


def test_one_of_scope_or_state():
    """The decorator refuses to guess which key to use."""
    with pytest.raises(TypeError):
        cache_per_viewer(seconds=1)
    with pytest.raises(TypeError):
        cache_per_viewer(seconds=1, scope="a", state=lambda request: "")


def test_a_visitors_page_is_public_for_shared_caches(settings):
    """Nobody's own page: shared caches may keep it SHARED_CACHE_SECONDS, keyed on cookies."""
    settings.SHARED_CACHE_SECONDS = 7
    response = public_for_visitors(Page().render)(get())
    assert response["Cache-Control"] == "public, max-age=7"
    assert response["Vary"] == "Cookie"


def _signed_in(user):
    return get(user=user)


def _with_session():
    request = get()
    request.COOKIES["sessionid"] = "a-visitors-cart"
    return request


def _with_messages():
    request = get()
    request._messages = PendingMessages(request)
    request._messages.add(INFO, "Added to your cart.")
    return request


@pytest.mark.parametrize(
    ("request_for", "answer"),
    [
        (_signed_in, {}),
        (lambda user: _with_session(), {}),
        (lambda user: _with_messages(), {}),
        (lambda user: get(), {"token": True}),
        (lambda user: get(), {"cookie": True}),
        (lambda user: get(), {"status": 404}),
        (lambda user: get(method="post"), {}),
    ],
    ids=["signed-in", "session", "message", "csrf-token", "sets-cookie", "404", "post"],
)
def test_anything_personal_is_private_and_never_stored(request_for, answer, user):
    """A signed-in page, a session, a message, a form's token, a cookie, an error or a POST
    is `private, no-store`: no shared cache keeps it for the next visitor."""
    response = public_for_visitors(Page(**answer).render)(request_for(user))
    assert response["Cache-Control"] == "private, no-store"
    assert response["Vary"] == "Cookie"


def test_no_shared_caching_when_switched_off(settings):
    """SHARED_CACHE_SECONDS=0 keeps every page out of shared caches."""
    settings.SHARED_CACHE_SECONDS = 0
    assert public_for_visitors(Page().render)(get())["Cache-Control"] == "private, no-store"


def test_a_views_own_cache_control_wins():
    """A view that decided its own caching keeps that decision."""

    def view(request):
        response = HttpResponse("hello")
        response["Cache-Control"] = "no-cache"
        return response

    assert public_for_visitors(view)(get())["Cache-Control"] == "no-cache"
