from django.urls import path

from gallery import views

urlpatterns = [
    path("explore/", views.explore, name="explore"),
    path("@<str:username>/", views.creator, name="creator"),
    path("images/<uuid:public_id>/like/", views.image_like, name="image_like"),
    path("images/<uuid:public_id>/delete/", views.image_delete, name="image_delete"),
    path("images/<uuid:public_id>/report/", views.image_report, name="image_report"),
]
