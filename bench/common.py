"""Helpers for benchmarks: a throwaway PostgreSQL database and production-like processes."""

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(["psql", f"{PG}/{database}", "-qc", sql], check=True, capture_output=True)


@contextmanager
def bench_database(name: str):
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}")
    try:
        yield f"{PG}/{name}"
    finally:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def production_env(database_url: str, media_root: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "False",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_COOKIES": "False",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": media_root,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


@contextmanager
def processes(*commands: tuple[list[str], dict[str, str], Path]):
    """Start each (argv, env, log file) and stop them all at the end."""
    started = []
    try:
        for argv, env, log in commands:
            handle = open(log, "w")  # noqa: SIM115 (closed below)
            started.append(
                (
                    subprocess.Popen(
                        argv,
                        cwd=ROOT,
                        env=env,
                        stdout=handle,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    ),
                    handle,
                )
            )
        yield [process for process, _ in started]
    finally:
        for process, _ in started:
            with_suppressed(os.killpg, process.pid, signal.SIGTERM)
        for process, handle in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with_suppressed(os.killpg, process.pid, signal.SIGKILL)
            handle.close()


def with_suppressed(function, *args) -> None:
    with suppress(ProcessLookupError, PermissionError):
        function(*args)


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout}s")


class Browser:
    """A cookie-keeping HTTP client that logs in and posts forms with their CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, data: dict, referer_path: str | None = None) -> tuple[int, dict]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + (referer_path or path)}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers)

    def log_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        status, headers = self.post(
            "/accounts/login/", {"username": username, "password": password}
        )
        if status != 302:
            raise SystemExit(f"login failed: {status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def search_token(html: str, pattern: str) -> str:
    match = re.search(pattern, html)
    if not match:
        raise SystemExit(f"pattern {pattern!r} not found")
    return match.group(1)
