"""gunicorn settings for production (used by the Docker image and the stack test)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Generation never runs inside a request, so plain sync workers fit: (2 × cores) + 1.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that slow leaks cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# GUNICORN_ACCESS_LOG=off silences it (benchmarks); Nginx keeps its own access log anyway.
accesslog = None if os.environ.get("GUNICORN_ACCESS_LOG") == "off" else "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Nginx in front sets X-Forwarded-For and X-Forwarded-Proto; trust it (and only it).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips


def _drop_server_header() -> None:
    """Send no Server header: a name and version only help whoever looks for old software.

    gunicorn 27 has no setting for it; its Response writes "Server: gunicorn" in
    default_headers(). This file runs in the master before workers fork, so they inherit it.
    """
    from gunicorn.http import wsgi

    if getattr(wsgi.Response.default_headers, "drops_server", False):
        return
    original = wsgi.Response.default_headers

    def default_headers(self):
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers.drops_server = True
    wsgi.Response.default_headers = default_headers
    wsgi.SERVER_SOFTWARE = ""  # nor in the WSGI environ


_drop_server_header()
