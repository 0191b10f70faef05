"""Storage classes and keys. Files are addressed by their key; URLs are made at render time.

Two stores: `default` holds public derivatives (thumbnails of public images), `private` holds
originals, previews of private images and print masters. Private files are never served
directly: a permission-checked view hands them out (a short-lived signed URL on S3, an
`X-Accel-Redirect` to an internal Nginx location, or a stream in development).
"""

import secrets

from django.core.files.storage import Storage, storages
from storages.backends.s3 import S3Storage


class MediaStorage(S3Storage):
    """Media in S3 or any S3-compatible store, served through signed URLs.

    With a custom (CDN) domain the files are public behind that domain and URLs are plain.
    """

    def get_default_settings(self) -> dict:
        defaults = super().get_default_settings()
        defaults.update(
            signature_version="s3v4",
            default_acl=None,
            file_overwrite=False,
            object_parameters={"CacheControl": "max-age=31536000, immutable"},
        )
        return defaults

    def __init__(self, **settings) -> None:
        settings.setdefault("querystring_auth", not settings.get("custom_domain"))
        super().__init__(**settings)


class PrivateMediaStorage(MediaStorage):
    """Never public: always signed, never behind the CDN domain, under its own prefix."""

    def __init__(self, **settings) -> None:
        settings["custom_domain"] = None
        settings["querystring_auth"] = True
        settings.setdefault("location", "private")
        super().__init__(**settings)

    def get_default_settings(self) -> dict:
        defaults = super().get_default_settings()
        defaults["object_parameters"] = {"CacheControl": "private, max-age=300"}
        return defaults


class PrivateStorage(Storage):
    """Stands for `storages["private"]`, looked up on every use.

    A FileField calls its storage callable once, when the model class is made; this stand-in
    keeps the lookup live, so a change of settings (tests, S3 fixtures) reaches the field.
    """

    @property
    def real(self) -> Storage:
        return storages["private"]

    def __getattr__(self, name: str):
        return getattr(storages["private"], name)


for _method in (
    "open",
    "save",
    "delete",
    "exists",
    "listdir",
    "size",
    "url",
    "path",
    "get_valid_name",
    "get_alternative_name",
    "get_available_name",
    "generate_filename",
    "get_accessed_time",
    "get_created_time",
    "get_modified_time",
):
    setattr(
        PrivateStorage,
        _method,
        lambda self, *args, _name=_method, **kwargs: getattr(self.real, _name)(*args, **kwargs),
    )


_PRIVATE = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The `private` store, for FileField(storage=private_storage)."""
    return _PRIVATE


def random_key(folder: str, extension: str) -> str:
    """A key nobody can derive from another key or id: 128 random bits."""
    return f"{folder}/{secrets.token_urlsafe(16)}.{extension}"
