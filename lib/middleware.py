"""Refuse malformed or oversized requests before any view, session or database sees them.

What is refused, with a 400 and a sentence (a JSON error under /api/):
  * a NUL byte, invalid UTF-8 or an encoded lone surrogate in the path or the query string;
  * a query string longer than REQUEST_MAX_QUERY_BYTES;
  * a NUL byte in a header; a Content-Length that is not a number;
  * in a url-encoded form body: invalid UTF-8 or a NUL byte in any name or value
    (Django would silently store "\ufffd" replacement characters instead);
  * in a JSON body: invalid UTF-8, or a string holding NUL or a lone surrogate, which
    PostgreSQL cannot store.
A body over REQUEST_MAX_BODY_BYTES is refused with 413, by its Content-Length before it is
read, and while it is read when it streams without one (chunked transfer encoding).
"""

import io
import json
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

API_PREFIX = "/api/"


class BadInput(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def error_page(request: HttpRequest, *, status: int, message: str, code: str) -> HttpResponse:
    """The small error page, or the API's error shape under /api/."""
    if request.path_info.startswith(API_PREFIX) or request.path.startswith(API_PREFIX):
        return JsonResponse({"error": {"code": code, "message": message}}, status=status)
    html = render_to_string("400.html", {"status": status, "message": message})
    return HttpResponse(html, status=status)


def _check_text(raw: bytes, where: str) -> str:
    if b"\x00" in raw:
        raise BadInput(f"The {where} contains a NUL byte, which is not allowed.")
    try:
        # Strict UTF-8 also refuses encoded surrogates (ED A0 80 ...) and over-long forms.
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"The {where} is not valid UTF-8 text.") from None


def _check_urlencoded(raw: bytes, where: str) -> None:
    _check_text(raw, where)  # raw bytes outside the percent-encoding
    for pair in raw.split(b"&"):
        for part in pair.split(b"=", 1):
            _check_text(unquote_to_bytes(part.replace(b"+", b" ")), where)


def _walk_json(value, where: str) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise BadInput(f"The {where} contains a NUL character, which is not allowed.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadInput(f"The {where} contains a lone surrogate (\\ud800…).") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk_json(key, where)
            _walk_json(item, where)
    elif isinstance(value, list):
        for item in value:
            _walk_json(item, where)


def _content_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH", "")
    if raw in ("", None):
        return None
    if not str(raw).isdigit():
        raise BadInput("The Content-Length header must be a whole number of bytes.")
    return int(raw)


def _too_large() -> BadInput:
    limit = settings.REQUEST_MAX_BODY_BYTES
    return BadInput(
        f"The request body is too large: at most {limit:,} bytes are accepted.", status=413
    )


def _read_streamed_body(request: HttpRequest) -> None:
    """A body without Content-Length (chunked): read it, counting, up to the limit."""
    limit = settings.REQUEST_MAX_BODY_BYTES
    stream = request.environ.get("wsgi.input")
    if stream is None:
        return
    chunks, size = [], 0
    while chunk := stream.read(min(65536, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_large()
    body = b"".join(chunks)
    # Hand Django the body as if it had come with its length.
    request.META["CONTENT_LENGTH"] = str(len(body))
    request._stream = io.BytesIO(body)
    request._read_started = False


def check_request(request: HttpRequest) -> None:
    """Raise BadInput for anything this module refuses."""
    for name, value in request.META.items():
        if name.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            raise BadInput("A request header contains a NUL byte, which is not allowed.")
    path = request.environ.get("PATH_INFO", "")
    raw_path = path.encode("latin-1", "replace") if isinstance(path, str) else path
    # Servers hand PATH_INFO over decoded (gunicorn) or still percent-encoded (some test
    # clients): check both readings, since no route of ours needs a literal "%xx".
    _check_text(raw_path, "address")
    _check_text(unquote_to_bytes(raw_path), "address")
    query = request.environ.get("QUERY_STRING", "")
    raw_query = query.encode("latin-1", "replace") if isinstance(query, str) else query
    if len(raw_query) > settings.REQUEST_MAX_QUERY_BYTES:
        raise BadInput(
            f"The query string is too long: at most {settings.REQUEST_MAX_QUERY_BYTES:,} "
            "bytes are accepted."
        )
    _check_urlencoded(raw_query, "query string")

    length = _content_length(request)
    if length is not None and length > settings.REQUEST_MAX_BODY_BYTES:
        raise _too_large()
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    if length is None and chunked:
        _read_streamed_body(request)
        length = int(request.META["CONTENT_LENGTH"])
    if not length:
        return
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        _check_urlencoded(request.body, "form")
    elif content_type == "application/json" or content_type.endswith("+json"):
        text = _check_text_json(request.body)
        try:
            data = json.loads(text)
        except ValueError:
            return  # DRF answers malformed JSON with its own 400
        _walk_json(data, "JSON body")


def _check_text_json(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("The JSON body is not valid UTF-8 text.") from None


class BadInputMiddleware:
    """Early in MIDDLEWARE: a refused request costs no session, user or database query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except BadInput as error:
            code = "too_large" if error.status == 413 else "bad_request"
            return error_page(request, status=error.status, message=error.message, code=code)
        return self.get_response(request)
