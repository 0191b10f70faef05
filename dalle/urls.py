from django.urls import path

from dalle import views

urlpatterns = [
    path("create/", views.image_create, name="image_create"),
    path("images/", views.image_list, name="image_list"),
    path("images/<uuid:public_id>/", views.image_detail, name="image_detail"),
    path("images/<uuid:public_id>/cancel/", views.image_cancel, name="image_cancel"),
    path("images/<uuid:public_id>/again/", views.image_again, name="image_again"),
    path("images/<uuid:public_id>/original/", views.image_original, name="image_original"),
    path("images/<uuid:public_id>/preview/", views.image_preview, name="image_preview"),
    path(
        "images/<uuid:public_id>/preview/<int:width>.<slug:fmt>",
        views.image_preview_sized,
        name="image_preview_sized",
    ),
]
