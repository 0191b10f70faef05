from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.views import healthz

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answer /healthz before host validation and HTTPS redirects.

    Container health checks and load balancers call it by IP over plain HTTP.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)


class ServedByMiddleware:
    """`X-Served-By: NODE_NAME` on every response: which web node answered, for operators
    (and the two-node stack test) behind a load balancer. No NODE_NAME, no header.

    A name the operator chose, not a host name or an address; it tells an outsider no more
    than that there is more than one machine.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.NODE_NAME:
            response["X-Served-By"] = settings.NODE_NAME
        return response
