"""Storage classes. Files are addressed by their key; URLs are made at render time."""

from storages.backends.s3 import S3Storage


class MediaStorage(S3Storage):
    """Private media in S3 or any S3-compatible store, served through signed URLs.

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
