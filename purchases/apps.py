from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "purchases"

    def ready(self) -> None:
        from purchases import signals  # noqa: F401  (connects the receivers)
