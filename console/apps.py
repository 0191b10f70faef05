from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The managers' console: how the shop is doing, read from every app below it."""

    name = "console"
    verbose_name = "Managers' console"
