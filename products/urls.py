from django.urls import path

from products import views

urlpatterns = [
    path("shop/", views.shop, name="shop"),
    path("shop/<str:slug>/", views.product_detail, name="product_detail"),
    path("shop/<str:slug>/preview/", views.product_preview, name="product_preview"),
    path("images/<uuid:public_id>/order/", views.image_order, name="image_order"),
    path("images/<uuid:public_id>/publish/", views.image_publish, name="image_publish"),
]
