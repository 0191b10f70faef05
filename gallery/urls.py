from django.urls import path

from gallery import views

urlpatterns = [
    path("explore/", views.explore, name="explore"),
    path("@<str:username>/", views.creator, name="creator"),
]
