from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "products"

    def ready(self) -> None:
        from products import signals  # noqa: F401  (connects the receivers)
