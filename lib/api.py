"""What every API endpoint shares: pagination, the staff permission, the error shape."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, pagination, permissions
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

logger = logging.getLogger("lib.api")

SERVER_ERROR = {
    "code": "server_error",
    "message": "Something went wrong on our side. We have been told; please try again in a minute.",
}


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
        # Not an API error: log it with its traceback, answer in the one shape, roll back.
        request = context.get("request")
        logger.exception("API error at %s", getattr(request, "path", "?"), exc_info=exc)
        set_rollback()
        return Response({"error": dict(SERVER_ERROR)}, status=500)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields: dict[str, list[str]] = {}
        _flatten_errors(detail, "", fields)
        name, errors = next(iter(fields.items()), ("", ["Invalid input."]))
        # A nested field names its path, so that the message alone says where to look.
        first = f"{name}: {errors[0]}" if "." in name else errors[0]
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


def _flatten_errors(detail, prefix: str, into: dict[str, list[str]]) -> None:
    """Nested serializer errors as {"items.0.quantity": ["A valid integer is required."]}."""
    if isinstance(detail, dict):
        for name, errors in detail.items():
            _flatten_errors(errors, f"{prefix}.{name}" if prefix else str(name), into)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            if detail:
                into.setdefault(prefix or "non_field_errors", []).extend(str(e) for e in detail)
            return
        for index, item in enumerate(detail):
            _flatten_errors(item, f"{prefix}.{index}" if prefix else str(index), into)
    else:
        into.setdefault(prefix or "non_field_errors", []).append(str(detail))
