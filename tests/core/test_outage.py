"""A dependency outage degrades pages; it does not break them."""

import json
import socket
import threading

import pytest
from django.urls import reverse

from tests.conftest import manage, process_env
from tests.factories import PASSWORD
from tests.products.factories import ProductFactory

CLOSED_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    """The cache is Redis on a port where nothing listens, as when Redis has stopped."""
    settings.REDIS_URL = CLOSED_REDIS
    settings.CACHES = {
        "default": {"BACKEND": "lib.cache.ResilientRedisCache", "LOCATION": CLOSED_REDIS}
    }


@pytest.mark.django_db
def test_pages_work_while_redis_is_down(client, user, redis_down, shop_formats):
    """Shop, product, log-in, Create, My images and My orders all answer with the cache gone."""
    product = ProductFactory()
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("shop")).status_code == 200
    assert client.get(product.get_absolute_url()).status_code == 200

    login = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert login.status_code == 302, "log-in works without the cache"
    for name in ("image_create", "image_list", "order_list", "profile"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert user.username in response.content.decode(), "still signed in on the next request"

    created = client.post(reverse("image_create"), {"prompt": "a lighthouse", "size": "1024x1024"})
    assert created.status_code == 302
    assert user.images.filter(prompt="a lighthouse").exists()


@pytest.mark.django_db
def test_health_reports_the_cache_outage_as_degraded(client, redis_down):
    """The health check tells "degraded" (cache gone, still 200) from "down"."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["status"] == "unreachable"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["storage"]["status"] == "ok"
    assert "backlog" in body["checks"]["tasks"]


@pytest.mark.django_db
def test_cache_errors_are_logged_once_not_per_request(client, redis_down, caplog):
    """Ten requests during an outage log one cache error, not ten."""
    for _ in range(10):
        client.get(reverse("shop"))
    errors = [r for r in caplog.records if r.name == "lib.cache" and r.levelname == "ERROR"]
    assert len(errors) == 1


@pytest.fixture
def silent_database():
    """A TCP port that accepts connections and never says a word: a hung database."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_health_answers_within_three_seconds_when_the_database_hangs(silent_database):
    """With a database that never answers, /healthz says "down" (503) within 3 s."""
    script = (
        "import time, json; from django.test import Client; t = time.monotonic(); "
        "r = Client().get('/healthz'); "
        "print(json.dumps([r.status_code, time.monotonic() - t, r.json()]))"
    )
    env = process_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:{silent_database}/nowhere")
    result = manage("shell", "-c", script, env=env)
    status, seconds, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503, result.stderr
    assert body["status"] == "down"
    assert seconds < 3.0
