from django.apps import AppConfig


class PrintlabConfig(AppConfig):
    name = "printlab"
    verbose_name = "Print lab"
