"""What every API endpoint shares: pagination, the staff permission, the error shape."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, pagination, permissions
from rest_framework.response import Response
from rest_framework.views import exception_handler


class Pagination(pagination.PageNumberPagination):
    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = 100


class IsStaff(permissions.BasePermission):
    message = "Only managers can see this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


def error_response(code: str, message: str, status: int, **extra) -> Response:
    return Response({"error": {"code": code, "message": message, **extra}}, status=status)


def api_exception_handler(exc, context):
    """Every error as {"error": {"code", "message", "fields"?}}, whatever raised it."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = {
            name: [str(e) for e in (errors if isinstance(errors, list) else [errors])]
            for name, errors in detail.items()
        }
        first = next(iter(fields.values()), ["Invalid input."])[0]
        response.data = {"error": {"code": "invalid", "message": first, "fields": fields}}
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        message = str(exc.detail) if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = {
            "error": {"code": code if isinstance(code, str) else "error", "message": message}
        }
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            response.data["error"]["retry_after_seconds"] = int(exc.wait)
    return response
