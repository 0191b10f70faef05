"""The production stack on this machine, without Docker: gunicorn (with gunicorn.conf.py) on
PostgreSQL, the db_worker, and Debian's Nginx with nginx/default.conf.template, driven
through Nginx over real HTTP the way a shopper's browser would."""

import json
import os
import secrets
import shutil
import signal
import subprocess

import pytest

from tests.conftest import ROOT, process_env, wait_for
from tests.core.stack import (
    Shopper,
    answers,
    free_port,
    gunicorn,
    nginx,
    nginx_conf,
    search,
    stack_or_skip,
    stop,
    task_worker,
)
from tests.products.factories import FormatFactory, ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stack(tmp_path, static_root):
    stack_or_skip()
    (tmp_path / "media").mkdir()
    (tmp_path / "private").mkdir()
    web_port, nginx_port = free_port(), free_port()
    env = process_env(
        DEBUG="False",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False",
        SECURE_COOKIES="False",  # plain HTTP on loopback; TLS ends at the real proxy
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        PRIVATE_MEDIA_ACCEL_REDIRECT="/protected/",
        # Redis on a port where nothing listens: the whole journey runs with the cache down.
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        GUNICORN_BIND=f"127.0.0.1:{web_port}",
        WEB_CONCURRENCY="2",
        SHARED_CACHE_SECONDS="3",
    )
    conf = nginx_conf(
        tmp_path, upstreams=[f"127.0.0.1:{web_port}"], port=nginx_port, static_root=static_root
    )
    processes = {
        "web": gunicorn(env, tmp_path / "web.log"),
        "worker": task_worker(env, tmp_path / "worker.log"),
        "nginx": nginx(tmp_path, conf),
    }
    base = f"http://127.0.0.1:{nginx_port}"

    def healthy():
        """gunicorn to answer through Nginx"""
        return answers(base + "/healthz")

    try:
        wait_for(healthy, timeout=60)
        yield base, tmp_path, processes
    finally:
        stop(list(processes.values()))


def test_shopper_journey_through_nginx_gunicorn_and_the_worker(stack, shop_formats):
    """Home, a static file from Nginx, sign up, generate, order, pay, and /healthz."""
    base, tmp_path, _ = stack
    shopper = Shopper(base)

    _, home = shopper.follow("/")
    assert b"Turn a sentence into art" in home
    css = search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home)
    status, headers, _ = shopper.request(css)
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Server"] == "nginx"  # no version (server_tokens off), no gunicorn

    shopper.sign_up("stacky")

    image_path, _ = shopper.follow(
        "/create/", {"prompt": "A tram climbing a hill at dusk", "size": "1024x1024"}
    )

    def painted():
        """the worker to paint the image"""
        return b'data-status="succeeded"' in shopper.follow(image_path)[1]

    wait_for(painted, timeout=60)
    _, page = shopper.follow(image_path)
    # The page draws a sized preview and links the original, both through checked views.
    preview_url = search(rb'<img src="([^"]+)"[^>]* class="artwork', page)
    assert preview_url.endswith("/preview/640.webp")
    status, headers, webp = shopper.request(preview_url)
    assert status == 200 and webp[8:12] == b"WEBP"
    assert headers["Cache-Control"] == "private, no-store"
    image_url = search(rb'<a href="([^"]+/original/)"', page)
    status, headers, png = shopper.request(image_url)
    assert status == 200 and png[:4] == b"\x89PNG"  # sent by Nginx from the internal location
    assert "X-Accel-Redirect" not in headers
    assert headers["Cache-Control"] == "private, no-store"
    stranger = Shopper(base)
    assert stranger.request(image_url)[0] == 404
    assert stranger.request(preview_url)[0] == 404
    private_files = list((tmp_path / "private").rglob("*.png"))
    key = private_files[0].relative_to(tmp_path / "private").as_posix()
    assert stranger.request(f"/protected/{key}")[0] == 404, "internal: not reachable from outside"
    assert stranger.request(f"/media/{key}")[0] == 404

    public_id = image_path.strip("/").split("/")[-1]
    order_form_path, _ = shopper.follow(f"/images/{public_id}/order/", {})
    _, cart = shopper.follow(order_form_path, {"format": shop_formats[0].pk, "quantity": "1"})
    assert b"Added to your cart" in cart
    checkout_path, checkout = shopper.follow("/purchases/cart/checkout/", {})
    assert b"TEST MODE" in checkout
    _, success = shopper.follow(checkout_path, {"action": "pay"})
    assert b"Your order is paid" in success

    status, _, body = shopper.request("/healthz")
    health = json.loads(body)
    assert status == 200
    assert (health["status"], health["database"]) == ("degraded", "ok")
    assert health["checks"]["cache"]["status"] == "unreachable"
    access_log = (tmp_path / "nginx-access.log").read_text()
    assert "POST /purchases/test-checkout/" in access_log


def test_nginx_caches_visitors_pages_and_never_anyones_own(stack):
    """Anonymous repeats are Nginx's HITs; a signed-in page or one with a flash message is
    never stored for the next visitor; Nginx answers from its cache while Django is down."""
    base, _, processes = stack
    product = ProductFactory(image__prompt="A lighthouse in a storm")
    stranger = Shopper(base)

    for path in ("/", "/shop/", product.get_absolute_url()):
        status, first, _ = stranger.request(path)
        status, again, _ = stranger.request(path)
        assert status == 200
        assert (first["X-Cache-Status"], again["X-Cache-Status"]) == ("MISS", "HIT"), path
        assert again["Cache-Control"] == "public, max-age=3"
        assert "Cookie" in ", ".join(again.get_all("Vary"))

    # Signed in: every page bypasses the cache, and none is kept for the stranger.
    customer = Shopper(base)
    customer.sign_up("cached_customer")
    for path in ("/?signed-in", "/shop/?q=storm", product.get_absolute_url() + "?signed-in"):
        status, headers, page = customer.request(path)
        assert status == 200 and b"cached_customer" in page
        assert headers["X-Cache-Status"] == "BYPASS"
        assert headers["Cache-Control"] == "private, no-store"
        status, headers, page = stranger.request(path)
        assert headers["X-Cache-Status"] == "MISS", f"{path} was stored for someone else"
        assert b"cached_customer" not in page and b"Log in" in page

    # A visitor who put a print in the cart sees the flash message on the next page.
    visitor = Shopper(base)
    order_form = f"/purchases/order/{product.slug}/"
    visitor.follow(order_form)
    format_pk = FormatFactory().pk
    status, _, _ = visitor.request(order_form, {"format": format_pk, "quantity": "1"})
    assert status == 302 and visitor.cookie("cart_count") == "1"
    status, headers, page = visitor.request("/shop/?q=lighthouse")
    assert b"Added to your cart" in page
    assert headers["X-Cache-Status"] == "BYPASS"
    status, headers, page = stranger.request("/shop/?q=lighthouse")
    assert headers["X-Cache-Status"] == "MISS" and b"Added to your cart" not in page
    assert b"A lighthouse in a storm" in page

    # Django is gone: Nginx still serves the visitors' pages it holds, stale.
    os.killpg(processes["web"].pid, signal.SIGKILL)
    processes["web"].wait(timeout=10)

    def stale():
        """Nginx to serve its expired copy of the shop"""
        status, headers, page = stranger.request("/shop/")
        assert status == 200 and b"A lighthouse in a storm" in page
        return headers["X-Cache-Status"] == "STALE"

    wait_for(stale, timeout=10, interval=0.5)
    assert stranger.request("/accounts/login/")[0] == 502  # nothing personal was kept


def test_docker_compose_file_is_valid(tmp_path):
    """docker-compose.yml passes `docker-compose config` (Debian's client needs no engine)."""
    client = shutil.which("docker-compose")
    if client is None:
        message = "no docker-compose client (apt-get install docker-compose)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    # A copy beside a .env made from .env.example, as a deployment would have it.
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        [client, "config"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    services = ("postgres", "minio", "create-bucket", "migrate", "web", "nginx")
    workers = ("worker-generation", "worker-interactive", "worker-fulfilment")
    for name in services + workers:
        assert f"\n  {name}:\n" in "\n" + result.stdout
