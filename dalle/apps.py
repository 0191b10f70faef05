from django.apps import AppConfig


class DalleConfig(AppConfig):
    name = "dalle"
