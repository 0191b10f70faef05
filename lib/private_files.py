"""Handing out a private file once a view has checked who may have it."""

import mimetypes

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from storages.backends.s3 import S3Storage

SIGNED_URL_SECONDS = 300


def private_file_response(
    stored: FieldFile, *, filename: str = "", attachment: bool = False
) -> HttpResponse:
    """S3: a redirect to a short-lived signed URL. Local files: an `X-Accel-Redirect` to
    Nginx's internal location when PRIVATE_MEDIA_ACCEL_REDIRECT is set (production), or a
    stream from Django (development)."""
    disposition = "attachment" if attachment else "inline"
    filename = filename or stored.name.rsplit("/", 1)[-1]
    storage = getattr(stored.storage, "real", stored.storage)
    if isinstance(storage, S3Storage):
        url = storage.url(
            stored.name,
            parameters={"ResponseContentDisposition": f'{disposition}; filename="{filename}"'},
            expire=settings.PRIVATE_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
    elif settings.PRIVATE_MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=mimetypes.guess_type(filename)[0] or "")
        response["X-Accel-Redirect"] = settings.PRIVATE_MEDIA_ACCEL_REDIRECT + stored.name
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    else:
        response = FileResponse(
            storage.open(stored.name, "rb"), as_attachment=attachment, filename=filename
        )
    # Never kept by a shared cache: the next person may not be allowed to see it.
    response["Cache-Control"] = "private, no-store"
    return response


def signed_storage_url(stored: FieldFile, *, seconds: int) -> str:
    """A signed URL straight to the file when the storage signs its own (S3); "" otherwise."""
    storage = getattr(stored.storage, "real", stored.storage)
    if isinstance(storage, S3Storage):
        return storage.url(stored.name, expire=seconds)
    return ""
