import logging
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.tasks import task_backends
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views import defaults as django_defaults
from django.views.decorators.cache import never_cache
from django.views.static import serve

from gallery.cache import gallery_cache_seconds, gallery_state
from gallery.selectors import home_sections
from lib.caching import cache_per_viewer, public_for_visitors

logger = logging.getLogger(__name__)


@public_for_visitors
@cache_per_viewer(state=gallery_state, seconds=gallery_cache_seconds)
def home(request: HttpRequest) -> HttpResponse:
    """Today's and this week's top five and the newest art, and the way to create one's own."""
    return render(request, "core/home.html", {"sections": home_sections(viewer=request.user)})


def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("img/favicon.svg"), permanent=True)


def api_docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI from vendored static files (drf-spectacular-sidecar), no CDN, no inline script."""
    return render(request, "core/api_docs.html")


HEALTH_BUDGET_SECONDS = 2.5


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # this ran in a helper thread: hand its connection back
    return {"status": "ok"}


def _check_cache() -> dict:
    cache = caches["default"]
    if hasattr(cache, "ping"):
        return {"status": "ok" if cache.ping() else "unreachable"}
    return {"status": "ok", "kind": "per-process memory"}


def _check_storage() -> dict:
    default_storage.exists("healthz-probe")
    return {"status": "ok"}


def _check_tasks() -> dict:
    from django_tasks_db.models import DBTaskResult

    backend = task_backends["default"]
    if hasattr(backend, "queue_depth"):  # Celery: the messages waiting at the broker
        backlog = backend.queue_depth()
    else:
        try:
            backlog = DBTaskResult.objects.ready().count()
        finally:
            connection.close()
    warn = settings.HEALTH_TASK_BACKLOG_WARN
    return {"status": "ok" if backlog <= warn else "backlogged", "backlog": backlog}


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "storage": _check_storage,
    "tasks": _check_tasks,
}


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Each dependency, checked at once within a budget, for load balancers and people.

    "ok": everything answers; "degraded": the site works but something is slow or missing
    (cache, storage, a task backlog), still 200; "down": the database is unreachable, 503.
    """
    pool = ThreadPoolExecutor(max_workers=len(CHECKS))
    futures = {name: pool.submit(check) for name, check in CHECKS.items()}
    deadline = time.monotonic() + HEALTH_BUDGET_SECONDS
    report = {}
    for name, future in futures.items():
        try:
            report[name] = future.result(timeout=max(deadline - time.monotonic(), 0))
        except FutureTimeout:
            report[name] = {"status": "timeout"}
        except Exception as error:
            logger.warning("Health check: %s failed: %s", name, error)
            report[name] = {"status": "unreachable"}
    pool.shutdown(wait=False, cancel_futures=True)
    if report["database"]["status"] != "ok":
        overall, code = "down", 503
    elif any(check["status"] != "ok" for check in report.values()):
        overall, code = "degraded", 200
    else:
        overall, code = "ok", 200
    return JsonResponse(
        {"status": overall, "database": report["database"]["status"], "checks": report},
        status=code,
    )


def media_file(request: HttpRequest, path: str) -> HttpResponse:
    """Local media for a run without Nginx in front (development, tests, `make run`).

    Names are random UUIDs, so a file is reachable only by whoever was shown its URL,
    as with the signed URLs of S3.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def bench_ping(request: HttpRequest) -> HttpResponse:
    """The ceiling for `make bench`: Django answering with no template and no query."""
    return HttpResponse("hello", content_type="text/plain")


# Error pages. Under /api/ every error keeps the API's one JSON shape, 5xx included.
def _api_error(request: HttpRequest, status: int, code: str, message: str) -> JsonResponse | None:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": code, "message": message}}, status=status)
    return None


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    message = "The request could not be read. Please check it and try again."
    return _api_error(request, 400, "bad_request", message) or HttpResponse(
        render_to_string("400.html", {"status": 400, "message": message}), status=400
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    api = _api_error(request, 403, "permission_denied", "You may not do this.")
    return api or django_defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    api = _api_error(request, 404, "not_found", "There is nothing at this address.")
    return api or django_defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    from lib.api import SERVER_ERROR

    api = _api_error(request, 500, SERVER_ERROR["code"], SERVER_ERROR["message"])
    return api or django_defaults.server_error(request)
