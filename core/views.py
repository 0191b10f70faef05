import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views import defaults as django_defaults
from django.views.decorators.cache import never_cache
from django.views.static import serve

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("img/favicon.svg"), permanent=True)


def api_docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI from vendored static files (drf-spectacular-sidecar), no CDN, no inline script."""
    return render(request, "core/api_docs.html")


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database reachability, for Docker and Nginx."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
