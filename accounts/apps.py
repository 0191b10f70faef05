from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # Connects the receiver that drops a cached user on save, in every process
        # (the worker and management commands save users too).
        from accounts import backends  # noqa: F401
