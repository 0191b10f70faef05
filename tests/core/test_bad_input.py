"""Malformed, oversized or wrongly typed input gets a clear 4xx on every route, and changes nothing."""

import io
import json
import re
import uuid

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.dalle.factories import ImageFactory

SAMPLES = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.uuid4()), "path": "x.png"}
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?\w+>")


def _routes(patterns=None, prefix: str = "") -> list[str]:
    """Every path of the URLconf with sample values in its converters (admin regexes skipped)."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if route.startswith("^"):
            continue  # regex patterns (the admin's): its login page is walked below
        route = CONVERTER.sub(lambda m: SAMPLES.get(m.group("kind") or "str", "x"), route)
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            found.append("/" + prefix + route)
    # /healthz answers before any check on purpose and reads no input at all.
    return sorted(set(found) - {"/healthz"}) + ["/admin/login/"]


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed}


BAD_QUERIES = [
    "q=a%00b",
    "page=%ff%fe",
    "q=%ed%a0%80",  # an encoded lone surrogate
    "status=%c0%af",  # an over-long UTF-8 form
    "q=" + "a" * 5000,
]
BAD_FORMS = [b"name=a%00b", b"prompt=caf%e9", b"message=%ed%a0%80", b"email=x\xff@example.com"]
BAD_JSON = [b'{"prompt": "a\\u0000b"}', b'{"name": "\\ud800"}', b'{"prompt": "caf\xe9"}']


@pytest.fixture
def clients(db, manager):
    staff = Client()
    staff.force_login(manager)
    return {"visitor": Client(), "staff": staff}


@pytest.mark.django_db
def test_bad_bytes_anywhere_are_refused_with_400_on_every_route(clients):
    """NUL, invalid UTF-8, surrogates and over-long queries: 400 with a sentence, nothing written."""
    ImageFactory()
    routes = _routes()
    assert len(routes) > 30
    before = _row_counts()
    # Every route meets every kind of bad input; the variants of each kind take turns.
    for n, route in enumerate(routes):
        for who, client in clients.items():
            query = BAD_QUERIES[n % len(BAD_QUERIES)]
            for method in (client.get, client.post):
                response = method(f"{route}?{query}")
                assert response.status_code == 400, (who, method, route, query)
            bad_path = route.rstrip("/") + ("%00/" if n % 2 else "/caf%E9")
            assert client.get(bad_path).status_code == 400, (who, bad_path)
            body = BAD_FORMS[n % len(BAD_FORMS)]
            response = client.post(route, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code == 400, (who, route, body)
            body = BAD_JSON[n % len(BAD_JSON)]
            response = client.post(route, body, content_type="application/json")
            assert response.status_code == 400, (who, route, body)
    assert _row_counts() == before


@pytest.mark.django_db
def test_wrong_types_and_huge_values_never_give_a_server_error(clients):
    """Every route answers a wrongly typed or very long form or JSON body with a 4xx or a page."""
    ImageFactory()
    junk = {
        name: value
        for name in (
            "prompt",
            "size",
            "quantity",
            "format",
            "name",
            "message",
            "email",
            "username",
            "password",
            "password1",
            "password2",
            "status",
            "visibility",
            "action",
            "q",
            "page",
            "country",
            "full_name",
            "line1",
            "city",
            "postal_code",
            "note",
        )
        for value in ["x" * 5000]
    }
    typed = {"quantity": ["a", {"b": 1}], "format": None, "size": 12, "prompt": {"x": 1}}
    kinds = [
        lambda c, route: c.post(route, junk),
        lambda c, route: c.post(route, json.dumps(typed), content_type="application/json"),
        lambda c, route: c.get(route, {"page": "-1x", "page_size": "abc", "q": "x" * 1000}),
    ]
    # Each route gets two of the three kinds (one per client); over the routes, all of them.
    for n, route in enumerate(_routes()):
        if route.startswith("/accounts/logout"):
            continue
        for offset, (who, client) in enumerate(clients.items()):
            response = kinds[(n + offset) % len(kinds)](client, route)
            assert response.status_code < 500, (who, route, response.status_code)


def test_api_bad_input_keeps_the_error_shape(client):
    """Under /api/ the refusal is the API's JSON error, with a readable message."""
    response = client.get("/api/v1/products/?q=%00")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request" and "NUL" in error["message"]


def test_html_bad_input_is_a_small_page_with_a_sentence(client):
    """A browser gets a short page that says what was wrong and that nothing changed."""
    response = client.get("/shop/?q=%ff")
    assert response.status_code == 400
    assert b"not valid UTF-8" in response.content and b"Nothing was changed" in response.content


def test_oversized_body_is_refused_with_413_before_the_webhook_runs(client, settings, db):
    """A body over REQUEST_MAX_BODY_BYTES: 413 from its Content-Length, the webhook included."""
    settings.REQUEST_MAX_BODY_BYTES = 1000
    body = b'{"id": "evt_1", "pad": "' + b"x" * 3000 + b'"}'
    response = client.post("/purchases/stripe/webhook/", body, content_type="application/json")
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    response = client.post("/api/v1/generations/", body, content_type="application/json")
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


def test_a_streamed_body_is_counted_while_it_is_read(client, settings, db):
    """A chunked body without Content-Length is refused once it passes the limit."""
    settings.REQUEST_MAX_BODY_BYTES = 1000
    response = client.generic(
        "POST",
        "/contact/",
        headers={"transfer-encoding": "chunked"},
        content_type="application/x-www-form-urlencoded",
        **{"wsgi.input": io.BytesIO(b"message=" + b"x" * 5000), "CONTENT_LENGTH": ""},
    )
    assert response.status_code == 413


def test_a_small_streamed_body_still_reaches_the_view(client, db):
    """A chunked body under the limit is read and handed on as if it had its length."""
    response = client.generic(
        "POST",
        "/api/v1/generations/",
        headers={"transfer-encoding": "chunked"},
        content_type="application/json",
        **{"wsgi.input": io.BytesIO(b'{"prompt": "x"}'), "CONTENT_LENGTH": ""},
    )
    assert response.status_code in (401, 403)  # read fine, then refused for want of a login


def test_content_length_must_be_a_number(client):
    """A Content-Length that is not a number is a 400, not a silently empty body."""
    response = client.generic("POST", "/contact/", b"", CONTENT_LENGTH="12abc")
    assert response.status_code == 400
