from django.urls import path

from console import views

urlpatterns = [
    path("", views.console_home, name="console_home"),
    path("generation/resume/", views.console_generation_resume, name="console_generation_resume"),
]
