"""Pieces of the production stack on this machine, without Docker, for the stack tests: Debian's
Nginx with nginx/default.conf.template, gunicorn with gunicorn.conf.py, `task_worker`, and a
client that keeps cookies and posts forms the way a shopper's browser does."""

import getpass
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from string import Template

import pytest
from django.db import connection

from tests.conftest import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def stack_or_skip() -> None:
    if not os.access(NGINX, os.X_OK):
        message = "Debian's nginx is needed for the stack test (make test installs it)."
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    if connection.vendor != "postgresql":
        pytest.skip("The production stack runs on PostgreSQL: set DATABASE_URL (CI does).")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_conf(tmp_path: Path, *, upstreams: list[str], port: int, static_root: Path) -> Path:
    """nginx.conf for this test: the site's server block with one `server` line per web node."""
    template = (ROOT / "nginx" / "default.conf.template").read_text()
    line = "    server ${UPSTREAM} max_fails=1 fail_timeout=10s;\n"
    assert line in template, "the upstream line of the template changed"
    template = template.replace(line, "".join(line.replace("${UPSTREAM}", u) for u in upstreams))
    server = Template(template).safe_substitute(
        LISTEN_PORT=str(port),
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        CACHE_ROOT=str(tmp_path / "nginx" / "cache"),
    )
    (tmp_path / "nginx").mkdir(exist_ok=True)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        # Workers run as the test's own user: pytest's temporary folders are private to it.
        f"""user {getpass.getuser()};
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log warn;
events {{ worker_connections 512; }}
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
    return conf


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def start(argv: list[str], env: dict[str, str] | None, log: Path) -> subprocess.Popen:
    """A process in a session of its own, so that it can be killed whole, as a machine dies."""
    with open(log, "w") as output:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.log = log
    return process


def gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen:
    argv = [sys.executable, "-m", "gunicorn", "core.wsgi:application", "-c", "gunicorn.conf.py"]
    return start(argv, env, log)


def task_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    argv = [sys.executable, "manage.py", "task_worker", "*", "--processes", "1"]
    return start(argv + ["--interval", "0.2"], env, log)


def nginx(tmp_path: Path, conf: Path) -> subprocess.Popen:
    argv = [NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"]
    return start(argv, None, tmp_path / "nginx-stdout.log")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


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

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def request(self, path: str, data: dict | None = None, timeout: float = 30):
        body = None
        if data is not None:
            body = urllib.parse.urlencode(
                {**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}
            ).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            response = self.opener.open(request, timeout=timeout)
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

    def sign_up(self, username: str) -> None:
        """Sign up through the form and follow the e-mail link the page shows (console e-mail).

        Through the site, not a factory: the test process hashes passwords its own fast way.
        """
        self.follow("/accounts/signup/")
        password = "a stack test passphrase 9"
        form = {"username": username, "email": f"{username}@example.com"}
        self.follow("/accounts/signup/", {**form, "password1": password, "password2": password})
        _, pending = self.follow("/accounts/verify/")
        self.follow(search(rb'href="(/accounts/verify/[^"/]+/)"', pending))


def search(pattern: bytes, page: bytes) -> str:
    match = re.search(pattern, page)
    assert match, f"{pattern!r} is not on the page"
    return match.group(1).decode()
