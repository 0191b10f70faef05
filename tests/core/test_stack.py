"""The production stack on this machine, without Docker: gunicorn (with gunicorn.conf.py) on
PostgreSQL, the db_worker, and Debian's Nginx with nginx/default.conf.template, driven
through Nginx over real HTTP the way a shopper's browser would."""

import getpass
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from string import Template

import pytest
from django.db import connection

from tests.conftest import ROOT, process_env, wait_for

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Shopper:
    """Cookies, CSRF tokens and no automatic redirects: what a browser does, by hand."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None):
        body = None
        if data is not None:
            token = next(c.value for c in self.jar if c.name == "csrftoken")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, response.headers, response.read()

    def follow(self, path: str, data: dict | None = None) -> tuple[str, bytes]:
        status, headers, body = self.request(path, data)
        while status in (301, 302, 303):
            path = (
                urllib.parse.urlsplit(headers["Location"])._replace(scheme="", netloc="").geturl()
            )
            status, headers, body = self.request(path)
        assert status == 200, (path, status, body[:500])
        return path, body


@pytest.fixture
def stack(tmp_path):
    if not os.access(NGINX, os.X_OK):
        message = "Debian's nginx is needed for the stack test (make test installs it)."
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    if connection.vendor != "postgresql":
        pytest.skip("The production stack runs on PostgreSQL: set DATABASE_URL (CI does).")
    static_root, media_root = tmp_path / "static", tmp_path / "media"
    private_root = tmp_path / "private"
    media_root.mkdir()
    private_root.mkdir()
    web_port, nginx_port = free_port(), free_port()
    env = process_env(
        DEBUG="False",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False",
        SECURE_COOKIES="False",  # plain HTTP on loopback; TLS ends at the real proxy
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        PRIVATE_MEDIA_ROOT=str(private_root),
        PRIVATE_MEDIA_ACCEL_REDIRECT="/protected/",
        # Redis on a port where nothing listens: the whole journey runs with the cache down.
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        GUNICORN_BIND=f"127.0.0.1:{web_port}",
        WEB_CONCURRENCY="2",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    server = Template((ROOT / "nginx" / "default.conf.template").read_text()).safe_substitute(
        UPSTREAM=f"127.0.0.1:{web_port}",
        LISTEN_PORT=str(nginx_port),
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        PRIVATE_MEDIA_ROOT=str(private_root),
    )
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx.conf").write_text(
        # Workers run as the test's own user: pytest's temporary folders are private to it.
        f"""user {getpass.getuser()};
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp_path}/nginx-access.log;
    client_body_temp_path {tmp_path}/nginx/body;
    proxy_temp_path {tmp_path}/nginx/proxy;
    fastcgi_temp_path {tmp_path}/nginx/fastcgi;
    uwsgi_temp_path {tmp_path}/nginx/uwsgi;
    scgi_temp_path {tmp_path}/nginx/scgi;
{server}
}}
"""
    )
    logs = open(tmp_path / "processes.log", "w")  # noqa: SIM115 (closed below)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "core.wsgi:application", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [sys.executable, "manage.py", "task_worker", "*", "--processes", "1"]
            + ["--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path), "-g", "daemon off;"],
            stdout=logs,
            stderr=subprocess.STDOUT,
        ),
    ]
    base = f"http://127.0.0.1:{nginx_port}"

    def healthy():
        """gunicorn to answer through Nginx"""
        try:
            return urllib.request.urlopen(base + "/healthz", timeout=2).status == 200
        except OSError:
            return False

    try:
        wait_for(healthy, timeout=60)
        yield base, tmp_path
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def test_shopper_journey_through_nginx_gunicorn_and_the_worker(stack, shop_formats):
    """Home, a static file from Nginx, sign up, generate, order, pay, and /healthz."""
    base, tmp_path = stack
    shopper = Shopper(base)

    _, home = shopper.follow("/")
    assert b"Turn a sentence into art" in home
    css = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home).group(1).decode()
    status, headers, _ = shopper.request(css)
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Server"] == "nginx"  # no version (server_tokens off), no gunicorn

    shopper.follow("/accounts/signup/")
    password = "a stack test passphrase 9"
    shopper.follow(
        "/accounts/signup/",
        {
            "username": "stacky",
            "email": "stacky@example.com",
            "password1": password,
            "password2": password,
        },
    )

    # Console e-mail: the page itself offers the verification link (link-shown).
    _, pending = shopper.follow("/accounts/verify/")
    verify = re.search(rb'href="(/accounts/verify/[^"/]+/)"', pending).group(1).decode()
    shopper.follow(verify)

    image_path, _ = shopper.follow(
        "/create/", {"prompt": "A tram climbing a hill at dusk", "size": "1024x1024"}
    )

    def painted():
        """the worker to paint the image"""
        return b'data-status="succeeded"' in shopper.follow(image_path)[1]

    wait_for(painted, timeout=60)
    _, page = shopper.follow(image_path)
    # The page draws a sized preview and links the original, both through checked views.
    preview_url = re.search(rb'<img src="([^"]+)"[^>]* class="artwork', page).group(1).decode()
    assert preview_url.endswith("/preview/640.webp")
    status, headers, webp = shopper.request(preview_url)
    assert status == 200 and webp[8:12] == b"WEBP"
    assert headers["Cache-Control"] == "private, no-store"
    image_url = re.search(rb'<a href="([^"]+/original/)"', page).group(1).decode()
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
    cart_path, cart = shopper.follow(
        order_form_path, {"format": shop_formats[0].pk, "quantity": "1"}
    )
    assert cart_path == "/purchases/cart/" and b"Added to your cart" in cart
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
